/**
 * The IKEv2 hostile-input corpus before and during authentication, and for fragments (issue 6):
 * IKE_SA_INIT requests with missing payloads, reserved identifiers and the other version's
 * header; forged IKE_SA_INIT responses to an initiator; IKE_AUTH requests and responses with
 * truncated signatures and bad identities; RFC 7383 fragments with bad numbers, counts, overlaps
 * and sizes. Each case names the bug class it models, the RFC rule and the expected reaction.
 */
import { describe, expect, it } from 'vitest';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import { ExchangeType, NotifyType, PayloadType, ProtocolId, TransformType } from '../../src/payloads/iana/ikev2.js';
import { decodeMessageV2, encodeMessageV2, type IkeV2Message } from '../../src/payloads/ikev2/message.js';
import type { PayloadV2, Proposal } from '../../src/payloads/ikev2/types.js';
import type { Net } from '../ikev2/session-harness.js';
import { connect, pair } from '../ikev2/session-harness.js';
import { decoded, established, fingerprint, inject, kinds, liveSa, other, patchAndResign, sasOf, sealAs, sealWith, type Side, stillWorks } from './corpus/ikev2.js';

const BOB = { local: { address: '127.0.0.1', port: 16600 }, remote: { address: '127.0.0.1', port: 16500 } };
const ALICE = { local: { address: '127.0.0.1', port: 16500 }, remote: { address: '127.0.0.1', port: 16600 } };

/** A genuine IKE_SA_INIT request from Alice, decoded, for cases to change. */
function genuineInit(): { net: Net; msg: IkeV2Message; data: Uint8Array } {
  const net = pair(nodeProvider);
  const out = net.ep('alice').initiate(undefined, net.now);
  const data = out.datagrams[0].data;
  return { net, msg: decodeMessageV2(data), data };
}

const without = (msg: IkeV2Message, type: number): IkeV2Message => ({ ...msg, payloads: msg.payloads.filter((p) => p.type !== type) });
const withProposals = (msg: IkeV2Message, f: (p: Proposal) => Proposal): IkeV2Message => ({
  ...msg,
  payloads: msg.payloads.map((p) => (p.type === PayloadType.SA ? { ...p, proposals: p.proposals.map(f) } : p)),
});
const withKe = (msg: IkeV2Message, group: number, data?: Uint8Array): IkeV2Message => ({
  ...msg,
  payloads: msg.payloads.map((p) => (p.type === PayloadType.KE ? { ...p, group, keyExchangeData: data ?? p.keyExchangeData } : p)),
});

interface InitCase {
  name: string;
  origin: string;
  rfc: string;
  make(msg: IkeV2Message, data: Uint8Array): Uint8Array;
  /** A clear IKE_SA_INIT response with this notify, or no answer at all. */
  reaction: number | 'dropped';
}

