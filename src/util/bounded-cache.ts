/**
 * Values derived from configuration or repeated across SAs (parsed selectors, canonical IDs, shared
 * transform and selector lists), by key. Bounded: past `max` entries the table starts over, so a
 * stream of distinct keys costs memory once, not forever.
 */
export class BoundedCache<K, V> {
  private readonly table = new Map<K, V>();

  constructor(private readonly max: number) {}

  get(key: K, make: () => V): V {
    if (this.table.has(key)) return this.table.get(key) as V;
    const value = make();
    if (this.table.size >= this.max) this.table.clear();
    this.table.set(key, value);
    return value;
  }
}
