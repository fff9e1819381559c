/**
 * Property tests for the ISAKMP codec (RFC 2408 section 3): arbitrary valid messages round-trip,
 * and random or mutated bytes either decode to something that re-encodes to the very same bytes
 * (every accepted encoding is canonical) or throw an IkeParseError, never anything else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IkeParseError } from '../../src/errors.js';
import {
  decodeMessageV1,
  decodePayloadChainV1,
  describeMessageV1,
  encodeMessageV1,
  type DataAttributeV1,
  type IkeV1Message,
  type IsakmpHeader,
  type PayloadV1,
  type ProposalV1,
} from '../../src/payloads/ikev1/index.js';
import { toHex } from '../../src/util/bytes.js';

/**
 * fc.assert in chunks of 1000 runs with a turn of the event loop between them: one synchronous
 * run of tens of thousands of cases would starve vitest's worker RPC on a loaded machine.
 */
async function assertChunked<T>(property: fc.IProperty<T>, params: fc.Parameters<T> & { numRuns: number }): Promise<void> {
  for (let done = 0; done < params.numRuns; done += 1_000) {
    fc.assert(property, { ...params, numRuns: Math.min(1_000, params.numRuns - done) });
    await new Promise((resolve) => setImmediate(resolve));
  }
}


const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const u8 = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

const attribute: fc.Arbitrary<DataAttributeV1> = fc.oneof(
  fc.record({ type: fc.integer({ min: 0, max: 0x7fff }), form: fc.constant('TV' as const), value: bytes(2, 2) }),
  fc.record({ type: fc.integer({ min: 0, max: 0x7fff }), form: fc.constant('TLV' as const), value: bytes(0, 12) }),
);

const proposal: fc.Arbitrary<ProposalV1> = fc.record({
  proposalNumber: u8,
  protocolId: u8,
  spi: bytes(0, 16),
  transforms: fc.array(fc.record({ transformNumber: u8, transformId: u8, attributes: fc.array(attribute, { maxLength: 5 }) }), {
    minLength: 1,
    maxLength: 3,
  }),
});

const ID_LENGTHS: Record<number, number> = { 1: 4, 4: 8, 7: 8, 5: 16, 6: 32, 8: 32 };

const idPayload = fc.oneof(
  fc.constantFrom(1, 4, 5, 6, 7, 8).chain((idType) =>
    fc.record({ type: fc.constant(5 as const), idType: fc.constant(idType), protocolId: u8, port: u16, data: bytes(ID_LENGTHS[idType], ID_LENGTHS[idType]) }),
  ),
  fc.record({ type: fc.constant(5 as const), idType: fc.constantFrom(2, 3, 9, 10, 11), protocolId: u8, port: u16, data: bytes(1, 24) }),
  fc.record({ type: fc.constant(5 as const), idType: fc.constantFrom(0, 12, 200), protocolId: u8, port: u16, data: bytes(0, 24) }),
);

const deletePayload = fc.oneof(
  fc.record({ type: fc.constant(12 as const), doi: u32, protocolId: fc.constant(1), spiSize: fc.constant(16), spis: fc.array(bytes(16, 16), { maxLength: 2 }) }),
  fc.integer({ min: 1, max: 8 }).chain((spiSize) =>
    fc.record({
      type: fc.constant(12 as const),
      doi: u32,
      protocolId: fc.integer({ min: 2, max: 255 }),
      spiSize: fc.constant(spiSize),
      spis: fc.array(bytes(spiSize, spiSize), { maxLength: 3 }),
    }),
  ),
);

const KNOWN = new Set([1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 20, 21, 130, 131, 132]);