const INIT_CASES: InitCase[] = [
  { name: 'no KE payload', origin: 'payloads the exchange requires but that are missing', rfc: 'RFC 7296 section 1.2: HDR, SAi1, KEi, Ni', make: (m) => encodeMessageV2(without(m, PayloadType.KE)), reaction: NotifyType.INVALID_SYNTAX },
  { name: 'no Nonce payload', origin: 'payloads the exchange requires but that are missing', rfc: 'RFC 7296 section 1.2', make: (m) => encodeMessageV2(without(m, PayloadType.NONCE)), reaction: NotifyType.INVALID_SYNTAX },
  { name: 'no SA payload', origin: 'payloads the exchange requires but that are missing', rfc: 'RFC 7296 section 1.2', make: (m) => encodeMessageV2(without(m, PayloadType.SA)), reaction: NotifyType.INVALID_SYNTAX },
  {
    name: 'proposal without a KE transform',
    origin: 'a proposal without a KE transform',
    rfc: 'RFC 7296 section 3.3.3: KE is mandatory in IKE proposals',
    make: (m) => encodeMessageV2(withProposals(m, (p) => ({ ...p, transforms: p.transforms.filter((t) => t.transformType !== TransformType.KE) }))),
    reaction: NotifyType.NO_PROPOSAL_CHOSEN,
  },
  {
    name: 'only KE transform 65535 offered',
    origin: 'a group we do not support / reserved identifier 65535',
    rfc: 'RFC 7296 section 2.7',
    make: (m) => encodeMessageV2(withKe(withProposals(m, (p) => ({ ...p, transforms: p.transforms.map((t) => (t.transformType === TransformType.KE ? { ...t, transformId: 65535 } : t)) })), 65535)),
    reaction: NotifyType.NO_PROPOSAL_CHOSEN,
  },
  {
    name: 'ENCR transform ID 0',
    origin: 'internal or reserved identifiers from the wire (type 0)',
    rfc: 'RFC 7296 section 3.3.2: ID 0 is reserved',
    make: (m) => encodeMessageV2(withProposals(m, (p) => ({ ...p, transforms: p.transforms.map((t) => (t.transformType === TransformType.ENCR ? { ...t, transformId: 0 } : t)) }))),
    reaction: NotifyType.NO_PROPOSAL_CHOSEN,
  },
  {
    name: 'Transform Type 0 in place of PRF',
    origin: 'internal or reserved identifiers from the wire (type 0)',
    rfc: 'RFC 7296 section 3.3.2',
    make: (m) => encodeMessageV2(withProposals(m, (p) => ({ ...p, transforms: p.transforms.map((t) => (t.transformType === TransformType.PRF ? { ...t, transformType: 0 } : t)) }))),
    reaction: NotifyType.NO_PROPOSAL_CHOSEN,
  },
  { name: 'KE for group 0 with the offered transform', origin: 'internal identifiers (group 0 is NONE)', rfc: 'RFC 7296 section 1.2: INVALID_KE_PAYLOAD names the wanted group', make: (m) => encodeMessageV2(withKe(m, 0)), reaction: NotifyType.INVALID_KE_PAYLOAD },
  { name: 'KE data of one byte for X25519', origin: 'invalid public values (small-subgroup / length confusion)', rfc: 'RFC 7296 section 1.2, RFC 8031 section 2', make: (m) => encodeMessageV2(withKe(m, 31, new Uint8Array([9]))), reaction: NotifyType.INVALID_SYNTAX },
  { name: 'KE data of zeros for X25519', origin: 'invalid public values (all-zero shared secret)', rfc: 'RFC 8031 section 2: an all-zero shared secret MUST be refused', make: (m) => encodeMessageV2(withKe(m, 31, new Uint8Array(32))), reaction: NotifyType.INVALID_SYNTAX },
  {
    name: 'Nonce of 8 bytes',
    origin: 'nested length fields (short nonce)',
    rfc: 'RFC 7296 section 3.9: Nonce Data is 16 to 256 octets; malformed requests get no state',
    make: (m, d) => {
      const b = encodeMessageV2({ ...m, payloads: m.payloads.map((p) => (p.type === PayloadType.NONCE ? { ...p, nonce: p.nonce.subarray(0, 8) } : p)) });
      return b ?? d;
    },
    reaction: 'dropped',
  },
  {
    name: 'SA payload whose Proposal Length runs past the message',
    origin: 'nested length fields inside SA',
    rfc: 'RFC 7296 section 3.3.1',
    make: (_m, d) => {
      const b = d.slice();
      b[28 + 4 + 2] = 0x7f;
      return b;
    },
    reaction: 'dropped',
  },
  {
    name: 'IKE header Length larger than the datagram',
    origin: 'outer length fields (truncated datagram)',
    rfc: 'RFC 7296 section 3.1',
    make: (_m, d) => d.subarray(0, d.length - 10),
    reaction: 'dropped',
  },
  {
    name: 'IKE_SA_INIT request with a non-zero SPIr',
    origin: 'state confusion: an initial exchange naming an existing SA',
    rfc: 'RFC 7296 section 3.1: SPIr is zero in the first message',
    make: (m) => encodeMessageV2({ ...m, header: { ...m.header, spiR: new Uint8Array(8).fill(1) } }),
    reaction: 'dropped',
  },
  {
    name: 'IKE_SA_INIT request with Message ID 1',
    origin: 'Message ID confusion in the initial exchange',
    rfc: 'RFC 7296 section 2.2: IKE_SA_INIT uses Message ID 0',
    make: (m) => encodeMessageV2({ ...m, header: { ...m.header, messageId: 1 } }),
    reaction: 'dropped',
  },
  {
    name: 'an IKEv1 header (version 1.0, Main Mode)',
    origin: 'payload types of the other IKE version',
    rfc: 'RFC 7296 section 2.5: a lower major version is not answered by an IKEv2-only node',
    make: (_m, d) => {
      const b = d.slice();
      b[17] = 0x10;
      b[18] = 2;
      return b;
    },
    reaction: 'dropped',
  },
  {
    name: 'major version 3',
    origin: 'version negotiation',
    rfc: 'RFC 7296 section 2.5: INVALID_MAJOR_VERSION in a version 2.0 header',
    make: (_m, d) => {
      const b = d.slice();
      b[17] = 0x30;
      return b;
    },
    reaction: NotifyType.INVALID_MAJOR_VERSION,
  },
  {
    name: 'an unknown critical payload (type 40) before SA',
    origin: 'unknown payload types with the critical bit',
    rfc: 'RFC 7296 section 2.5: UNSUPPORTED_CRITICAL_PAYLOAD, or dropped when the message cannot be parsed',
    make: (m) => encodeMessageV2({ ...m, payloads: [{ type: 'UNKNOWN', payloadType: 40, critical: true, body: new Uint8Array(4) } as PayloadV2, ...m.payloads] }),
    reaction: 'dropped',
  },
];

