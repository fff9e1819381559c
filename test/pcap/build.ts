/**
 * Builders for hand-made captures and frames, written from the format descriptions
 * (draft-ietf-opsawg-pcap, draft-ietf-opsawg-pcapng, RFC 791, RFC 8200, RFC 768), so the tests
 * check the reader against the specifications rather than against itself.
 */
import { concatBytes } from '../../src/util/bytes.js';

export function int(value: number, size: 1 | 2 | 4, le = false): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const byte = Math.floor(value / 2 ** (8 * i)) & 0xff;
    out[le ? i : size - 1 - i] = byte;
  }
  return out;
}

const pad4 = (b: Uint8Array) => concatBytes(b, new Uint8Array((4 - (b.length % 4)) % 4));

export interface PcapRecord {
  seconds: number;
  fraction: number;
  data: Uint8Array;
  originalLength?: number;
}

export function pcapFile(opts: { le: boolean; nano?: boolean; linkType: number; snapLength?: number }, records: PcapRecord[]): Uint8Array {
  const { le } = opts;
  const header = concatBytes(
    int(opts.nano ? 0xa1b23c4d : 0xa1b2c3d4, 4, le),
    int(2, 2, le),
    int(4, 2, le),
    int(0, 4, le),
    int(0, 4, le),
    int(opts.snapLength ?? 65535, 4, le),
    int(opts.linkType, 4, le),
  );
  return concatBytes(
    header,
    ...records.map((r) =>
      concatBytes(int(r.seconds, 4, le), int(r.fraction, 4, le), int(r.data.length, 4, le), int(r.originalLength ?? r.data.length, 4, le), r.data),
    ),
  );
}

export function block(type: number, body: Uint8Array, le: boolean): Uint8Array {
  const padded = pad4(body);
  const total = padded.length + 12;
  return concatBytes(int(type, 4, le), int(total, 4, le), padded, int(total, 4, le));
}

export function options(list: Array<[number, Uint8Array]>, le: boolean): Uint8Array {
  if (!list.length) return new Uint8Array(0);
  return concatBytes(...list.map(([code, v]) => concatBytes(int(code, 2, le), int(v.length, 2, le), pad4(v))), new Uint8Array(4));
}

export function shb(le: boolean): Uint8Array {
  const sectionLength = new Uint8Array(8).fill(0xff);
  return block(0x0a0d0d0a, concatBytes(int(0x1a2b3c4d, 4, le), int(1, 2, le), int(0, 2, le), sectionLength), le);
}

export function idb(le: boolean, linkType: number, opts: Array<[number, Uint8Array]> = [], snapLength = 0): Uint8Array {
  return block(1, concatBytes(int(linkType, 2, le), int(0, 2, le), int(snapLength, 4, le), options(opts, le)), le);
}

export function epb(le: boolean, interfaceId: number, ticks: bigint, data: Uint8Array, originalLength = data.length): Uint8Array {
  const high = Number(ticks >> 32n);
  const low = Number(ticks & 0xffffffffn);
  return block(
    6,
    concatBytes(int(interfaceId, 4, le), int(high, 4, le), int(low, 4, le), int(data.length, 4, le), int(originalLength, 4, le), pad4(data)),
    le,
  );
}

export function spb(le: boolean, data: Uint8Array, originalLength = data.length): Uint8Array {
  return block(3, concatBytes(int(originalLength, 4, le), data), le);
}

// --- frames ---

const MAC_DST = new Uint8Array([0x00, 0x11, 0x22, 0x33, 0x44, 0x55]);
const MAC_SRC = new Uint8Array([0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb]);

export function ethernet(payload: Uint8Array, etherType = 0x0800, vlans: Array<{ tpid: number; vid: number }> = []): Uint8Array {
  const tags = vlans.map((v) => concatBytes(int(v.tpid, 2), int(v.vid, 2)));
  return concatBytes(MAC_DST, MAC_SRC, ...tags, int(etherType, 2), payload);
}

export function ipv4(opts: {
  src: number[];
  dst: number[];
  protocol: number;
  payload: Uint8Array;
  fragmentOffset?: number;
  moreFragments?: boolean;
  options?: Uint8Array;
  totalLength?: number;
}): Uint8Array {
  const opt = opts.options ?? new Uint8Array(0);
  const ihl = 5 + opt.length / 4;
  const total = opts.totalLength ?? ihl * 4 + opts.payload.length;
  const flagsOffset = (opts.moreFragments ? 0x2000 : 0) | ((opts.fragmentOffset ?? 0) / 8);
  return concatBytes(
    new Uint8Array([0x40 | ihl, 0]),
    int(total, 2),
    int(0x1234, 2),
    int(flagsOffset, 2),
    new Uint8Array([64, opts.protocol, 0, 0]),
    new Uint8Array(opts.src),
    new Uint8Array(opts.dst),
    opt,
    opts.payload,
  );
}

export function ipv6(opts: { src: Uint8Array; dst: Uint8Array; nextHeader: number; extensions?: Uint8Array; payload: Uint8Array }): Uint8Array {
  const ext = opts.extensions ?? new Uint8Array(0);
  return concatBytes(
    new Uint8Array([0x60, 0, 0, 0]),
    int(ext.length + opts.payload.length, 2),
    new Uint8Array([opts.nextHeader, 64]),
    opts.src,
    opts.dst,
    ext,
    opts.payload,
  );
}

export function udp(srcPort: number, dstPort: number, data: Uint8Array): Uint8Array {
  return concatBytes(int(srcPort, 2), int(dstPort, 2), int(8 + data.length, 2), int(0, 2), data);
}

/** A stand-in IKE message: 28 header-like bytes starting with a non-zero SPI. */
export function fakeIke(seed: number, length = 36): Uint8Array {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = (seed + i * 7) & 0xff;
  b[0] = 0xc0 | (seed & 0x0f);
  return b;
}