const payload: fc.Arbitrary<PayloadV1> = fc.oneof(
  fc.record({
    type: fc.constant(1 as const),
    doi: fc.constantFrom(0, 1),
    situation: u32.map((s) => (s & ~6) >>> 0),
    proposals: fc.array(proposal, { minLength: 1, maxLength: 3 }),
  }),
  fc
    .record({
      doi: fc.constantFrom(0, 1),
      situation: u32.filter((s) => (s & 6) !== 0),
      ldi: bytes(4, 4),
      levels: fc.array(fc.record({ level: bytes(0, 9), categoryBits: fc.integer({ min: 0, max: 70 }), seed: fc.nat() }), { minLength: 2, maxLength: 2 }),
      proposals: fc.array(proposal, { minLength: 1, maxLength: 2 }),
    })
    .map(({ doi, situation, ldi, levels, proposals }) => {
      // RFC 2407 4.6.1: LDI, then per SIT_SECRECY / SIT_INTEGRITY a level and a category bitmap, each padded to 32 bits.
      const parts: number[] = [...ldi];
      const pad = (n: number) => (n + 3) & ~3;
      levels.forEach(({ level, categoryBits, seed }, i) => {
        if (!(situation & (i === 0 ? 2 : 4))) return;
        parts.push(level.length >> 8, level.length & 0xff, 0, 0, ...level, ...new Array(pad(level.length) - level.length).fill(0));
        const n = pad(Math.ceil(categoryBits / 8));
        parts.push(categoryBits >> 8, categoryBits & 0xff, 0, 0, ...Array.from({ length: n }, (_, j) => (seed >> j) & 0xff));
      });
      return { type: 1 as const, doi, situation: situation >>> 0, labeledDomain: new Uint8Array(parts), proposals };
    }),
  fc.record({ type: fc.constant(4 as const), keyExchangeData: bytes(1, 64) }),
  idPayload,
  fc.record({ type: fc.constant(6 as const), encoding: u8, data: bytes(1, 32) }),
  fc.record({ type: fc.constant(7 as const), certType: u8, authority: bytes(0, 32) }),
  fc.record({ type: fc.constant(8 as const), hash: bytes(1, 32) }),
  fc.record({ type: fc.constant(9 as const), signature: bytes(1, 32) }),
  fc.record({ type: fc.constant(10 as const), nonce: bytes(8, 64) }),
  fc.record({ type: fc.constant(11 as const), doi: u32, protocolId: u8, notifyType: u16, spi: bytes(0, 16), data: bytes(0, 16) }),
  deletePayload,
  fc.record({ type: fc.constant(13 as const), vendorId: bytes(1, 24) }),
  fc.record({ type: fc.constant(14 as const), cfgType: u8, identifier: u16, attributes: fc.array(attribute, { maxLength: 5 }) }),
  fc.record({ type: fc.constantFrom(20 as const, 130 as const), hash: bytes(1, 32) }),
  fc.oneof(
    fc.record({ type: fc.constantFrom(21 as const, 131 as const), idType: fc.constant(1), address: bytes(4, 4) }),
    fc.record({ type: fc.constantFrom(21 as const, 131 as const), idType: fc.constant(5), address: bytes(16, 16) }),
  ),
  fc.record({ type: fc.constant(132 as const), fragmentId: u16, fragmentNumber: fc.integer({ min: 1, max: 255 }), last: fc.boolean(), data: bytes(0, 32) }),
  fc.record({ type: fc.constant('UNKNOWN' as const), payloadType: u8.filter((t) => t !== 0 && !KNOWN.has(t)), body: bytes(0, 16) }),
) as fc.Arbitrary<PayloadV1>;

const header = (encryption: boolean): fc.Arbitrary<IsakmpHeader> =>
  fc.record({
    initiatorCookie: bytes(8, 8),
    responderCookie: bytes(8, 8),
    majorVersion: fc.constant(1 as const),
    minorVersion: fc.integer({ min: 0, max: 15 }),
    exchangeType: u8,
    flags: fc.record({ encryption: fc.constant(encryption), commit: fc.boolean(), authenticationOnly: fc.boolean() }),
    messageId: u32,
  });

const message: fc.Arbitrary<IkeV1Message> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ header: header(false), payloads: fc.array(payload, { maxLength: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ header: header(true), firstPayload: u8, encrypted: bytes(1, 48) }) },
);

/** decode must either throw IkeParseError or accept a canonical encoding that describes cleanly. */
function decodeOrParseError(input: Uint8Array): void {
  let m: IkeV1Message;
  try {
    m = decodeMessageV1(input);
  } catch (e) {
    if (!(e instanceof IkeParseError)) throw e;
    return;
  }
  expect(toHex(encodeMessageV1(m))).toBe(toHex(input));
  expect(typeof describeMessageV1(m)).toBe('string');
}

