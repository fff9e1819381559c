/**
 * Property tests for the IKEv2 codec. RFC 7296 section 2.5 and the house rule for decoders: any
 * byte string either decodes or throws an IkeParseError; valid messages of every payload kind
 * round-trip exactly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IkeParseError } from '../../src/errors.js';
import {
  decodeMessageV2,
  describeMessageV2,
  encodeMessageV2,
  type IkeV2Message,
  type PayloadV2,
  type Proposal,
  type TrafficSelector,
  type TransformAttribute,
} from '../../src/payloads/ikev2/index.js';

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
const withCritical = <T extends object>(arb: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.tuple(arb, fc.boolean()).map(([p, c]) => (c ? { ...p, critical: true } : p));

// RFC 7296 section 3.3.5: TV attributes carry 16 bits; TLV ones any bytes (KEY_LENGTH is TV only).
const attribute: fc.Arbitrary<TransformAttribute> = fc.oneof(
  fc.record({ type: fc.integer({ min: 0, max: 0x7fff }), value: u16 }),
  fc.record({ type: fc.integer({ min: 0, max: 0x7fff }).filter((t) => t !== 14), value: bytes(0, 8) }),
);
const transform = fc.record({ transformType: u8, transformId: u16, attributes: fc.array(attribute, { maxLength: 3 }) });
// RFC 7296 section 3.3.1: SPI sizes by protocol.
const proposalBody = fc.oneof(
  fc.record({ protocolId: fc.constant(1), spi: fc.oneof(bytes(0, 0), bytes(8, 8)) }),
  fc.record({ protocolId: fc.constantFrom(2, 3), spi: bytes(4, 4) }),
  fc.record({ protocolId: fc.integer({ min: 4, max: 255 }), spi: bytes(0, 8) }),
);
const sa = fc
  .tuple(fc.integer({ min: 1, max: 200 }), fc.array(fc.tuple(proposalBody, fc.array(transform, { maxLength: 5 })), { minLength: 1, maxLength: 3 }))
  .map(([first, props]) => ({
    type: 33 as const,
    proposals: props.map(([p, transforms], i): Proposal => ({ proposalNum: first + i, ...p, transforms })),
  }));
const ke = fc.record({ type: fc.constant(34 as const), group: u16, keyExchangeData: bytes(1, 64) });
const idData = fc.oneof(
  fc.record({ idType: fc.constant(1), data: bytes(4, 4) }),
  fc.record({ idType: fc.constant(5), data: bytes(16, 16) }),
  fc.record({ idType: u8.filter((t) => t !== 1 && t !== 5), data: bytes(0, 24) }),
);
const id = fc.tuple(fc.constantFrom(35 as const, 36 as const), idData).map(([type, d]) => ({ type, ...d }));
const cert = fc.record({ type: fc.constant(37 as const), encoding: u8, data: bytes(0, 40) });
const certReq = fc.record({ type: fc.constant(38 as const), encoding: u8, authority: bytes(0, 40) });
const auth = fc.record({ type: fc.constant(39 as const), method: u8, authData: bytes(0, 40) });
const nonce = fc.record({ type: fc.constant(40 as const), nonce: bytes(16, 48) });
const notify = fc.record({ type: fc.constant(41 as const), protocolId: u8, spi: bytes(0, 8), notifyType: u16, data: bytes(0, 24) });
// RFC 7296 section 3.11: IKE has no SPIs, AH/ESP use 4-byte SPIs.
const del = fc.oneof(
  fc.record({ type: fc.constant(42 as const), protocolId: fc.constant(1), spiSize: fc.constant(0), spis: fc.constant([] as Uint8Array[]) }),
  fc.record({ type: fc.constant(42 as const), protocolId: fc.constantFrom(2, 3), spiSize: fc.constant(4), spis: fc.array(bytes(4, 4), { maxLength: 4 }) }),
  fc
    .tuple(fc.oneof(fc.constant(0), fc.integer({ min: 4, max: 255 })), fc.integer({ min: 1, max: 8 }))
    .chain(([protocolId, spiSize]) =>
      fc.record({ type: fc.constant(42 as const), protocolId: fc.constant(protocolId), spiSize: fc.constant(spiSize), spis: fc.array(bytes(spiSize, spiSize), { maxLength: 3 }) }),
    ),
);
const vendor = fc.record({ type: fc.constant(43 as const), vendorId: bytes(0, 24) });
const selector: fc.Arbitrary<TrafficSelector> = fc.oneof(
  fc.record({ tsType: fc.constant(7 as const), ipProtocol: u8, startPort: u16, endPort: u16, startAddress: bytes(4, 4), endAddress: bytes(4, 4) }),
  fc.record({ tsType: fc.constant(8 as const), ipProtocol: u8, startPort: u16, endPort: u16, startAddress: bytes(16, 16), endAddress: bytes(16, 16) }),
  fc.record({ tsType: u8.filter((t) => t !== 7 && t !== 8), data: bytes(0, 12) }),
);
const ts = fc.record({ type: fc.constantFrom(44 as const, 45 as const), selectors: fc.array(selector, { maxLength: 3 }) });
// RFC 7296 section 3.15.1: value lengths by attribute type.
const cfgAttribute = fc.oneof(
  fc.record({ type: fc.constantFrom(1, 2, 3, 4, 6, 20), value: fc.oneof(bytes(0, 0), bytes(4, 4)) }),
  fc.record({ type: fc.constantFrom(10, 12, 21), value: fc.oneof(bytes(0, 0), bytes(16, 16)) }),
  fc.record({ type: fc.constantFrom(8, 15, 18), value: fc.oneof(bytes(0, 0), bytes(17, 17)) }),
  fc.record({ type: fc.constant(13), value: fc.oneof(bytes(0, 0), bytes(8, 8)) }),
  fc.record({ type: fc.constant(14), value: fc.array(u16, { maxLength: 4 }).map((ws) => new Uint8Array(ws.flatMap((w) => [w >> 8, w & 0xff]))) }),
  fc.record({ type: fc.constant(16), value: fc.oneof(bytes(0, 0), bytes(21, 21)) }),
  fc.record({ type: fc.constant(17), value: bytes(8, 16) }),
  fc.record({ type: fc.oneof(fc.constantFrom(0, 5, 7, 9, 11, 19, 22, 25), fc.integer({ min: 30, max: 0x7fff })), value: bytes(0, 12) }),
);
const cp = fc.record({ type: fc.constant(47 as const), cfgType: u8, attributes: fc.array(cfgAttribute, { maxLength: 4 }) });
// RFC 3748 section 4: Request/Response (and RFC 6696 Initiate/Finish) carry a Type; Success/Failure are bare.
const eap = fc.oneof(
  fc.record({ type: fc.constant(48 as const), code: fc.constantFrom(1, 2, 5, 6), identifier: u8, eapType: u8, data: bytes(0, 24) }),
  fc.record({ type: fc.constant(48 as const), code: fc.constantFrom(3, 4), identifier: u8, data: bytes(0, 0) }),
  fc.record({ type: fc.constant(48 as const), code: u8.filter((c) => c < 1 || c > 6), identifier: u8, data: bytes(0, 24) }),
);
const unknown = fc.record({
  type: fc.constant('UNKNOWN' as const),
  payloadType: fc.oneof(fc.integer({ min: 1, max: 32 }), fc.constantFrom(49, 50, 51, 52), fc.integer({ min: 54, max: 255 })),
  critical: fc.constant(false),
  body: bytes(0, 16),
});
const sk = fc.record({ type: fc.constant(46 as const), firstPayload: u8, data: bytes(0, 48) });
const skf = fc
  .tuple(fc.integer({ min: 1, max: 0xffff }), u16)
  .chain(([n, extra]) =>
    fc.record({
      type: fc.constant(53 as const),
      firstPayload: u8,
      fragmentNumber: fc.constant(n),
      totalFragments: fc.constant(Math.min(0xffff, n + extra)),
      data: bytes(0, 32),
    }),
  );

const inner: fc.Arbitrary<PayloadV2> = fc.oneof(
  ...[sa, ke, id, cert, certReq, auth, nonce, notify, del, vendor, ts, cp, eap].map((a) => withCritical(a as fc.Arbitrary<PayloadV2>)),
  unknown,
);
const header = fc.record({
  spiI: bytes(8, 8),
  spiR: bytes(8, 8),
  majorVersion: fc.constant(2 as const),
  minorVersion: fc.integer({ min: 0, max: 15 }),
  exchangeType: u8,
  flags: fc.record({ initiator: fc.boolean(), version: fc.boolean(), response: fc.boolean() }),
  messageId: fc.integer({ min: 0, max: 0xffffffff }),
});
const message: fc.Arbitrary<IkeV2Message> = fc
  .tuple(header, fc.array(inner, { maxLength: 6 }), fc.option(fc.oneof(withCritical(sk), withCritical(skf)) as fc.Arbitrary<PayloadV2>))
  .map(([h, ps, last]) => ({ header: h, payloads: last ? [...ps, last] : ps }));

/**
 * Decodes; anything thrown must be an IkeParseError. A decoded message must re-encode to a fixed
 * point, and the trace printer must describe it.
 */
