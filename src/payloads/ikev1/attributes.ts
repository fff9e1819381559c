/**
 * RFC 2408 section 3.3, Data Attributes: the TV / TLV list carried by Transform payloads (SA
 * Attributes) and by the Mode-Config Attribute payload.
 */
import { IkeParseError } from '../../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { DataAttributeV1 } from './types.js';

/** Attribute Format bit: set for TV (basic), clear for TLV (variable). */
const AF = 0x8000;

/** Reads attributes until the end of `r` (the enclosing structure's length bounds the list). */
export function decodeDataAttributesV1(r: Reader): DataAttributeV1[] {
  const out: DataAttributeV1[] = [];
  while (!r.atEnd) {
    const typeField = r.u16('Attribute Type');
    const type = typeField & 0x7fff;
    if (typeField & AF) {
      out.push({ type, form: 'TV', value: r.bytes(2, 'Attribute Value') });
    } else {
      const length = r.u16('Attribute Length');
      out.push({ type, form: 'TLV', value: r.bytes(length, 'Attribute Value') });
    }
  }
  return out;
}

export function encodeDataAttributesV1(w: Writer, attributes: readonly DataAttributeV1[]): void {
  for (const a of attributes) {
    if (!Number.isInteger(a.type) || a.type < 0 || a.type > 0x7fff) throw new RangeError(`attribute type ${a.type} is not 15 bits`);
    if (a.form === 'TV') {
      if (a.value.length !== 2) throw new RangeError('a TV attribute value is 2 octets (RFC 2408 section 3.3)');
      w.u16(AF | a.type).bytes(a.value);
    } else {
      if (a.value.length > 0xffff) throw new RangeError('a TLV attribute value is at most 65535 octets');
      w.u16(a.type).u16(a.value.length).bytes(a.value);
    }
  }
}

/** The attribute value as an unsigned big-endian integer (any length). */
export function attributeBigIntV1(a: DataAttributeV1): bigint {
  let v = 0n;
  for (const b of a.value) v = (v << 8n) | BigInt(b);
  return v;
}

/**
 * The attribute value as a number, e.g. a TLV Life Duration `00 01 51 80` is 86400. Throws an
 * IkeParseError when it does not fit a safe integer (use attributeBigIntV1 for group primes).
 */
export function attributeNumberV1(a: DataAttributeV1): number {
  const v = attributeBigIntV1(a);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new IkeParseError('INVALID_SYNTAX', `attribute ${a.type} value does not fit a number`, { payload: 'Data Attribute' });
  }
  return Number(v);
}

/**
 * An attribute in the shortest form that holds `value` (RFC 2408 section 3.3): TV when it fits 16
 * bits, otherwise TLV with the fewest octets. Byte strings are always TLV.
 */
export function makeAttributeV1(type: number, value: number | bigint | Uint8Array): DataAttributeV1 {
  if (value instanceof Uint8Array) return { type, form: 'TLV', value };
  const v = BigInt(value);
  if (v < 0n) throw new RangeError('attribute values are unsigned');
  if (v <= 0xffffn) return { type, form: 'TV', value: new Uint8Array([Number(v >> 8n), Number(v & 0xffn)]) };
  const bytes: number[] = [];
  for (let x = v; x > 0n; x >>= 8n) bytes.unshift(Number(x & 0xffn));
  return { type, form: 'TLV', value: new Uint8Array(bytes) };
}

/** The first attribute of a type, if any. */
export function findAttributeV1(attributes: readonly DataAttributeV1[], type: number): DataAttributeV1 | undefined {
  return attributes.find((a) => a.type === type);
}
