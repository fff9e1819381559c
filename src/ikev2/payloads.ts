/** Small builders and finders for the payloads the exchanges put in and look for. */
import { IkeError } from '../errors.js';
import { NotifyType, PayloadType } from '../payloads/iana/ikev2.js';
import { formatIdV2, parseIdV2 } from '../payloads/ikev2/id.js';
import type { IdPayload, NotifyPayload, PayloadOfType, PayloadV2, TsPayload } from '../payloads/ikev2/types.js';
import { BoundedCache } from '../util/bounded-cache.js';

export function notify(notifyType: number, data: Uint8Array = new Uint8Array(0), protocolId = 0, spi: Uint8Array = new Uint8Array(0)): NotifyPayload {
  return { type: PayloadType.N, protocolId, spi, notifyType, data };
}

export function find<T extends number>(payloads: readonly PayloadV2[], type: T): PayloadOfType<T> | undefined {
  return payloads.find((p) => p.type === type) as PayloadOfType<T> | undefined;
}

export function findAll<T extends number>(payloads: readonly PayloadV2[], type: T): PayloadOfType<T>[] {
  return payloads.filter((p) => p.type === type) as PayloadOfType<T>[];
}

export function findNotify(payloads: readonly PayloadV2[], notifyType: number): NotifyPayload | undefined {
  return payloads.find((p): p is NotifyPayload => p.type === PayloadType.N && p.notifyType === notifyType);
}

export function findNotifies(payloads: readonly PayloadV2[], notifyType: number): NotifyPayload[] {
  return payloads.filter((p): p is NotifyPayload => p.type === PayloadType.N && p.notifyType === notifyType);
}

/** RFC 7296 section 3.10.1: the first error-type notify (below 16384), if any. */
export function errorNotify(payloads: readonly PayloadV2[]): NotifyPayload | undefined {
  return payloads.find((p): p is NotifyPayload => p.type === PayloadType.N && p.notifyType < 16384);
}

export function notifyName(n: number): string {
  return NotifyType.label(n);
}

/** A payload the exchange cannot do without; its absence is INVALID_SYNTAX (RFC 7296 section 2.21). */
export function required<T extends number>(payloads: readonly PayloadV2[], type: T, what: string): PayloadOfType<T> {
  const p = find(payloads, type);
  if (!p) throw new IkeError('INVALID_SYNTAX', `${what} has no ${PayloadType.label(type)} payload`, { payload: what });
  return p;
}

export function idPayload(type: typeof PayloadType.IDi | typeof PayloadType.IDr, text: string): IdPayload {
  const { idType, data } = parseIdV2(text);
  return { type, idType, data };
}

/** RFC 7296 section 2.15: RestOfInitIDPayload = ID Type, three RESERVED octets, Identification Data. */
export function restOfIdPayload(id: IdPayload): Uint8Array {
  const out = new Uint8Array(4 + id.data.length);
  out[0] = id.idType;
  out.set(id.data, 4);
  return out;
}

export function idText(id: IdPayload): string {
  return formatIdV2(id);
}

/** ID texts in one canonical form (type and formatted value), or null when unparseable; cached by text (bounded). */
const canonicalIds = new BoundedCache<string, string | null>(4096);

function canonicalId(text: string): string | null {
  return canonicalIds.get(text, () => {
    try {
      const id = parseIdV2(text);
      return `${id.idType}|${formatIdV2(id)}`;
    } catch {
      return null;
    }
  });
}

/** Two ID texts name the same identity (kinds are case-insensitive, as parseIdV2 reads them). */
export function sameId(a: string, b: string): boolean {
  const x = canonicalId(a);
  return x !== null && x === canonicalId(b);
}

export function u16(n: number): Uint8Array {
  return new Uint8Array([(n >>> 8) & 0xff, n & 0xff]);
}

export function readU16(b: Uint8Array): number | undefined {
  return b.length >= 2 ? (b[0] << 8) | b[1] : undefined;
}


/** TSi or TSr (one interface covers both, so `required` cannot name it). */
export function requiredTs(payloads: readonly PayloadV2[], type: typeof PayloadType.TSi | typeof PayloadType.TSr, what: string): TsPayload {
  const p = payloads.find((x): x is TsPayload => x.type === type);
  if (!p) throw new IkeError('INVALID_SYNTAX', `${what} has no ${PayloadType.label(type)} payload`, { payload: what });
  return p;
}

/** Byte-wise order of two nonces; on a common prefix the shorter is lower. */
export function compareNonces(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** The lower of an exchange's two nonces (RFC 7296 section 2.8.1 compares the lowest of four). */
export function lowerNonce(a: Uint8Array, b: Uint8Array): Uint8Array {
  return compareNonces(a, b) <= 0 ? a : b;
}