const outcomes = { decoded: 0, refused: 0 };

function decodeOnlyThrowsParseErrors(d: Uint8Array): void {
  let m: IkeV2Message;
  try {
    m = decodeMessageV2(d);
  } catch (e) {
    if (!(e instanceof IkeParseError)) throw new Error(`non-IkeParseError thrown: ${String(e)}`, { cause: e });
    outcomes.refused++;
    return;
  }
  const again = encodeMessageV2(m);
  expect(encodeMessageV2(decodeMessageV2(again))).toEqual(again);
  expect(describeMessageV2(m)).toContain('SPIi');
  outcomes.decoded++;
}

/** Offsets of the generic payload headers, walked as far as the (possibly already mutated) bytes allow. */
function payloadOffsets(d: Uint8Array): number[] {
  const out: number[] = [];
  let next = d[16];
  let at = 28;
  while (next !== 0 && at + 4 <= d.length) {
    out.push(at);
    if (next === 46 || next === 53) break;
    next = d[at];
    const len = (d[at + 2] << 8) | d[at + 3];
    if (len < 4) break;
    at += len;
  }
  return out;
}

function setLength32(d: Uint8Array): Uint8Array {
  const n = d.length;
  d[24] = n >>> 24;
  d[25] = (n >>> 16) & 0xff;
  d[26] = (n >>> 8) & 0xff;
  d[27] = n & 0xff;
  return d;
}