describe('IKEv2 hostile IKE_SA_INIT requests to a responder with no SAs', () => {
  for (const c of INIT_CASES) {
    it(`${c.name} [${c.origin}; ${c.rfc}]`, () => {
      const { net, msg, data } = genuineInit();
      const bob = net.ep('bob');
      const out = bob.receive({ data: c.make(msg, data), ...BOB }, net.now);
      if (c.reaction === 'dropped') {
        expect(out.datagrams).toEqual([]);
      } else {
        expect(out.datagrams).toHaveLength(1);
        const answer = decodeMessageV2(out.datagrams[0].data);
        expect(answer.header.flags.response).toBe(true);
        expect(answer.header.spiR.every((x) => x === 0)).toBe(true);
        expect(answer.payloads.map((p) => (p.type === PayloadType.N ? NotifyType.label(p.notifyType) : '?'))).toEqual([NotifyType.label(c.reaction)]);
      }
      // RFC 7296 section 2.6: nothing is kept for a refused or malformed request.
      expect(bob.status()).toEqual([]);
      expect(bob.nextTimeout()).toBeUndefined();
      // And the genuine request is still served.
      net.take('alice', { datagrams: [{ data, local: ALICE.local, remote: ALICE.remote }], events: [] });
      net.run();
      expect(net.events('alice', 'ike-sa-up')).toHaveLength(1);
    });
  }

  it('an Informational for an SA that does not exist gets INVALID_IKE_SPI in the clear and makes no state (RFC 7296 section 2.21.4)', () => {
    for (const side of ['alice', 'bob'] as const) {
      const net = pair(nodeProvider);
      const msg = encodeMessageV2({
        header: { spiI: new Uint8Array(8).fill(3), spiR: new Uint8Array(8).fill(4), majorVersion: 2, minorVersion: 0, exchangeType: ExchangeType.INFORMATIONAL, flags: { initiator: true, version: false, response: false }, messageId: 5 },
        payloads: [{ type: PayloadType.SK, firstPayload: PayloadType.D, data: new Uint8Array(40) } as PayloadV2],
      });
      const out = net.ep(side).receive({ data: msg, ...(side === 'bob' ? BOB : ALICE) }, net.now);
      expect(decoded(out).map((m) => m.payloads.map((p) => (p.type === PayloadType.N ? p.notifyType : -1)))).toEqual([[NotifyType.INVALID_IKE_SPI]]);
      expect(net.ep(side).status()).toEqual([]);
    }
  });
});

