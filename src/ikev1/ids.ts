/**
 * Identities: the phase 1 IDii / IDir (RFC 2409 section 5, RFC 2407 section 4.6.2) from the
 * config's "type:value" text, and the Quick Mode client identities IDci / IDcr (RFC 2409 section
 * 5.5) from traffic selector text. Client IDs are kept as address ranges so that containment is
 * one comparison.
 */
import { IkeError } from '../errors.js';
import { bytesToIp, ipToBytes } from '../payloads/address.js';
import { IdType, PayloadType } from '../payloads/iana/ikev1.js';
import type { IdPayloadV1 } from '../payloads/ikev1/types.js';
import { bytesEqual, fromHex, toHex, utf8Decode, utf8Encode } from '../util/bytes.js';

function invalid(reason: string): never {
  throw new IkeError('INVALID_ARGUMENT', reason, { payload: 'Identification' });
}

export interface IdentityV1 {
  idType: number;
  data: Uint8Array;
}

/**
 * "fqdn:alice.example", "ipv4:10.0.0.1", "ipv6:2001:db8::1", "rfc822:a@b" (or "email:"), "keyid:hex";
 * a bare address is ID_IPV4_ADDR / ID_IPV6_ADDR, a bare "user@host" ID_USER_FQDN, anything else ID_FQDN.
 */
export function parseIdentity(text: string): IdentityV1 {
  const colon = text.indexOf(':');
  const prefix = colon > 0 ? text.slice(0, colon).toLowerCase() : '';
  const value = text.slice(colon + 1);
  const need = (v: string): string => (v.length ? v : invalid(`"${text.slice(0, 60)}": empty identity`));
  switch (prefix) {
    case 'fqdn':
      return { idType: IdType.ID_FQDN, data: utf8Encode(need(value)) };
    case 'ipv4':
      if (value.includes(':')) invalid(`"${text.slice(0, 60)}" is not an IPv4 address`);
      return { idType: IdType.ID_IPV4_ADDR, data: ipToBytes(value) };
    case 'ipv6':
      if (!value.includes(':')) invalid(`"${text.slice(0, 60)}" is not an IPv6 address`);
      return { idType: IdType.ID_IPV6_ADDR, data: ipToBytes(value) };
    case 'rfc822':
    case 'email':
    case 'userfqdn':
      return { idType: IdType.ID_USER_FQDN, data: utf8Encode(need(value)) };
    case 'keyid':
      try {
        return { idType: IdType.ID_KEY_ID, data: fromHex(need(value)) };
      } catch (e) {
        if (e instanceof IkeError) throw e;
        return invalid(`"${text.slice(0, 60)}": keyid takes hex bytes`);
      }
    case 'dn':
      return invalid('ID_DER_ASN1_DN identities need certificates, which this endpoint does not do (PSK only)');
    default:
      break;
  }
  if (/^[0-9.]+$/.test(text)) return { idType: IdType.ID_IPV4_ADDR, data: ipToBytes(text) };
  if (/^[0-9a-fA-F:.]+$/.test(text) && text.includes(':')) return { idType: IdType.ID_IPV6_ADDR, data: ipToBytes(text) };
  if (text.includes('@')) return { idType: IdType.ID_USER_FQDN, data: utf8Encode(text) };
  return { idType: IdType.ID_FQDN, data: utf8Encode(need(text)) };
}

/** An identity in the config's text form. */
export function identityText(idType: number, data: Uint8Array): string {
  switch (idType) {
    case IdType.ID_FQDN:
      return `fqdn:${utf8Decode(data)}`;
    case IdType.ID_USER_FQDN:
      return `rfc822:${utf8Decode(data)}`;
    case IdType.ID_IPV4_ADDR:
      return data.length === 4 ? `ipv4:${bytesToIp(data)}` : `ipv4:0x${toHex(data)}`;
    case IdType.ID_IPV6_ADDR:
      return data.length === 16 ? `ipv6:${bytesToIp(data)}` : `ipv6:0x${toHex(data)}`;
    case IdType.ID_KEY_ID:
      return `keyid:${toHex(data)}`;
    default: {
      const c = clientIdOf(idType, data);
      return c ? formatClientId(c) : `${IdType.label(idType)}:0x${toHex(data)}`;
    }
  }
}

