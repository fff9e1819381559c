/**
 * Traffic selectors as text ("10.1.0.0/24", "10.1.0.0/24[udp/500]", "1.2.3.4-1.2.3.9[tcp/1000-2000]",
 * "2001:db8::/32") and the responder's narrowing (RFC 7296 section 2.9).
 */
import { IkeError } from '../errors.js';
import { bytesToIp, ipToBytes } from '../payloads/address.js';
import { TsType } from '../payloads/iana/ikev2.js';
import { isAddressRangeSelector } from '../payloads/ikev2/ts.js';
import type { AddressRangeSelector, TrafficSelector } from '../payloads/ikev2/types.js';
import { BoundedCache } from '../util/bounded-cache.js';
import { toHex } from '../util/bytes.js';

/** IANA "Assigned Internet Protocol Numbers", the ones selectors commonly name. */
const PROTOCOL_NUMBER: Record<string, number> = {
  any: 0,
  icmp: 1,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  'ipv6-icmp': 58,
  icmpv6: 58,
  sctp: 132,
};
const PROTOCOL_NAME = new Map<number, string>([
  [1, 'icmp'],
  [6, 'tcp'],
  [17, 'udp'],
  [47, 'gre'],
  [50, 'esp'],
  [51, 'ah'],
  [58, 'ipv6-icmp'],
  [132, 'sctp'],
]);

/** RFC 4301 section 4.4.1.1: OPAQUE ports are sent as Start Port 65535, End Port 0 (RFC 7296 section 3.13.1). */
const OPAQUE = { startPort: 65535, endPort: 0 } as const;

function invalid(text: string, reason: string): never {
  throw new IkeError('INVALID_ARGUMENT', `"${text.slice(0, 80)}": ${reason}`, { payload: 'Traffic Selector' });
}