describe('IKEv2 forged IKE_SA_INIT responses to an initiator in INIT_SENT', () => {
  /** Bob's genuine response to Alice's request, captured, then Alice's SA is fresh again. */
  function setup() {
    const net = pair(nodeProvider);
    net.take('alice', net.ep('alice').initiate(undefined, net.now));
    const req = net.wire.shift()!;
    const resp = net.ep('bob').receive({ data: req.data, local: req.remote, remote: req.local }, net.now).datagrams[0].data;
    return { net, resp: decodeMessageV2(resp), raw: resp };
  }
  const cases: Array<{ name: string; rfc: string; make(m: IkeV2Message, raw: Uint8Array): Uint8Array; outcome: 'ignored' | 'failed' }> = [
    { name: 'response for another SPIi', rfc: 'RFC 7296 section 2.21: messages for unknown SAs are dropped', make: (m) => encodeMessageV2({ ...m, header: { ...m.header, spiI: new Uint8Array(8).fill(0xee) } }), outcome: 'ignored' },
    { name: 'response with Message ID 1', rfc: 'RFC 7296 section 2.2', make: (m) => encodeMessageV2({ ...m, header: { ...m.header, messageId: 1 } }), outcome: 'ignored' },
    { name: 'response without KE', rfc: 'RFC 7296 section 1.2: HDR, SAr1, KEr, Nr', make: (m) => encodeMessageV2(without(m, PayloadType.KE)), outcome: 'failed' },
    { name: 'response with a one-byte KE', rfc: 'RFC 8031 section 2', make: (m) => encodeMessageV2(withKe(m, 31, new Uint8Array([1]))), outcome: 'failed' },
    { name: 'response choosing a proposal we did not offer (KE 65535)', rfc: 'RFC 7296 section 2.7: the accepted proposal must be one offered', make: (m) => encodeMessageV2(withKe(withProposals(m, (p) => ({ ...p, transforms: p.transforms.map((t) => (t.transformType === TransformType.KE ? { ...t, transformId: 65535 } : t)) })), 65535)), outcome: 'failed' },
    { name: 'response with a zero SPIr', rfc: 'RFC 7296 section 3.1', make: (m) => encodeMessageV2({ ...m, header: { ...m.header, spiR: new Uint8Array(8) } }), outcome: 'failed' },
    { name: 'response with INVALID_KE_PAYLOAD asking for group 0', rfc: 'RFC 7296 section 1.2: retry only with a group we offered', make: (m) => encodeMessageV2({ ...m, payloads: [{ type: PayloadType.N, protocolId: 0, spi: new Uint8Array(0), notifyType: NotifyType.INVALID_KE_PAYLOAD, data: new Uint8Array([0, 0]) }] }), outcome: 'failed' },
    { name: 'response with a one-byte INVALID_KE_PAYLOAD', rfc: 'RFC 7296 section 3.10.1: the data is a 2-octet group', make: (m) => encodeMessageV2({ ...m, payloads: [{ type: PayloadType.N, protocolId: 0, spi: new Uint8Array(0), notifyType: NotifyType.INVALID_KE_PAYLOAD, data: new Uint8Array([31]) }] }), outcome: 'failed' },
  ];
  for (const c of cases) {
    it(`${c.name} -> ${c.outcome} [${c.rfc}]`, () => {
      const { net, resp, raw } = setup();
      const alice = net.ep('alice');
      const out = alice.receive({ data: c.make(resp, raw), ...ALICE }, net.now);
      expect(out.datagrams).toEqual([]);
      if (c.outcome === 'ignored') {
        expect(kinds(out.events)).toEqual([]);
        expect(alice.status()[0].state).toBe('INIT_SENT');
        // The genuine response still completes the exchange.
        net.take('alice', alice.receive({ data: raw, ...ALICE }, net.now));
        net.run();
        expect(net.events('alice', 'ike-sa-up')).toHaveLength(1);
      } else {
        // Cleanly failed: an error event, the SA removed, no timers left behind.
        expect(kinds(out.events)).toEqual(expect.arrayContaining(['error', 'ike-sa-down']));
        expect(alice.status()).toEqual([]);
        expect(alice.nextTimeout()).toBeUndefined();
      }
    });
  }
});