/**
 * A phase 1 ID payload. RFC 2407 section 4.6.2: in phase 1 the Protocol ID and Port are zero or
 * UDP/500; we send zero.
 */
export function identityPayload(text: string): IdPayloadV1 {
  const id = parseIdentity(text);
  return { type: PayloadType.ID, idType: id.idType, protocolId: 0, port: 0, data: id.data };
}

/** Whether a received phase 1 ID is the configured one (FQDN and e-mail compare case-insensitively). */
export function identityMatches(configured: string, p: IdPayloadV1): boolean {
  const want = parseIdentity(configured);
  if (want.idType !== p.idType) return false;
  if (p.idType === IdType.ID_FQDN || p.idType === IdType.ID_USER_FQDN) {
    return utf8Decode(want.data).toLowerCase() === utf8Decode(p.data).toLowerCase();
  }
  return bytesEqual(want.data, p.data);
}

// ---- client IDs (Quick Mode IDci / IDcr) -----------------------------------------------------

export interface ClientId {
  /** Inclusive address range, 4 or 16 bytes each. */
  start: Uint8Array;
  end: Uint8Array;
  /** IP protocol, 0 = any (RFC 2407 section 4.6.2). */
  protocol: number;
  /** Port, 0 = any. */
  port: number;
}

const PROTOCOLS: Record<string, number> = { any: 0, icmp: 1, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, icmpv6: 58, 'ipv6-icmp': 58, sctp: 132 };

function prefixRange(addr: Uint8Array, bits: number): { start: Uint8Array; end: Uint8Array } {
  const start = new Uint8Array(addr.length);
  const end = new Uint8Array(addr.length);
  for (let i = 0; i < addr.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    const mask = keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
    start[i] = addr[i] & mask;
    end[i] = (addr[i] & mask) | (~mask & 0xff);
  }
  return { start, end };
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** "10.1.0.0/24", "10.1.0.5", "10.1.0.1-10.1.0.9", "::/0", "10.0.0.0/8[tcp]", "10.1.0.0/24[udp/500]". */
export function parseClientId(text: string): ClientId {
  const m = /^([^[\]]+?)(?:\[([^/\]]*)(?:\/(\d+))?\])?$/.exec(text.trim());
  if (!m) invalid(`"${text.slice(0, 60)}" is not a traffic selector`);
  const [, range, protoText, portText] = m;
  let protocol = 0;
  if (protoText !== undefined && protoText !== '') {
    const p = PROTOCOLS[protoText.toLowerCase()] ?? (/^\d+$/.test(protoText) ? Number(protoText) : undefined);
    if (p === undefined || p > 255) invalid(`"${text.slice(0, 60)}": unknown protocol "${protoText.slice(0, 20)}"`);
    protocol = p;
  }
  const port = portText === undefined ? 0 : Number(portText);
  if (port > 65535) invalid(`"${text.slice(0, 60)}": port above 65535`);
  if (port !== 0 && protocol === 0) invalid(`"${text.slice(0, 60)}": a port needs a protocol`);
  let start: Uint8Array;
  let end: Uint8Array;
  if (range.includes('-')) {
    const [a, b, ...rest] = range.split('-');
    if (rest.length) invalid(`"${text.slice(0, 60)}": a range is start-end`);
    start = ipToBytes(a.trim());
    end = ipToBytes(b.trim());
    if (start.length !== end.length || compare(start, end) > 0) invalid(`"${text.slice(0, 60)}": the range is empty or mixes families`);
  } else {
    const [a, bits, ...rest] = range.split('/');
    if (rest.length) invalid(`"${text.slice(0, 60)}": one "/" at most`);
    const addr = ipToBytes(a.trim());
    const n = bits === undefined ? addr.length * 8 : Number(bits);
    if (!/^\d+$/.test(bits ?? '0') || n > addr.length * 8) invalid(`"${text.slice(0, 60)}": bad prefix length`);
    ({ start, end } = prefixRange(addr, n));
  }
  return { start, end, protocol, port };
}

/** The prefix length when [start, end] is exactly one CIDR block, else undefined. */
function prefixOf(c: ClientId): number | undefined {
  for (let bits = 0; bits <= c.start.length * 8; bits++) {
    const r = prefixRange(c.start, bits);
    if (bytesEqual(r.start, c.start) && bytesEqual(r.end, c.end)) return bits;
  }
  return undefined;
}

