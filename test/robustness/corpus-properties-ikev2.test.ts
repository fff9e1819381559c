/**
 * Properties of the IKEv2 receive path (issue 6), checked with fast-check against both roles:
 * - once keys exist, no datagram without a valid ICV changes any SA state, deletes or rekeys;
 * - a message sealed with the wrong keys never deletes or rekeys, whatever it says;
 * - authenticated but arbitrary payload lists never crash the session (every error is a
 *   protocol error, not a TypeError) and leave its indexes consistent;
 * - work per datagram is bounded (a bounded number of datagrams and events out);
 * - memory is bounded: half-open SAs stay under maxHalfOpen under an IKE_SA_INIT flood, and a
 *   reassembly never holds more than maxFragments fragments.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import { Ikev2Endpoint } from '../../src/ikev2/endpoint.js';
import { ExchangeType, NotifyType, PayloadType, ProtocolId, TransformType } from '../../src/payloads/iana/ikev2.js';
import { decodeMessageV2, encodeMessageV2 } from '../../src/payloads/ikev2/message.js';
import type { PayloadV2 } from '../../src/payloads/ikev2/types.js';
import { config, connect, pair, seededRandom } from '../ikev2/session-harness.js';
import { indexes } from './corpus/agree.js';
import { addrs, established, fingerprint, inject, liveSa, other, sasOf, sealAs, type Side, stillWorks } from './corpus/ikev2.js';

const SIDES: Side[] = ['alice', 'bob'];
const CRASH = /TypeError|RangeError|ReferenceError|Cannot read|is not a function|is not iterable|Maximum call stack/;

/** Genuine protected datagrams of a session: IKE_AUTH, CREATE_CHILD_SA, rekeys, liveness checks. */
function sampleTraffic(): { net: ReturnType<typeof established>; samples: Array<{ from: Side; data: Uint8Array }> } {
  const net = established({ pfs: 'x25519' }, 'props');
  const ike = net.ep('alice').status()[0].ikeSaId;
  net.take('alice', net.ep('alice').createChildSa(ike, net.now));
  net.run();
  net.take('bob', net.ep('bob').checkLiveness(net.ep('bob').status()[0].ikeSaId, net.now));
  net.run();
  const samples = net.log.filter((l) => l.data.length > 28 && l.data[16] === PayloadType.SK).map((l) => ({ from: l.from as Side, data: l.data }));
  return { net, samples };
}