describe('IKEv2 hostile IKE_AUTH messages (keys exist, nobody is authenticated yet)', () => {
  /** Alice and Bob after IKE_SA_INIT, Alice's IKE_AUTH request lost. */
  function midAuth() {
    const net = pair(nodeProvider);
    net.drop = (d, n) => d.from === 'alice' && n === 2;
    connect(net);
    net.drop = undefined;
    const a = sasOf(net.ep('alice'))[0];
    const b = sasOf(net.ep('bob'))[0];
    expect([a.state, b.state]).toEqual(['AUTH_SENT', 'INIT_DONE']);
    return { net, a, b };
  }
  const id = (): PayloadV2 => ({ type: PayloadType.IDi, idType: 2, data: new TextEncoder().encode('alice.example') });
  const sa = (): PayloadV2 => ({
    type: PayloadType.SA,
    proposals: [{ proposalNum: 1, protocolId: ProtocolId.ESP, spi: new Uint8Array([1, 2, 3, 4]), transforms: [{ transformType: TransformType.ENCR, transformId: 20, attributes: [{ type: 14, value: 128 }] }, { transformType: TransformType.ESN, transformId: 0, attributes: [] }] }],
  });
  const requests: Array<{ name: string; origin: string; payloads: PayloadV2[] }> = [
    { name: 'a truncated RFC 7427 signature (ASN.1 length past the end)', origin: 'a truncated signature', payloads: [id(), { type: PayloadType.AUTH, method: 13, authData: new Uint8Array([0xff, 0x30]) }, sa()] },
    { name: 'an empty AUTH of method 1 (RSA)', origin: 'a truncated signature', payloads: [id(), { type: PayloadType.AUTH, method: 1, authData: new Uint8Array(0) }, sa()] },
    { name: 'AUTH method 0', origin: 'reserved identifiers (type 0)', payloads: [id(), { type: PayloadType.AUTH, method: 0, authData: new Uint8Array(32) }, sa()] },
    { name: 'NULL authentication (RFC 7619) without it configured', origin: 'authentication bypass by method downgrade', payloads: [id(), { type: PayloadType.AUTH, method: 14, authData: new Uint8Array(0) }, sa()] },
    { name: 'a CERT of encoding 255 with garbage and a wrong PSK AUTH', origin: 'nested length fields inside certificates', payloads: [id(), { type: PayloadType.CERT, encoding: 255, data: new Uint8Array([0x30, 0x82, 0xff, 0xff]) } as PayloadV2, { type: PayloadType.AUTH, method: 2, authData: new Uint8Array(32) }, sa()] },
    { name: 'IDi of type 0 and no data', origin: 'nested length fields inside ID', payloads: [{ type: PayloadType.IDi, idType: 0, data: new Uint8Array(0) }, { type: PayloadType.AUTH, method: 2, authData: new Uint8Array(32) }, sa()] },
    { name: 'no AUTH payload', origin: 'payloads the exchange requires but that are missing', payloads: [id(), sa()] },
    { name: 'no IDi payload', origin: 'payloads the exchange requires but that are missing', payloads: [{ type: PayloadType.AUTH, method: 2, authData: new Uint8Array(32) }, sa()] },
  ];
  for (const r of requests) {
    it(`responder: ${r.name} -> AUTHENTICATION_FAILED, no SA up [${r.origin}; RFC 7296 section 2.21.2]`, () => {
      const { net, a, b } = midAuth();
      const out = inject(net, 'alice', sealWith(a, { exchangeType: ExchangeType.IKE_AUTH, messageId: 1, payloads: r.payloads }));
      expect(kinds(out.events)).not.toContain('ike-sa-up');
      expect(kinds(out.events)).not.toContain('child-sa-up');
      expect(kinds(out.events)).toContain('ike-sa-down');
      expect(net.ep('bob').status()).toEqual([]);
      expect(out.datagrams).toHaveLength(1);
      void b;
    });
  }

  it('responder: an IKE_AUTH request with a wrong ICV changes nothing and the genuine retransmission then succeeds (RFC 7296 section 2.21)', () => {
    const { net, a } = midAuth();
    const bad = sealWith(a, { exchangeType: ExchangeType.IKE_AUTH, messageId: 1, payloads: [id()] });
    bad[bad.length - 1] ^= 1;
    const before = fingerprint(net.ep('bob'));
    const out = inject(net, 'alice', bad);
    expect(out.datagrams).toEqual([]);
    expect(fingerprint(net.ep('bob'))).toBe(before);
    net.advance(1_000);
    expect(net.events('alice', 'ike-sa-up')).toHaveLength(1);
    expect(net.events('bob', 'ike-sa-up')).toHaveLength(1);
  });

  it('initiator: a forged IKE_AUTH response under valid keys with a bad AUTH fails the SA cleanly (RFC 7296 section 2.15)', () => {
    const { net, a, b } = midAuth();
    const resp = sealWith(b, { exchangeType: ExchangeType.IKE_AUTH, messageId: 1, response: true, payloads: [{ type: PayloadType.IDr, idType: 2, data: new TextEncoder().encode('bob.example') }, { type: PayloadType.AUTH, method: 13, authData: new Uint8Array([0xff]) }] });
    const out = inject(net, 'bob', resp);
    expect(kinds(out.events)).not.toContain('ike-sa-up');
    expect(kinds(out.events)).toContain('ike-sa-down');
    expect(net.ep('alice').status()).toEqual([]);
    void a;
  });

  it('initiator: an IKE_AUTH response with a wrong ICV is ignored and the genuine exchange then succeeds', () => {
    const { net, b } = midAuth();
    const resp = sealWith(b, { exchangeType: ExchangeType.IKE_AUTH, messageId: 1, response: true, payloads: [{ type: PayloadType.N, protocolId: 0, spi: new Uint8Array(0), notifyType: NotifyType.AUTHENTICATION_FAILED, data: new Uint8Array(0) }] });
    resp[resp.length - 3] ^= 4;
    const out = inject(net, 'bob', resp);
    expect(kinds(out.events)).toEqual([]);
    expect(net.ep('alice').status()[0].state).toBe('AUTH_SENT');
    net.advance(1_000);
    expect(net.events('alice', 'ike-sa-up')).toHaveLength(1);
  });
});