type Mutation =
  | { kind: 'flip'; at: number; bit: number; fix: boolean }
  | { kind: 'truncate'; to: number; fix: boolean }
  | { kind: 'length'; payload: number; delta: number; nested: number }
  | { kind: 'word'; at: number; value: number }
  | { kind: 'duplicate'; payload: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }), fix: fc.boolean() }),
  fc.record({ kind: fc.constant('truncate' as const), to: fc.nat(), fix: fc.boolean() }),
  fc.record({ kind: fc.constant('length' as const), payload: fc.nat(), delta: fc.integer({ min: -6, max: 6 }), nested: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ kind: fc.constant('word' as const), at: fc.nat(), value: u16 }),
  fc.record({ kind: fc.constant('duplicate' as const), payload: fc.nat() }),
);

function mutate(valid: Uint8Array, m: Mutation): Uint8Array {
  const d = Uint8Array.from(valid);
  const offsets = payloadOffsets(valid);
  switch (m.kind) {
    case 'flip': {
      d[m.at % d.length] ^= 1 << m.bit;
      return m.fix ? setLength32(d) : d;
    }
    case 'truncate': {
      const t = d.slice(0, m.to % (d.length + 1));
      return m.fix && t.length >= 28 ? setLength32(t) : t;
    }
    case 'length': {
      if (!offsets.length) return d;
      // A generic Payload Length, or a 16-bit field `nested` bytes into the body (proposal,
      // transform, attribute, selector and CP attribute lengths sit there).
      const at = offsets[m.payload % offsets.length] + (m.nested === 0 ? 2 : 2 + m.nested);
      if (at + 1 >= d.length) return d;
      const v = ((d[at] << 8) | d[at + 1]) + m.delta;
      d[at] = (v >> 8) & 0xff;
      d[at + 1] = v & 0xff;
      return d;
    }
    case 'word': {
      if (d.length < 30) return d;
      const at = 28 + (m.at % (d.length - 29));
      d[at] = m.value >> 8;
      d[at + 1] = m.value & 0xff;
      return d;
    }
    case 'duplicate': {
      if (!offsets.length) return d;
      const i = m.payload % offsets.length;
      const start = offsets[i];
      const end = Math.min(d.length, start + ((d[start + 2] << 8) | d[start + 3]));
      const type = i === 0 ? d[16] : d[offsets[i - 1]];
      const copy = d.slice(start, end);
      const out = new Uint8Array(d.length + copy.length);
      out.set(d.subarray(0, end));
      out.set(copy, end);
      out.set(d.subarray(end), end + copy.length);
      // The original now chains to its copy; the copy keeps the original's Next Payload.
      if (type !== 46 && type !== 53) out[start] = type;
      return setLength32(out);
    }
  }
}

