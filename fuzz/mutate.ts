/**
 * Mutations for IKE datagrams and decrypted payload chains: byte-level (bit flips, interesting
 * values, truncation, extension, range deletes and duplicates) and structure-aware, over the
 * generic payload header that IKEv1 (RFC 2408 section 3.2) and IKEv2 (RFC 7296 section 3.2)
 * share: drop, duplicate, reorder, retype, splice from other messages, Critical bit, and edits of
 * the Payload Length field and the IKE header Length (RFC 7296 section 3.1).
 */
import type { Rng } from './rng.js';

export interface ChainItem {
  type: number;
  flags: number;
  body: Uint8Array;
}

export interface Chain {
  first: number;
  items: ChainItem[];
  /** Whatever followed the last well-formed payload. */
  trailing: Uint8Array;
}

/** Walks a generic payload chain; stops (keeping the rest as trailing) at the first bad length. */
export function parseChain(bytes: Uint8Array, first: number): Chain {
  const items: ChainItem[] = [];
  let type = first;
  let o = 0;
  while (type !== 0 && o + 4 <= bytes.length && items.length < 256) {
    const next = bytes[o];
    const len = (bytes[o + 2] << 8) | bytes[o + 3];
    if (len < 4 || o + len > bytes.length) break;
    items.push({ type, flags: bytes[o + 1], body: bytes.slice(o + 4, o + len) });
    type = next;
    o += len;
  }
  return { first, items, trailing: bytes.slice(o) };
}

export function encodeChain(c: Chain, lengthEdit?: { index: number; value: number }): { first: number; bytes: Uint8Array } {
  const total = c.items.reduce((n, it) => n + 4 + it.body.length, 0) + c.trailing.length;
  const out = new Uint8Array(total);
  let o = 0;
  c.items.forEach((it, i) => {
    const len = lengthEdit?.index === i ? lengthEdit.value & 0xffff : 4 + it.body.length;
    out[o] = i + 1 < c.items.length ? c.items[i + 1].type : 0;
    out[o + 1] = it.flags;
    out[o + 2] = len >>> 8;
    out[o + 3] = len & 0xff;
    out.set(it.body, o + 4);
    o += 4 + it.body.length;
  });
  out.set(c.trailing, o);
  return { first: c.items.length ? c.items[0].type : c.first, bytes: out };
}

const BYTES = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff, 0x10, 0x20, 0x40];
const WORDS = [0x0000, 0x0001, 0x0003, 0x0004, 0x0005, 0x0007, 0x0008, 0x7fff, 0x8000, 0xfffe, 0xffff];
/** IKEv2 payload types (RFC 7296 section 3.2, RFC 7383), IKEv1 ones (RFC 2408 section 3.1), reserved and private-use values. */
const TYPES = [0, 1, 2, 5, 8, 10, 11, 13, 20, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 127, 128, 130, 132, 200, 255];

export function mutateBytes(rng: Rng, input: Uint8Array, maxLen = 4096): Uint8Array {
  let d = input.slice();
  const rounds = 1 + (rng.chance(0.3) ? rng.int(4) : 0);
  for (let r = 0; r < rounds; r++) {
    if (d.length === 0) return rng.bytes(rng.int(64));
    const at = rng.int(d.length);
    switch (rng.int(10)) {
      case 0:
      case 1:
        d[at] ^= 1 << rng.int(8);
        break;
      case 2:
        d[at] = rng.pick(BYTES);
        break;
      case 3: {
        // A 16-bit field (most IKE lengths) set to an interesting value or nudged by one.
        const o = rng.int(Math.max(1, d.length - 1));
        const cur = (d[o] << 8) | (d[o + 1] ?? 0);
        const v = rng.chance(0.5) ? rng.pick(WORDS) : (cur + (rng.chance(0.5) ? 1 : -1)) & 0xffff;
        d[o] = v >>> 8;
        if (o + 1 < d.length) d[o + 1] = v & 0xff;
        break;
      }
      case 4:
        d = d.slice(0, rng.int(d.length));
        break;
      case 5: {
        const extra = rng.chance(0.5) ? rng.bytes(1 + rng.int(32)) : d.slice(rng.int(d.length));
        const out = new Uint8Array(Math.min(maxLen, d.length + extra.length));
        out.set(d.subarray(0, out.length));
        out.set(extra.subarray(0, out.length - d.length), d.length);
        d = out;
        break;
      }
      case 6: {
        const a = rng.int(d.length);
        const b = Math.min(d.length, a + 1 + rng.int(16));
        d = Uint8Array.from([...d.subarray(0, a), ...d.subarray(b)]);
        break;
      }
      case 7: {
        const a = rng.int(d.length);
        const b = Math.min(d.length, a + 1 + rng.int(32));
        if (d.length + (b - a) <= maxLen) d = Uint8Array.from([...d.subarray(0, b), ...d.subarray(a, b), ...d.subarray(b)]);
        break;
      }
      case 8: {
        // A 32-bit field (SPIs, Message ID, lifetimes).
        const o = rng.int(Math.max(1, d.length - 3));
        const v = rng.pick([0, 1, 0x7fffffff, 0x80000000, 0xffffffff]);
        for (let i = 0; i < 4 && o + i < d.length; i++) d[o + i] = (v >>> (24 - 8 * i)) & 0xff;
        break;
      }
      default:
        d[at] = rng.u32() & 0xff;
    }
  }
  return d;
}