describe('no state change without a valid ICV once keys exist (RFC 7296 section 2.21)', () => {
  it('bit flips, truncations, extensions and splices of genuine datagrams change nothing on either side', () => {
    const { net, samples } = sampleTraffic();
    const prints = { alice: fingerprint(net.ep('alice')), bob: fingerprint(net.ep('bob')) };
    fc.assert(
      fc.property(
        fc.nat(samples.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.constantFrom('flip', 'truncate', 'extend', 'splice'),
        fc.nat(samples.length - 1),
        (which, edits, how, partner) => {
          const { from, data: original } = samples[which];
          let data = original.slice();
          if (how === 'truncate') data = data.subarray(0, 28 + (edits[0][0] % (data.length - 28)));
          else if (how === 'extend') data = Uint8Array.from([...data, ...edits.map((e) => e[1])]);
          else if (how === 'splice') {
            const p = samples[partner].data;
            const cut = 28 + (edits[0][0] % Math.max(1, Math.min(data.length, p.length) - 28));
            data = Uint8Array.from([...data.subarray(0, cut), ...p.subarray(cut)]);
          } else for (const [pos, x] of edits) data[pos % data.length] ^= x;
          // Identical to a datagram already sent is a retransmission, not a forgery.
          if (samples.some((s) => s.data.length === data.length && s.data.every((b, i) => b === data[i]))) return;
          const to = other(from);
          const out = net.ep(to).receive({ data, ...addrs(net, from) }, net.now);
          expect(out.events.filter((e) => e.event !== 'trace')).toEqual([]);
          expect(out.datagrams.length).toBeLessThanOrEqual(1);
          expect(fingerprint(net.ep(to))).toBe(prints[to]);
        },
      ),
      { numRuns: 600, seed: 61 },
    );
    for (const side of SIDES) expect(stillWorks(net, side)).toBe(true);
  });
});

/** Arbitrary inner payloads, biased towards the ones that delete, rekey or create. */
function payloadArb(childSpis: Uint8Array[]): fc.Arbitrary<PayloadV2> {
  const spi = fc.oneof(fc.constantFrom(...childSpis), fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 0, maxLength: 9 }));
  const transform = fc.record({
    transformType: fc.integer({ min: 0, max: 6 }),
    transformId: fc.oneof(fc.constantFrom(0, 12, 20, 31, 65535), fc.integer({ min: 0, max: 65535 })),
    attributes: fc.constantFrom([], [{ type: 14, value: 128 }], [{ type: 14, value: 0 }]),
  });
  return fc.oneof(
    fc.record({ type: fc.constant(PayloadType.D), protocolId: fc.integer({ min: 0, max: 4 }), spiSize: fc.constantFrom(0, 4, 8), spis: fc.array(spi, { maxLength: 3 }) }).map((d) => ({ ...d, spis: d.spiSize === 0 ? [] : d.spis.filter((s) => s.length === d.spiSize) })),
    fc.record({ type: fc.constant(PayloadType.N), protocolId: fc.integer({ min: 0, max: 4 }), spi: spi, notifyType: fc.oneof(fc.constantFrom(NotifyType.REKEY_SA, NotifyType.INVALID_SYNTAX, NotifyType.AUTHENTICATION_FAILED, NotifyType.INITIAL_CONTACT, NotifyType.USE_TRANSPORT_MODE), fc.integer({ min: 0, max: 65535 })), data: fc.uint8Array({ maxLength: 8 }) }),
    fc.record({ type: fc.constant(PayloadType.SA), proposals: fc.array(fc.record({ proposalNum: fc.integer({ min: 1, max: 3 }), protocolId: fc.integer({ min: 0, max: 4 }), spi: fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 8, maxLength: 8 })), transforms: fc.array(transform, { maxLength: 5 }) }), { minLength: 1, maxLength: 2 }) }),
    fc.record({ type: fc.constant(PayloadType.NONCE), nonce: fc.uint8Array({ minLength: 16, maxLength: 40 }) }),
    fc.record({ type: fc.constant(PayloadType.KE), group: fc.constantFrom(0, 14, 19, 31, 65535), keyExchangeData: fc.uint8Array({ maxLength: 64 }) }),
    fc.record({ type: fc.constantFrom(PayloadType.TSi, PayloadType.TSr), selectors: fc.array(fc.record({ tsType: fc.constant(7), ipProtocol: fc.nat(255), startPort: fc.nat(65535), endPort: fc.nat(65535), startAddress: fc.uint8Array({ minLength: 4, maxLength: 4 }), endAddress: fc.uint8Array({ minLength: 4, maxLength: 4 }) }), { maxLength: 2 }) }),
    fc.record({ type: fc.constant(PayloadType.CP), cfgType: fc.integer({ min: 0, max: 4 }), attributes: fc.array(fc.record({ type: fc.integer({ min: 0, max: 30 }), value: fc.uint8Array({ maxLength: 16 }) }), { maxLength: 3 }) }),
  ) as fc.Arbitrary<PayloadV2>;
}

describe('unauthenticated messages never delete or rekey (issue 6)', () => {
  it('any payload list sealed with the wrong keys is dropped without effect, on both roles', () => {
    const net = established({}, 'wrong-keys');
    const childSpis = SIDES.flatMap((s) => [...liveSa(net, s).children.values()].flatMap((c) => [c.spiIn, c.spiOut]));
    const prints = { alice: fingerprint(net.ep('alice')), bob: fingerprint(net.ep('bob')) };
    // A third party's keys: an SA of another pair with the same SPIs pasted in.
    const foreign = established({}, 'foreign');
    fc.assert(
      fc.property(fc.constantFrom(...SIDES), fc.constantFrom(ExchangeType.INFORMATIONAL, ExchangeType.CREATE_CHILD_SA), fc.array(payloadArb(childSpis), { maxLength: 5 }), (from, exchangeType, payloads) => {
        const real = liveSa(net, from);
        const fake = liveSa(foreign, from);
        const spis = [fake.spiI, fake.spiR];
        fake.spiI = real.spiI;
        fake.spiR = real.spiR;
        let data: Uint8Array;
        try {
          data = sealAs(foreign, from, { exchangeType, payloads, messageId: real.nextRequestId });
        } catch {
          return; // the encoder refuses it (not a wire concern)
        } finally {
          [fake.spiI, fake.spiR] = spis;
        }
        const to = other(from);
        const out = net.ep(to).receive({ data, ...addrs(net, from) }, net.now);
        expect(out.events.filter((e) => e.event !== 'trace')).toEqual([]);
        expect(out.datagrams).toEqual([]);
        expect(fingerprint(net.ep(to))).toBe(prints[to]);
      }),
      { numRuns: 300, seed: 62 },
    );
  });
});