/** Keeps the header Length equal to the datagram length so that mutations reach the payloads. */
function fixLength(b: Uint8Array): Uint8Array {
  if (b.length >= 28) new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(24, b.length);
  return b;
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('set16' as const), at: fc.nat(), value: u16 }),
  fc.record({ kind: fc.constant('set8' as const), at: fc.nat(), value: u8 }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }), to: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 16 }) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(src: Uint8Array, m: Mutation, keepLength: boolean): Uint8Array {
  let b: Uint8Array = src.slice();
  const at = b.length ? m.at % b.length : 0;
  switch (m.kind) {
    case 'flip':
      if (b.length) b[at] ^= 1 << m.bit;
      break;
    case 'truncate':
      b = b.slice(0, at);
      break;
    case 'set16':
      if (at + 1 < b.length) new DataView(b.buffer).setUint16(at, m.value);
      break;
    case 'set8':
      if (b.length) b[at] = m.value;
      break;
    case 'duplicate': {
      const piece = b.slice(at, at + m.len);
      const to = b.length ? m.to % b.length : 0;
      const out = new Uint8Array(b.length + piece.length);
      out.set(b.subarray(0, to));
      out.set(piece, to);
      out.set(b.subarray(to), to + piece.length);
      b = out;
      break;
    }
    case 'delete':
      b = new Uint8Array([...b.subarray(0, at), ...b.subarray(at + m.len)]);
      break;
  }
  return keepLength ? fixLength(b) : b;
}

describe('ISAKMP codec properties (RFC 2408 section 3)', () => {
  it('arbitrary valid messages: decode(encode(m)) = m and encode(decode(bytes)) = bytes', async () => {
    await assertChunked(
      fc.property(message, (m) => {
        const wire = encodeMessageV1(m);
        const back = decodeMessageV1(wire);
        expect(back).toEqual(m);
        expect(toHex(encodeMessageV1(back))).toBe(toHex(wire));
      }),
      { numRuns: 6000 },
    );
  });

  it('duplicated payloads are still valid messages and round-trip (the codec does not judge counts)', async () => {
    await assertChunked(
      fc.property(fc.record({ header: header(false), payloads: fc.array(payload, { minLength: 1, maxLength: 4 }) }), fc.nat(), (m, i) => {
        const p = m.payloads[i % m.payloads.length];
        const dup: IkeV1Message = { header: m.header, payloads: [...m.payloads, p, p] };
        expect(decodeMessageV1(encodeMessageV1(dup))).toEqual(dup);
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated valid messages (bit flips, truncation, length edits, duplicated and deleted spans) throw only IkeParseError', async () => {
    await assertChunked(
      fc.property(message, fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), (m, muts, keepLength) => {
        let b = encodeMessageV1(m);
        for (const mu of muts) b = mutate(b, mu, keepLength);
        decodeOrParseError(b);
      }),
      { numRuns: 16000 },
    );
  });

  it('random bytes behind a valid header throw only IkeParseError', async () => {
    await assertChunked(
      fc.property(header(false), u8, bytes(0, 200), (h, first, body) => {
        const prefix = encodeMessageV1({ header: h, payloads: [] });
        const b = new Uint8Array(28 + body.length);
        b.set(prefix);
        b.set(body, 28);
        b[16] = first;
        decodeOrParseError(fixLength(b));
      }),
      { numRuns: 8000 },
    );
  });

  it('random bytes as a whole datagram, and as decrypted plaintext with padding allowed, throw only IkeParseError', async () => {
    await assertChunked(
      fc.property(bytes(0, 120), u8, fc.boolean(), (b, first, padding) => {
        decodeOrParseError(b);
        try {
          decodePayloadChainV1(b, first, { allowTrailingPadding: padding });
        } catch (e) {
          if (!(e instanceof IkeParseError)) throw e;
        }
      }),
      { numRuns: 8000 },
    );
  });
});