describe('IKEv2 hostile fragments (RFC 7383) on an established SA, both roles', () => {
  const frag = (net: Net, from: Side, number: number, total: number, bytes = new Uint8Array(64), messageId?: number) =>
    sealAs(net, from, { exchangeType: ExchangeType.INFORMATIONAL, raw: { first: PayloadType.D, bytes }, fragment: { number: 1, total: Math.max(total, 1) }, messageId: messageId ?? liveSa(net, from).nextRequestId });
  const renumber = (net: Net, from: Side, d: Uint8Array, number: number, total: number) =>
    patchAndResign(net, from, d, (b) => {
      b[32] = number >> 8;
      b[33] = number & 0xff;
      b[34] = total >> 8;
      b[35] = total & 0xff;
    });
  const cases: Array<{ name: string; origin: string; rfc: string; send(net: Net, from: Side): Uint8Array[] }> = [
    { name: 'Fragment Number 0', origin: 'fragments with bad numbers', rfc: 'RFC 7383 section 2.5: numbers start at 1', send: (net, from) => [renumber(net, from, frag(net, from, 1, 2), 0, 2)] },
    { name: 'Fragment Number above Total Fragments', origin: 'fragments with bad numbers', rfc: 'RFC 7383 section 2.5', send: (net, from) => [renumber(net, from, frag(net, from, 1, 2), 3, 2)] },
    { name: 'Total Fragments 0', origin: 'fragments with bad counts', rfc: 'RFC 7383 section 2.5', send: (net, from) => [renumber(net, from, frag(net, from, 1, 2), 1, 0)] },
    { name: 'Total Fragments 65535', origin: 'fragments with bad counts (reassembly buffer sized by the attacker)', rfc: 'RFC 7383 section 2.5.2: limits on reassembly', send: (net, from) => [renumber(net, from, frag(net, from, 1, 2), 1, 65535)] },
    {
      name: 'the same fragment twice with different content (overlap)',
      origin: 'fragments with overlaps',
      rfc: 'RFC 7383 section 2.6.1: a duplicate fragment is dropped',
      send: (net, from) => {
        const id = liveSa(net, from).nextRequestId;
        return [renumber(net, from, frag(net, from, 1, 3, new Uint8Array(64).fill(1), id), 2, 3), renumber(net, from, frag(net, from, 1, 3, new Uint8Array(64).fill(2), id), 2, 3)];
      },
    },
    {
      name: 'fragments whose total length exceeds the reassembly limit',
      origin: 'fragments with a bad total length (memory exhaustion)',
      rfc: 'RFC 7383 section 2.5.2',
      send: (net, from) => {
        const id = liveSa(net, from).nextRequestId;
        return Array.from({ length: 60 }, (_, i) => renumber(net, from, frag(net, from, 1, 64, new Uint8Array(1400).fill(i), id), i + 2, 64));
      },
    },
    {
      name: 'an unknown outer payload before SKF',
      origin: 'fragments with unknown outer payloads',
      rfc: 'RFC 7383 section 2.5: SKF is the only payload of a fragment message',
      send: (net, from) => [renumber(net, from, sealAs(net, from, { exchangeType: ExchangeType.INFORMATIONAL, raw: { first: PayloadType.D, bytes: new Uint8Array(64) }, fragment: { number: 1, total: 2 }, messageId: liveSa(net, from).nextRequestId, outerFirst: { type: 200, body: new Uint8Array(4) } }), 1, 2)],
    },
  ];
  for (const c of cases) {
    for (const from of ['alice', 'bob'] as const) {
      const to = other(from);
      it(`${c.name} -> ${to === 'bob' ? 'original responder' : 'original initiator'}: no answer, no event, bounded reassembly [${c.origin}; ${c.rfc}]`, () => {
        const net = established({ mtu: 1280 });
        expect(liveSa(net, to).fragmentation).toBe(true);
        const outs = c.send(net, from).map((d) => inject(net, from, d));
        expect(outs.flatMap((o) => o.datagrams)).toEqual([]);
        expect(kinds(outs.flatMap((o) => o.events))).toEqual([]);
        const r = liveSa(net, to).reassembly;
        const held = r ? [...r.parts.values()].reduce((n, p) => n + p.length, 0) : 0;
        expect(held).toBeLessThanOrEqual(64 * 1024);
        expect(r ? r.parts.size : 0).toBeLessThanOrEqual(64);
        expect(stillWorks(net, from)).toBe(true);
        expect(stillWorks(net, to)).toBe(true);
      });
    }
  }
});