/** The text form, as parseClientId reads it. */
export function formatClientId(c: ClientId): string {
  const bits = prefixOf(c);
  const base = bits !== undefined ? `${bytesToIp(c.start)}/${bits}` : `${bytesToIp(c.start)}-${bytesToIp(c.end)}`;
  if (c.protocol === 0) return base;
  const name = Object.keys(PROTOCOLS).find((k) => PROTOCOLS[k] === c.protocol && k !== 'ipv6-icmp') ?? String(c.protocol);
  return `${base}[${name}${c.port ? `/${c.port}` : ''}]`;
}

/**
 * IDci / IDcr for a client ID (RFC 2407 sections 4.6.2.2-4.6.2.12): a single host as ID_IPV4_ADDR /
 * ID_IPV6_ADDR, a CIDR block as ..._ADDR_SUBNET, anything else as ..._ADDR_RANGE.
 */
export function clientIdPayload(c: ClientId): IdPayloadV1 {
  const v6 = c.start.length === 16;
  const bits = prefixOf(c);
  let idType: number;
  let data: Uint8Array;
  if (bits === c.start.length * 8) {
    idType = v6 ? IdType.ID_IPV6_ADDR : IdType.ID_IPV4_ADDR;
    data = c.start.slice();
  } else if (bits !== undefined) {
    idType = v6 ? IdType.ID_IPV6_ADDR_SUBNET : IdType.ID_IPV4_ADDR_SUBNET;
    data = new Uint8Array(c.start.length * 2);
    data.set(c.start);
    data.set(prefixRange(new Uint8Array(c.start.length).fill(0xff), bits).start, c.start.length);
  } else {
    idType = v6 ? IdType.ID_IPV6_ADDR_RANGE : IdType.ID_IPV4_ADDR_RANGE;
    data = new Uint8Array(c.start.length * 2);
    data.set(c.start);
    data.set(c.end, c.start.length);
  }
  return { type: PayloadType.ID, idType, protocolId: c.protocol, port: c.port, data };
}

function clientIdOf(idType: number, data: Uint8Array): ClientId | undefined {
  const half = data.length / 2;
  switch (idType) {
    case IdType.ID_IPV4_ADDR:
    case IdType.ID_IPV6_ADDR:
      return { start: data.slice(), end: data.slice(), protocol: 0, port: 0 };
    case IdType.ID_IPV4_ADDR_SUBNET:
    case IdType.ID_IPV6_ADDR_SUBNET: {
      // RFC 2407 section 4.6.2.4: address and netmask; host bits of the address are ignored.
      const addr = data.subarray(0, half);
      const mask = data.subarray(half);
      const start = addr.map((b, i) => b & mask[i]);
      const end = addr.map((b, i) => (b & mask[i]) | (~mask[i] & 0xff));
      return { start, end, protocol: 0, port: 0 };
    }
    case IdType.ID_IPV4_ADDR_RANGE:
    case IdType.ID_IPV6_ADDR_RANGE: {
      const start = data.slice(0, half);
      const end = data.slice(half);
      return compare(start, end) <= 0 ? { start, end, protocol: 0, port: 0 } : undefined;
    }
    default:
      return undefined;
  }
}

/** A received IDci / IDcr as a range, or undefined for an ID type that names no addresses. */
export function clientIdFromPayload(p: IdPayloadV1): ClientId | undefined {
  const c = clientIdOf(p.idType, p.data);
  return c && { ...c, protocol: p.protocolId, port: p.port };
}

/** The client ID of a single host address (RFC 2409 section 5.5: the default when IDci/IDcr are absent). */
export function hostClientId(address: string): ClientId {
  const a = ipToBytes(address);
  return { start: a, end: a.slice(), protocol: 0, port: 0 };
}

/** Whether `inner` lies within `outer`: same family, address range, and protocol / port unless `outer` leaves them open. */
export function clientIdWithin(inner: ClientId, outer: ClientId): boolean {
  if (inner.start.length !== outer.start.length) return false;
  if (compare(inner.start, outer.start) < 0 || compare(inner.end, outer.end) > 0) return false;
  if (outer.protocol !== 0 && inner.protocol !== outer.protocol) return false;
  if (outer.port !== 0 && inner.port !== outer.port) return false;
  return true;
}