/** Payload bodies of the seed corpus, by type, for splicing. */
export type SplicePool = Map<number, Uint8Array[]>;

export function addToPool(pool: SplicePool, c: Chain): void {
  for (const it of c.items) {
    const list = pool.get(it.type) ?? [];
    if (list.length < 32 && !list.some((b) => b.length === it.body.length)) list.push(it.body);
    pool.set(it.type, list);
  }
}

function poolPick(rng: Rng, pool: SplicePool): ChainItem | undefined {
  const types = [...pool.keys()];
  if (!types.length) return undefined;
  const type = rng.pick(types);
  return { type, flags: 0, body: rng.pick(pool.get(type)!) };
}

/** One or more structure-aware edits of a payload chain; returns the re-encoded chain. */
export function mutateChain(rng: Rng, c0: Chain, pool: SplicePool): { first: number; bytes: Uint8Array } {
  const c: Chain = { first: c0.first, items: c0.items.map((x) => ({ ...x })), trailing: c0.trailing };
  let lengthEdit: { index: number; value: number } | undefined;
  const rounds = 1 + (rng.chance(0.3) ? rng.int(3) : 0);
  for (let r = 0; r < rounds; r++) {
    const n = c.items.length;
    const i = rng.int(n);
    switch (rng.int(11)) {
      case 0:
        if (n) c.items.splice(i, 1);
        break;
      case 1:
        if (n) c.items.splice(i, 0, { ...c.items[i] });
        break;
      case 2:
        if (n > 1) {
          const j = rng.int(n);
          [c.items[i], c.items[j]] = [c.items[j], c.items[i]];
        }
        break;
      case 3:
        if (n) c.items[i].type = rng.chance(0.8) ? rng.pick(TYPES) : rng.int(256);
        break;
      case 4:
        if (n) c.items[i].flags ^= rng.chance(0.7) ? 0x80 : 1 << rng.int(7);
        break;
      case 5:
      case 6:
      case 7:
        if (n) c.items[i].body = mutateBytes(rng, c.items[i].body);
        break;
      case 8: {
        const p = poolPick(rng, pool);
        if (p) c.items.splice(rng.int(n + 1), 0, p);
        break;
      }
      case 9: {
        // Same type, another message's body (e.g. a TSi from a rekey in an IKE_AUTH).
        if (n) {
          const bodies = pool.get(c.items[i].type);
          if (bodies?.length) c.items[i].body = rng.pick(bodies);
        }
        break;
      }
      default:
        if (n) {
          const len = 4 + c.items[i].body.length;
          lengthEdit = { index: i, value: rng.pick([0, 1, 3, 4, 5, len - 1, len + 1, 0xffff, rng.int(0x10000)]) };
        }
    }
  }
  return encodeChain(c, lengthEdit);
}

/** Header edits (RFC 7296 section 3.1): SPIs, Next Payload, version, exchange type, flags, Message ID, Length. */
export function mutateHeader(rng: Rng, input: Uint8Array): Uint8Array {
  const d = input.slice();
  if (d.length < 28) return mutateBytes(rng, d);
  switch (rng.int(8)) {
    case 0:
      d.fill(0, rng.chance(0.5) ? 0 : 8, rng.chance(0.5) ? 8 : 16);
      break;
    case 1:
      d[16] = rng.pick(TYPES);
      break;
    case 2:
      d[17] = rng.pick([0x10, 0x20, 0x21, 0x30, 0x00, 0xff]);
      break;
    case 3:
      d[18] = rng.pick([0, 1, 2, 4, 5, 6, 32, 33, 34, 35, 36, 37, 38, 43, 240, 255]);
      break;
    case 4:
      d[19] ^= rng.pick([0x08, 0x10, 0x20, 0x01, 0xff]);
      break;
    case 5: {
      const v = rng.pick([0, 1, 2, 3, 0x7fffffff, 0xffffffff]);
      d[20] = v >>> 24;
      d[21] = (v >>> 16) & 0xff;
      d[22] = (v >>> 8) & 0xff;
      d[23] = v & 0xff;
      break;
    }
    case 6: {
      const v = rng.pick([0, 27, 28, d.length - 1, d.length + 1, 0xffffffff]) >>> 0;
      d[24] = v >>> 24;
      d[25] = (v >>> 16) & 0xff;
      d[26] = (v >>> 8) & 0xff;
      d[27] = v & 0xff;
      break;
    }
    default:
      d.set(d.slice(0, 8), 8);
  }
  return d;
}

/** A mutated datagram: header edits, byte-level edits, or an edited outer payload chain with the header Length fixed. */
export function mutateDatagram(rng: Rng, input: Uint8Array, pool: SplicePool): Uint8Array {
  const k = rng.int(10);
  if (k < 2 || input.length < 28) return k === 0 && input.length >= 28 ? mutateHeader(rng, input) : mutateBytes(rng, input);
  if (k < 6) return mutateBytes(rng, input);
  const chain = parseChain(input.subarray(28), input[16]);
  const m = mutateChain(rng, chain, pool);
  const out = new Uint8Array(28 + m.bytes.length);
  out.set(input.subarray(0, 28));
  out.set(m.bytes, 28);
  out[16] = m.first;
  if (rng.chance(0.9)) {
    out[24] = out.length >>> 24;
    out[25] = (out.length >>> 16) & 0xff;
    out[26] = (out.length >>> 8) & 0xff;
    out[27] = out.length & 0xff;
  }
  return out;
}