describe('authenticated but arbitrary payloads never crash the session (RFC 7296 section 2.21)', () => {
  // Every run starts from the same seeded session, so its Child SA SPIs are known in advance.
  const probe = established({}, 'arb');
  const arbSpis = SIDES.flatMap((s) => [...liveSa(probe, s).children.values()].flatMap((c) => [c.spiIn, c.spiOut]));
  for (const to of SIDES) {
    it(`${to === 'bob' ? 'original responder' : 'original initiator'}: errors are protocol errors, indexes stay consistent, a bounded answer per request`, () => {
      fc.assert(
        fc.property(fc.constantFrom(ExchangeType.INFORMATIONAL, ExchangeType.CREATE_CHILD_SA, ExchangeType.IKE_AUTH), fc.array(fc.array(payloadArb(arbSpis), { maxLength: 5 }), { minLength: 1, maxLength: 3 }), (exchangeType, messages) => {
          const net = established({}, 'arb');
          const from = other(to);
          for (const payloads of messages) {
            if (!sasOf(net.ep(from)).some((s) => s.state === 'ESTABLISHED') || !sasOf(net.ep(to)).some((s) => s.state === 'ESTABLISHED')) break;
            let data: Uint8Array;
            try {
              data = sealAs(net, from, { exchangeType, payloads });
            } catch {
              continue;
            }
            const out = inject(net, from, data);
            for (const e of out.events) if (e.event === 'error') expect(e.message).not.toMatch(CRASH);
            expect(out.datagrams.length).toBeLessThanOrEqual(2);
            expect(out.events.length).toBeLessThanOrEqual(20);
            net.wire.length = 0;
          }
          for (const side of SIDES) {
            const ix = indexes(net.ep(side));
            expect(ix.bySpi).toBe(ix.all);
            for (const sa of sasOf(net.ep(side))) expect(sa.state).not.toBe('CLOSED');
          }
        }),
        { numRuns: 150, seed: 63 },
      );
    });
  }
});

describe('bounded memory under floods', () => {
  it('half-open responder SAs never exceed maxHalfOpen under an IKE_SA_INIT flood from many ports (RFC 7296 section 2.6)', () => {
    const ep = new Ikev2Endpoint({ provider: nodeProvider, configs: [config('bob')], random: seededRandom('flood'), maxHalfOpen: 16 });
    const alice = pair(nodeProvider).ep('alice');
    const init = decodeMessageV2(alice.initiate(undefined, 1_000).datagrams[0].data);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.integer({ min: 1024, max: 65535 }), (spiI, port) => {
        if (spiI.every((b) => b === 0)) return;
        const data = encodeMessageV2({ ...init, header: { ...init.header, spiI } });
        ep.receive({ data, local: { address: '127.0.0.1', port: 16600 }, remote: { address: '127.0.0.9', port } }, 1_000);
        expect(ep.status().length).toBeLessThanOrEqual(16);
      }),
      { numRuns: 200, seed: 64 },
    );
    expect(ep.status().length).toBe(16);
    // They expire (halfOpenTimeout) and leave nothing behind.
    ep.timeout(1_000 + 31_000);
    expect(ep.status()).toEqual([]);
  });

  it('a reassembly never holds more than maxFragments fragments or maxReassembledBytes, whatever the fragment numbers', () => {
    const net = pair(nodeProvider, { mtu: 1280 }, { mtu: 1280 }, { seed: 'frag-props' });
    connect(net);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 1200 })), { minLength: 1, maxLength: 40 }), (frags) => {
        const sa = liveSa(net, 'alice');
        const id = sa.nextRequestId;
        for (const [n, total, size] of frags) {
          const t = Math.max(n, total);
          const data = sealAs(net, 'alice', { exchangeType: ExchangeType.INFORMATIONAL, raw: { first: n === 1 ? PayloadType.D : 0, bytes: new Uint8Array(size) }, fragment: { number: n, total: t }, messageId: id });
          inject(net, 'alice', data);
          const r = liveSa(net, 'bob').reassembly;
          if (r) {
            expect(r.parts.size).toBeLessThanOrEqual(64);
            expect(r.bytes).toBeLessThanOrEqual(64 * 1024);
          }
        }
        net.wire.length = 0;
      }),
      { numRuns: 60, seed: 65 },
    );
    void TransformType;
    void ProtocolId;
  });
});