function address(text: string, part: string): Uint8Array {
  try {
    return ipToBytes(part.trim());
  } catch {
    return invalid(text, `"${part.slice(0, 50)}" is not an IP address`);
  }
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** The first and last address of prefix/bits; refuses host bits set below the prefix. */
function cidr(text: string, base: Uint8Array, bits: number): [Uint8Array, Uint8Array] {
  const start = base.slice();
  const end = base.slice();
  for (let i = bits; i < base.length * 8; i++) {
    const mask = 0x80 >> (i & 7);
    if (start[i >> 3] & mask) invalid(text, `host bits are set below the /${bits} prefix`);
    end[i >> 3] |= mask;
  }
  return [start, end];
}

function port(text: string, p: string): number {
  if (!/^[0-9]{1,5}$/.test(p) || Number(p) > 65535) invalid(text, `"${p.slice(0, 20)}" is not a port (0-65535)`);
  return Number(p);
}

function protocolAndPorts(text: string, spec: string): { ipProtocol: number; startPort: number; endPort: number } {
  const slash = spec.indexOf('/');
  const protoText = (slash < 0 ? spec : spec.slice(0, slash)).trim().toLowerCase();
  const portText = slash < 0 ? undefined : spec.slice(slash + 1).trim().toLowerCase();
  let ipProtocol: number;
  if (protoText === '') ipProtocol = 0;
  else if (Object.hasOwn(PROTOCOL_NUMBER, protoText)) ipProtocol = PROTOCOL_NUMBER[protoText];
  else if (/^[0-9]{1,3}$/.test(protoText) && Number(protoText) <= 255) ipProtocol = Number(protoText);
  else return invalid(text, `unknown protocol "${protoText.slice(0, 20)}"`);
  if (portText === undefined || portText === 'any' || portText === '%any') return { ipProtocol, startPort: 0, endPort: 65535 };
  // RFC 7296 section 3.13.1: ports only mean something once the protocol is fixed.
  if (ipProtocol === 0) invalid(text, 'a port needs a protocol, e.g. [udp/500]');
  if (portText === 'opaque') return { ipProtocol, ...OPAQUE };
  const dash = portText.indexOf('-');
  const startPort = port(text, dash < 0 ? portText : portText.slice(0, dash));
  const endPort = dash < 0 ? startPort : port(text, portText.slice(dash + 1));
  if (startPort > endPort) invalid(text, `port range ${startPort}-${endPort} is empty`);
  return { ipProtocol, startPort, endPort };
}

/** Configured selector texts are parsed on every exchange: the results, frozen, by text (bounded). */
const parsedSelectors = new BoundedCache<string, AddressRangeSelector>(1024);

/**
 * A selector from text: an address ("10.0.0.1", one host), a prefix ("10.1.0.0/24", "::/0") or a
 * range ("1.2.3.4-1.2.3.9"), then optionally "[protocol]" or "[protocol/port]" or
 * "[protocol/from-to]" with protocol a name (tcp, udp, icmp, ipv6-icmp, sctp, ...) or number.
 */
export function parseTrafficSelector(text: string): AddressRangeSelector {
  return parsedSelectors.get(text, () => Object.freeze(parseTrafficSelectorText(text)));
}

function parseTrafficSelectorText(text: string): AddressRangeSelector {
  if (typeof text !== 'string') return invalid(String(text), 'a traffic selector is a string');
  const m = /^([^[\]]+)(?:\[([^[\]]*)\])?$/.exec(text.trim());
  if (!m) return invalid(text, 'expected "address[/prefix]" or "from-to", then optionally "[protocol/port]"');
  const range = m[1].trim();
  let start: Uint8Array;
  let end: Uint8Array;
  const dash = range.indexOf('-');
  if (dash >= 0) {
    start = address(text, range.slice(0, dash));
    end = address(text, range.slice(dash + 1));
    if (start.length !== end.length) invalid(text, 'the range mixes IPv4 and IPv6');
    if (compare(start, end) > 0) invalid(text, 'the range ends before it starts');
  } else {
    const slash = range.indexOf('/');
    const base = address(text, slash < 0 ? range : range.slice(0, slash));
    const bitsText = slash < 0 ? String(base.length * 8) : range.slice(slash + 1).trim();
    if (!/^[0-9]{1,3}$/.test(bitsText) || Number(bitsText) > base.length * 8) {
      invalid(text, `prefix length "${bitsText.slice(0, 10)}" is not 0-${base.length * 8}`);
    }
    [start, end] = cidr(text, base, Number(bitsText));
  }
  const ports = m[2] === undefined ? { ipProtocol: 0, startPort: 0, endPort: 65535 } : protocolAndPorts(text, m[2]);
  return {
    tsType: start.length === 4 ? TsType.TS_IPV4_ADDR_RANGE : TsType.TS_IPV6_ADDR_RANGE,
    ...ports,
    startAddress: start,
    endAddress: end,
  };
}

/** The prefix length when [start, end] is exactly one CIDR block, else undefined. */
function prefixLength(start: Uint8Array, end: Uint8Array): number | undefined {
  const total = start.length * 8;
  let bits = 0;
  while (bits < total) {
    const mask = 0x80 >> (bits & 7);
    if ((start[bits >> 3] & mask) !== (end[bits >> 3] & mask)) break;
    bits++;
  }
  for (let i = bits; i < total; i++) {
    const mask = 0x80 >> (i & 7);
    if (start[i >> 3] & mask || !(end[i >> 3] & mask)) return undefined;
  }
  return bits;
}

/** The text form parseTrafficSelector reads; other selector types print as "ts<type>:<hex>". */
export function formatTrafficSelector(ts: TrafficSelector): string {
  if (!isAddressRangeSelector(ts)) return `${TsType.nameOf(ts.tsType) ?? `ts${ts.tsType}`}:${'data' in ts ? toHex(ts.data) : ''}`;
  const bits = prefixLength(ts.startAddress, ts.endAddress);
  const range =
    bits !== undefined ? `${bytesToIp(ts.startAddress)}/${bits}` : `${bytesToIp(ts.startAddress)}-${bytesToIp(ts.endAddress)}`;
  const anyPort = ts.startPort === 0 && ts.endPort === 65535;
  if (ts.ipProtocol === 0 && anyPort) return range;
  const proto = PROTOCOL_NAME.get(ts.ipProtocol) ?? String(ts.ipProtocol);
  if (anyPort) return `${range}[${proto}]`;
  const opaque = ts.startPort === OPAQUE.startPort && ts.endPort === OPAQUE.endPort;
  const ports = opaque ? 'opaque' : ts.startPort === ts.endPort ? `${ts.startPort}` : `${ts.startPort}-${ts.endPort}`;
  return `${range}[${proto}/${ports}]`;
}

function isOpaque(s: AddressRangeSelector): boolean {
  return s.startPort > s.endPort;
}

/** RFC 4301 section 4.4.1.1: OPAQUE matches only OPAQUE or ANY; otherwise the ranges intersect. */
function portIntersection(a: AddressRangeSelector, b: AddressRangeSelector): { startPort: number; endPort: number } | undefined {
  const anyA = a.startPort === 0 && a.endPort === 65535;
  const anyB = b.startPort === 0 && b.endPort === 65535;
  if (isOpaque(a) || isOpaque(b)) {
    if ((isOpaque(a) || anyA) && (isOpaque(b) || anyB)) return { ...OPAQUE };
    return undefined;
  }
  const startPort = Math.max(a.startPort, b.startPort);
  const endPort = Math.min(a.endPort, b.endPort);
  return startPort <= endPort ? { startPort, endPort } : undefined;
}

/** The selector covering what both `a` and `b` cover, or undefined. */
export function intersectTrafficSelector(a: TrafficSelector, b: TrafficSelector): AddressRangeSelector | undefined {
  if (!isAddressRangeSelector(a) || !isAddressRangeSelector(b) || a.tsType !== b.tsType) return undefined;
  if (a.ipProtocol !== 0 && b.ipProtocol !== 0 && a.ipProtocol !== b.ipProtocol) return undefined;
  const startAddress = compare(a.startAddress, b.startAddress) >= 0 ? a.startAddress : b.startAddress;
  const endAddress = compare(a.endAddress, b.endAddress) <= 0 ? a.endAddress : b.endAddress;
  if (compare(startAddress, endAddress) > 0) return undefined;
  const ports = portIntersection(a, b);
  if (!ports) return undefined;
  return { tsType: a.tsType, ipProtocol: a.ipProtocol || b.ipProtocol, ...ports, startAddress: startAddress.slice(), endAddress: endAddress.slice() };
}

function sameSelector(a: AddressRangeSelector, b: AddressRangeSelector): boolean {
  return (
    a.tsType === b.tsType &&
    a.ipProtocol === b.ipProtocol &&
    a.startPort === b.startPort &&
    a.endPort === b.endPort &&
    compare(a.startAddress, b.startAddress) === 0 &&
    compare(a.endAddress, b.endAddress) === 0
  );
}

/**
 * RFC 7296 section 2.9: the responder narrows the proposed selectors to the subset its policy
 * allows: every non-empty intersection of a proposed selector with a configured one, in the
 * proposed order, without repeats. IPv4 and IPv6 never meet; selector types other than address
 * ranges are never allowed. An empty result means TS_UNACCEPTABLE.
 */
export function narrowTrafficSelectors(proposed: TrafficSelector[], configured: TrafficSelector[]): TrafficSelector[] {
  const out: AddressRangeSelector[] = [];
  for (const p of proposed) {
    for (const c of configured) {
      const both = intersectTrafficSelector(p, c);
      if (both && !out.some((x) => sameSelector(x, both))) out.push(both);
    }
  }
  return out;
}

/** Whether `inner` lies wholly inside `outer` (address range, protocol, ports). */
export function trafficSelectorCovers(outer: TrafficSelector, inner: TrafficSelector): boolean {
  const both = intersectTrafficSelector(outer, inner);
  return both !== undefined && isAddressRangeSelector(inner) && sameSelector(both, inner);
}

/**
 * The initiator's check of the responder's narrowing (RFC 7296 section 2.9): each selector it
 * returned lies inside one we proposed.
 */
export function trafficSelectorsWithin(selected: TrafficSelector[], proposed: TrafficSelector[]): boolean {
  return selected.length > 0 && selected.every((s) => proposed.some((p) => trafficSelectorCovers(p, s)));
}

/**
 * Negotiated selector lists repeat across Child SAs (one per configured subnet pair): one frozen
 * copy per distinct list is kept and shared.
 */
const sharedSelectorLists = new BoundedCache<string, TrafficSelector[]>(4096);

function selectorKey(t: TrafficSelector): string {
  return isAddressRangeSelector(t)
    ? `${t.tsType}/${t.ipProtocol}/${t.startPort}-${t.endPort}/${toHex(t.startAddress)}-${toHex(t.endAddress)}`
    : `${t.tsType}#${toHex(t.data)}`;
}

export function sharedSelectors(list: readonly TrafficSelector[]): TrafficSelector[] {
  return sharedSelectorLists.get(
    list.map(selectorKey).join(' '),
    () =>
      Object.freeze(
        list.map((t) =>
          Object.freeze(isAddressRangeSelector(t) ? { ...t, startAddress: t.startAddress.slice(), endAddress: t.endAddress.slice() } : { ...t, data: t.data.slice() }),
        ),
      ) as TrafficSelector[],
  );
}