const KNOWN_TYPES = [33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 53];

describe('IKEv2 codec properties (fast-check)', () => {
  it('valid messages of every payload kind round-trip: decode(encode(m)) = m and encode(decode(b)) = b', async () => {
    await assertChunked(
      fc.property(message, (m) => {
        const b = encodeMessageV2(m);
        const d = decodeMessageV2(b);
        expect(d).toEqual(m);
        expect(encodeMessageV2(d)).toEqual(b);
      }),
      { numRuns: 8_000 },
    );
  });

  it('random bytes behind a valid header only ever throw IkeParseError', async () => {
    await assertChunked(
      fc.property(fc.constantFrom(...KNOWN_TYPES, 0, 1, 200), bytes(0, 120), (first, body) => {
        const d = new Uint8Array(28 + body.length);
        d[16] = first;
        d[17] = 0x20;
        d.set(body, 28);
        decodeOnlyThrowsParseErrors(setLength32(d));
      }),
      { numRuns: 15_000 },
    );
  });

  it('random bodies for every known payload type only ever throw IkeParseError', async () => {
    await assertChunked(
      fc.property(fc.constantFrom(...KNOWN_TYPES), u8, bytes(0, 96), (type, next, body) => {
        const d = new Uint8Array(28 + 4 + body.length);
        d[16] = type;
        d[17] = 0x20;
        d[28] = type === 46 || type === 53 ? next : 0;
        d[30] = (4 + body.length) >> 8;
        d[31] = (4 + body.length) & 0xff;
        d.set(body, 32);
        decodeOnlyThrowsParseErrors(setLength32(d));
      }),
      { numRuns: 15_000 },
    );
  });

  it('entirely random datagrams only ever throw IkeParseError', async () => {
    await assertChunked(
      fc.property(bytes(0, 80), (d) => decodeOnlyThrowsParseErrors(d)),
      { numRuns: 5_000 },
    );
  });

  it('mutated valid messages (bit flips, truncation, length edits, duplicated payloads) only ever throw IkeParseError', async () => {
    outcomes.decoded = 0;
    outcomes.refused = 0;
    await assertChunked(
      fc.property(message, fc.array(mutation, { minLength: 1, maxLength: 3 }), (m, ms) => {
        let d = encodeMessageV2(m);
        for (const x of ms) d = mutate(d, x);
        decodeOnlyThrowsParseErrors(d);
      }),
      { numRuns: 20_000 },
    );
    // The mutations must reach both sides: some still decode, many are refused.
    expect(outcomes.decoded).toBeGreaterThan(1_000);
    expect(outcomes.refused).toBeGreaterThan(1_000);
  });

  it('a duplicated payload (other than SK/SKF) still decodes: RFC 7296 leaves repetition to the exchange rules', async () => {
    await assertChunked(
      fc.property(message, fc.nat(), (m, n) => {
        const plain = m.payloads.filter((p) => p.type !== 46 && p.type !== 53);
        if (!plain.length) return;
        const b = encodeMessageV2({ ...m, payloads: plain });
        const d = decodeMessageV2(mutate(b, { kind: 'duplicate', payload: n }));
        expect(d.payloads).toHaveLength(plain.length + 1);
      }),
      { numRuns: 2_000 },
    );
  });
});
