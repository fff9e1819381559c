/**
 * One typed registry per IANA table. A registry is the table's name→number map (usable as
 * constants: `ExchangeType.IKE_SA_INIT`) plus lookups that print a value by its RFC name and keep
 * unknown numbers as numbers.
 */
export interface RegistryLookups<T extends Record<string, number>> {
  /** Title of the IANA table, for traces and errors. */
  readonly title: string;
  /** The RFC name of a value, or undefined when the table has no such entry. */
  nameOf(value: number): keyof T & string | undefined;
  /** The RFC name, or `UNKNOWN(<value>)` (with a range label, e.g. PRIVATE_USE, when the table has one). */
  label(value: number): string;
  has(value: number): value is T[keyof T];
  readonly entries: ReadonlyArray<readonly [keyof T & string, number]>;
}

export type Registry<T extends Record<string, number>> = Readonly<T> & RegistryLookups<T>;

export interface RegistryRange {
  from: number;
  to: number;
  label: string;
}

export function defineRegistry<const T extends Record<string, number>>(
  title: string,
  table: T,
  ranges: RegistryRange[] = [],
): Registry<T> {
  const byValue = new Map<number, string>();
  for (const [k, v] of Object.entries(table)) if (!byValue.has(v)) byValue.set(v, k);
  const lookups: RegistryLookups<T> = {
    title,
    nameOf: (v) => byValue.get(v) as (keyof T & string) | undefined,
    label: (v) => {
      const n = byValue.get(v);
      if (n) return n;
      const r = ranges.find((x) => v >= x.from && v <= x.to);
      return r ? `${r.label}(${v})` : `UNKNOWN(${v})`;
    },
    has: (v): v is T[keyof T] => byValue.has(v),
    entries: Object.entries(table) as Array<[keyof T & string, number]>,
  };
  return Object.freeze({ ...table, ...lookups }) as Registry<T>;
}

/** The union of a registry's numeric values. */
export type ValueOf<R> = R extends Registry<infer T> ? T[keyof T] : never;
