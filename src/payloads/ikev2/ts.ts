/** RFC 7296 section 3.13: Traffic Selector payloads (TSi, TSr) and selectors (3.13.1). */
import { PayloadType, TsType } from '../iana/ikev2.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { PayloadBodyCodec } from './bodies.js';
import { checkField, invalidPayload, nestedReader } from './invalid.js';
import type { AddressRangeSelector, TrafficSelector, TsPayload } from './types.js';

const SELECTOR_HEADER = 4;

/** RFC 7296 section 3.13.1: the address size of the two address-range selector types. */
function addressSize(tsType: number): 4 | 16 | undefined {
  if (tsType === TsType.TS_IPV4_ADDR_RANGE) return 4;
  if (tsType === TsType.TS_IPV6_ADDR_RANGE) return 16;
  return undefined;
}

export function isAddressRangeSelector(s: TrafficSelector): s is AddressRangeSelector {
  return addressSize(s.tsType) !== undefined && 'startAddress' in s;
}

function decodeSelector(r: Reader): TrafficSelector {
  const at = r.offset;
  const tsType = r.u8('TS Type');
  const ipProtocol = r.u8('IP Protocol ID');
  const length = r.u16('Selector Length');
  const size = addressSize(tsType);
  if (size !== undefined) {
    // 8 bytes of header and ports, then the two addresses: 16 for IPv4, 40 for IPv6.
    const need = 8 + 2 * size;
    if (length !== need) r.fail(`Selector Length ${length} for ${TsType.label(tsType)}, expected ${need}`, 'INVALID_SYNTAX', at + 2);
    const s = nestedReader(r, length, SELECTOR_HEADER, 'Traffic Selector', 'Selector Length', at + 2);
    return {
      tsType,
      ipProtocol,
      startPort: s.u16('Start Port'),
      endPort: s.u16('End Port'),
      startAddress: s.bytes(size, 'Starting Address'),
      endAddress: s.bytes(size, 'Ending Address'),
    } as AddressRangeSelector;
  }
  return { tsType, data: nestedReader(r, length, SELECTOR_HEADER, 'Traffic Selector', 'Selector Length', at + 2).rest() };
}

function encodeSelector(w: Writer, s: TrafficSelector): void {
  const name = 'Traffic Selector';
  checkField(name, 'TS Type', s.tsType, 8);
  const size = addressSize(s.tsType);
  if (size !== undefined) {
    if (!('startAddress' in s)) return invalidPayload(name, `${TsType.label(s.tsType)} needs addresses and ports`);
    checkField(name, 'IP Protocol ID', s.ipProtocol, 8);
    checkField(name, 'Start Port', s.startPort, 16);
    checkField(name, 'End Port', s.endPort, 16);
    if (s.startAddress.length !== size || s.endAddress.length !== size) {
      invalidPayload(name, `${TsType.label(s.tsType)} addresses are ${size} bytes`);
    }
    w.u8(s.tsType).u8(s.ipProtocol).u16(8 + 2 * size).u16(s.startPort).u16(s.endPort).bytes(s.startAddress).bytes(s.endAddress);
    return;
  }
  if (!('data' in s)) return invalidPayload(name, `TS Type ${s.tsType} is kept as opaque data`);
  checkField(name, 'Selector Length', s.data.length + SELECTOR_HEADER, 16);
  w.u8(s.tsType).u8(0).u16(s.data.length + SELECTOR_HEADER).bytes(s.data);
}

function makeTsCodec(type: typeof PayloadType.TSi | typeof PayloadType.TSr, name: string): PayloadBodyCodec<TsPayload> {
  return {
    name,
    decode(r) {
      const countAt = r.offset;
      const count = r.u8('Number of TSs');
      r.skip(3, 'RESERVED');
      const selectors: TrafficSelector[] = [];
      while (!r.atEnd) selectors.push(decodeSelector(r));
      if (selectors.length !== count) {
        r.fail(`Number of TSs is ${count} but ${selectors.length} selector(s) are present`, 'INVALID_SYNTAX', countAt);
      }
      return { type, selectors };
    },
    encode(w, p) {
      checkField(name, 'Number of TSs', p.selectors.length, 8);
      w.u8(p.selectors.length).u8(0).u16(0);
      for (const s of p.selectors) encodeSelector(w, s);
    },
  };
}

export const tsiCodec = makeTsCodec(PayloadType.TSi, 'Traffic Selector - Initiator');
export const tsrCodec = makeTsCodec(PayloadType.TSr, 'Traffic Selector - Responder');
