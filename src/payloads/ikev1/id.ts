/** RFC 2408 section 3.8 with the IPsec DOI layout of RFC 2407 section 4.6.2. */
import { IdType, PayloadType } from '../iana/ikev1.js';
import { concatBytes, utf8Decode, utf8Encode } from '../../util/bytes.js';
import type { PayloadBodyCodecV1 } from './bodies.js';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6, prefixLengthOf } from './address.js';
import type { IdPayloadV1 } from './types.js';
import { uintField } from './fields.js';

/** RFC 2407 section 4.6.2.2-4.6.2.12: the fixed Identification Data length of the address types. */
export const ID_DATA_LENGTH_V1: Readonly<Record<number, number>> = {
  [IdType.ID_IPV4_ADDR]: 4,
  [IdType.ID_IPV4_ADDR_SUBNET]: 8,
  [IdType.ID_IPV4_ADDR_RANGE]: 8,
  [IdType.ID_IPV6_ADDR]: 16,
  [IdType.ID_IPV6_ADDR_SUBNET]: 32,
  [IdType.ID_IPV6_ADDR_RANGE]: 32,
};

/** Name-like types carry at least one octet (an empty FQDN or DN identifies nothing). */
const NON_EMPTY = new Set<number>([
  IdType.ID_FQDN,
  IdType.ID_USER_FQDN,
  IdType.ID_DER_ASN1_DN,
  IdType.ID_DER_ASN1_GN,
  IdType.ID_KEY_ID,
]);

export const idCodecV1: PayloadBodyCodecV1<IdPayloadV1> = {
  name: 'Identification',
  decode(r) {
    const idType = r.u8('ID Type');
    const protocolId = r.u8('Protocol ID');
    const port = r.u16('Port');
    const at = r.offset;
    const data = r.rest();
    const want = ID_DATA_LENGTH_V1[idType];
    if (want !== undefined && data.length !== want) {
      r.fail(`${IdType.label(idType)} Identification Data is ${data.length} octets, expected ${want}`, 'INVALID_SYNTAX', at);
    }
    if (NON_EMPTY.has(idType) && data.length === 0) r.fail(`${IdType.label(idType)} Identification Data is empty`, 'INVALID_SYNTAX', at);
    return { type: PayloadType.ID, idType, protocolId, port, data };
  },
  encode(w, p) {
    w.u8(uintField(p.idType, 8, 'ID Type')).u8(uintField(p.protocolId, 8, 'Protocol ID')).u16(uintField(p.port, 16, 'Port')).bytes(p.data);
  },
};

/** A structured view of IPsec DOI Identification Data (RFC 2407 section 4.6.2). */
export type IdentificationV1 =
  | { kind: 'address'; address: string }
  | { kind: 'subnet'; address: string; mask: string; prefixLength?: number }
  | { kind: 'range'; start: string; end: string }
  | { kind: 'name'; name: string }
  | { kind: 'opaque'; data: Uint8Array };

/** Interprets Identification Data by its ID Type; lengths were checked when the payload was decoded. */
export function parseIdentificationV1(idType: number, data: Uint8Array): IdentificationV1 {
  const want = ID_DATA_LENGTH_V1[idType];
  if (want !== undefined && data.length !== want) return { kind: 'opaque', data };
  const v6 = idType === IdType.ID_IPV6_ADDR || idType === IdType.ID_IPV6_ADDR_SUBNET || idType === IdType.ID_IPV6_ADDR_RANGE;
  const fmt = v6 ? formatIpv6 : formatIpv4;
  const half = v6 ? 16 : 4;
  switch (idType) {
    case IdType.ID_IPV4_ADDR:
    case IdType.ID_IPV6_ADDR:
      return { kind: 'address', address: fmt(data) };
    case IdType.ID_IPV4_ADDR_SUBNET:
    case IdType.ID_IPV6_ADDR_SUBNET: {
      const mask = data.subarray(half);
      const prefixLength = prefixLengthOf(mask);
      return prefixLength === undefined
        ? { kind: 'subnet', address: fmt(data.subarray(0, half)), mask: fmt(mask) }
        : { kind: 'subnet', address: fmt(data.subarray(0, half)), mask: fmt(mask), prefixLength };
    }
    case IdType.ID_IPV4_ADDR_RANGE:
    case IdType.ID_IPV6_ADDR_RANGE:
      return { kind: 'range', start: fmt(data.subarray(0, half)), end: fmt(data.subarray(half)) };
    case IdType.ID_FQDN:
    case IdType.ID_USER_FQDN:
      return { kind: 'name', name: utf8Decode(data) };
    default:
      return { kind: 'opaque', data };
  }
}

function maskOf(prefix: string, octets: number): Uint8Array {
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > octets * 8) throw new RangeError(`not a prefix length: ${prefix}`);
  const n = Number(prefix);
  const mask = new Uint8Array(octets);
  for (let i = 0; i < octets; i++) mask[i] = n >= (i + 1) * 8 ? 0xff : n > i * 8 ? (0xff << (8 - (n - i * 8))) & 0xff : 0;
  return mask;
}

/**
 * Identification Data for a textual identity, the inverse of parseIdentificationV1 (RFC 2407
 * section 4.6.2): an address ("192.0.2.1", "2001:db8::1"), a subnet ("10.0.0.0/24",
 * "10.0.0.0/255.255.255.0", "::/0"), a range ("10.0.0.1-10.0.0.9"), or an FQDN / USER_FQDN.
 * Other ID types carry bytes the caller already has.
 */
export function identificationDataV1(idType: number, text: string): Uint8Array {
  const v6 = idType === IdType.ID_IPV6_ADDR || idType === IdType.ID_IPV6_ADDR_SUBNET || idType === IdType.ID_IPV6_ADDR_RANGE;
  const parse = v6 ? parseIpv6 : parseIpv4;
  const octets = v6 ? 16 : 4;
  switch (idType) {
    case IdType.ID_IPV4_ADDR:
    case IdType.ID_IPV6_ADDR:
      return parse(text);
    case IdType.ID_IPV4_ADDR_SUBNET:
    case IdType.ID_IPV6_ADDR_SUBNET: {
      const slash = text.indexOf('/');
      if (slash < 0) throw new RangeError(`a subnet is address/prefix or address/mask: ${text}`);
      const mask = text.slice(slash + 1);
      return concatBytes(parse(text.slice(0, slash)), /^\d+$/.test(mask) ? maskOf(mask, octets) : parse(mask));
    }
    case IdType.ID_IPV4_ADDR_RANGE:
    case IdType.ID_IPV6_ADDR_RANGE: {
      const parts = text.split('-');
      if (parts.length !== 2) throw new RangeError(`a range is start-end: ${text}`);
      return concatBytes(parse(parts[0].trim()), parse(parts[1].trim()));
    }
    case IdType.ID_FQDN:
    case IdType.ID_USER_FQDN:
      if (text.length === 0) throw new RangeError('an empty name identifies nothing');
      return utf8Encode(text);
    default:
      throw new RangeError(`${IdType.label(idType)}: pass the Identification Data bytes directly`);
  }
}
