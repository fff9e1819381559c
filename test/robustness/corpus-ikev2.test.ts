/**
 * The IKEv2 hostile-input corpus (issue 6). Each case models a published bug class of IKE stacks
 * (strongSwan, libreswan, racoon, Cisco: missing required payloads, the other version's payloads,
 * reserved identifiers, nested length fields, fragment abuse, unauthenticated deletes) and states
 * the RFC rule and the reaction expected. Cases on an established SA run against both roles: the
 * original responder receiving from the initiator and the original initiator receiving from the
 * responder. Messages behind the ICV are sealed with the sender's real keys, so they reach the
 * code an attacker with a broken peer (or a compromised one) would reach.
 */
import { describe, expect, it } from 'vitest';
import { ExchangeType, NotifyType, PayloadType, ProtocolId, TransformType } from '../../src/payloads/iana/ikev2.js';
import { encodeMessageV2 } from '../../src/payloads/ikev2/message.js';
import type { PayloadV2 } from '../../src/payloads/ikev2/types.js';
import { encodeInner } from '../../src/ikev2/protection.js';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import type { Net } from '../ikev2/session-harness.js';
import { connect, pair } from '../ikev2/session-harness.js';
import { addrs, decoded, established, fingerprint, inject, kinds, liveSa, other, responseNotifies, sealAs, type Side, stillWorks } from './corpus/ikev2.js';

type Reaction =
  /** No answer, no event beyond traces, the SA state byte for byte as before. */
  | { kind: 'ignored' }
  /** An encrypted answer carrying this notify; no SA or Child SA created, deleted or rekeyed. */
  | { kind: 'notify'; notify: number }
  /** An answer without error notify; `check` says what changed. */
  | { kind: 'answered' }
  /** Authenticated, so the Message ID window moves on, but no answer, no event, no SA change. */
  | { kind: 'dropped' }
  /** An unprotected answer with this notify (RFC 7296 section 2.21.4), nothing changed. */
  | { kind: 'clear-notify'; notify: number };

interface EstablishedCase {
  name: string;
  /** The bug class the case models. */
  origin: string;
  rfc: string;
  build(net: Net, from: Side): Uint8Array[];
  reaction: Reaction | ((to: Side) => Reaction);
  /** Extra checks after the reaction (receiver side). */
  check?(net: Net, to: Side, before: { children: number }): void;
}

const childOf = (net: Net, side: Side) => [...liveSa(net, side).children.values()][0];

/** Inner payload bytes with a patch applied (for nested length fields the encoder never gets wrong). */
function patched(payloads: PayloadV2[], patch: (b: Uint8Array) => void): { first: number; bytes: Uint8Array } {
  const inner = encodeInner(payloads);
  const bytes = inner.bytes.slice();
  patch(bytes);
  return { first: inner.first, bytes };
}

const u16 = (b: Uint8Array, at: number, v: number) => {
  b[at] = (v >> 8) & 0xff;
  b[at + 1] = v & 0xff;
};

const espDelete = (spis: Uint8Array[]): PayloadV2 => ({ type: PayloadType.D, protocolId: ProtocolId.ESP, spiSize: 4, spis });
const ts = (type: typeof PayloadType.TSi | typeof PayloadType.TSr, a: number): PayloadV2 => ({
  type,
  selectors: [{ tsType: 7, ipProtocol: 0, startPort: 0, endPort: 65535, startAddress: new Uint8Array([10, a, 0, 0]), endAddress: new Uint8Array([10, a, 0, 255]) }],
});
const espProposal = (spi: Uint8Array, withKe?: number) => ({
  proposalNum: 1,
  protocolId: ProtocolId.ESP,
  spi,
  transforms: [
    { transformType: TransformType.ENCR, transformId: 20, attributes: [{ type: 14, value: 128 }] },
    { transformType: TransformType.ESN, transformId: 0, attributes: [] },
    ...(withKe !== undefined ? [{ transformType: TransformType.KE, transformId: withKe, attributes: [] }] : []),
  ],
});
const nonce = (): PayloadV2 => ({ type: PayloadType.NONCE, nonce: new Uint8Array(32).fill(0x5a) });
const tsFor = (from: Side): PayloadV2[] => (from === 'alice' ? [ts(PayloadType.TSi, 1), ts(PayloadType.TSr, 2)] : [ts(PayloadType.TSi, 2), ts(PayloadType.TSr, 1)]);
const rekeySa = (protocolId: number, spi: Uint8Array): PayloadV2 => ({ type: PayloadType.N, protocolId, spi, notifyType: NotifyType.REKEY_SA, data: new Uint8Array(0) });

const INFO = ExchangeType.INFORMATIONAL;
const CCSA = ExchangeType.CREATE_CHILD_SA;

const ESTABLISHED_CASES: EstablishedCase[] = [
  {
    name: 'Informational with a Delete of the IKE SA and a wrong ICV',
    origin: 'unauthenticated teardown (forged Delete/Notify accepted before integrity check)',
    rfc: 'RFC 7296 section 2.21: messages that fail integrity are discarded without action',
    build(net, from) {
      const d = sealAs(net, from, { exchangeType: INFO, payloads: [{ type: PayloadType.D, protocolId: ProtocolId.IKE, spiSize: 0, spis: [] }], messageId: liveSa(net, from).nextRequestId });
      d[d.length - 1] ^= 1;
      return [d];
    },
    reaction: { kind: 'ignored' },
  },
  {
    name: 'Informational with a Delete of the Child SA and a wrong ICV (flip inside the ciphertext)',
    origin: 'unauthenticated teardown',
    rfc: 'RFC 7296 section 2.21',
    build(net, from) {
      const d = sealAs(net, from, { exchangeType: INFO, payloads: [espDelete([childOf(net, from).spiIn])], messageId: liveSa(net, from).nextRequestId });
      d[d.length - 20] ^= 0x80;
      return [d];
    },
    reaction: { kind: 'ignored' },
  },
  {
    name: 'request with the I flag of the wrong side',
    origin: 'reflection of our own messages back at us',
    rfc: 'RFC 7296 section 3.1: the Initiator flag names the original initiator',
    build(net, from) {
      const d = sealAs(net, from, { exchangeType: INFO, payloads: [], messageId: liveSa(net, from).nextRequestId });
      d[19] ^= 0x08;
      return [d];
    },
    // The SPI looked up is then the peer's, which names no SA of ours: INVALID_IKE_SPI in the clear.
    reaction: { kind: 'clear-notify', notify: NotifyType.INVALID_IKE_SPI },
  },
  {
    name: 'request with a Message ID far ahead of the window',
    origin: 'Message ID desynchronisation / window exhaustion',
    rfc: 'RFC 7296 section 2.3: requests outside the window are dropped',
    build: (net, from) => [sealAs(net, from, { exchangeType: INFO, payloads: [], messageId: 0x7fffffff })],
    reaction: { kind: 'ignored' },
  },
  {
    name: 'response to a request never sent',
    origin: 'unsolicited responses driving the state machine',
    rfc: 'RFC 7296 section 2.3: a response must match an outstanding request',
    build: (net, from) => [sealAs(net, from, { exchangeType: INFO, payloads: [{ type: PayloadType.D, protocolId: ProtocolId.IKE, spiSize: 0, spis: [] }], response: true, messageId: 7 })],
    reaction: { kind: 'ignored' },
  },
  {
    name: 'an exchange type of IKEv1 (Quick Mode, 32) under valid keys',
    origin: 'payload and exchange types of the other IKE version',
    rfc: 'RFC 7296 section 3.1: exchange types 0-33 are reserved',
    build: (net, from) => [sealAs(net, from, { exchangeType: 32, payloads: [] })],
    reaction: { kind: 'dropped' },
  },
  {
    name: 'an IKEv1 payload type (1, SA) inside SK with the critical bit set',
    origin: 'payload types of the other IKE version',
    rfc: 'RFC 7296 section 2.5: an unknown critical payload is refused with UNSUPPORTED_CRITICAL_PAYLOAD',
    build: (net, from) => [sealAs(net, from, { exchangeType: INFO, payloads: [{ type: 'UNKNOWN', payloadType: 1, critical: true, body: new Uint8Array(8) }] })],
    reaction: { kind: 'notify', notify: NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD },
  },
  {
    name: 'an unknown non-critical payload type (255) inside SK',
    origin: 'reserved identifiers from the wire',
    rfc: 'RFC 7296 section 2.5: an unknown non-critical payload is skipped',
    build: (net, from) => [sealAs(net, from, { exchangeType: INFO, payloads: [{ type: 'UNKNOWN', payloadType: 255, critical: false, body: new Uint8Array(3) }] })],
    reaction: { kind: 'answered' },
  },
  {
    name: 'inner payload whose length runs past the decrypted data',
    origin: 'nested length fields (CVE-2010-2628-style out-of-bounds read in payload parsers)',
    rfc: 'RFC 7296 section 2.21: malformed messages get INVALID_SYNTAX',
    build: (net, from) => [sealAs(net, from, { exchangeType: INFO, raw: patched([espDelete([childOf(net, from).spiIn])], (b) => u16(b, 2, 0xffff)) })],
    reaction: { kind: 'notify', notify: NotifyType.INVALID_SYNTAX },
  },
  {
    name: 'inner payload length below the generic header',
    origin: 'zero-length payload loops (racoon isakmp_p2ph, zero length payload infinite loop)',
    rfc: 'RFC 7296 section 3.2: Payload Length includes the 4-byte header',
    build: (net, from) => [sealAs(net, from, { exchangeType: INFO, raw: patched([espDelete([childOf(net, from).spiIn])], (b) => u16(b, 2, 0)) })],
    reaction: { kind: 'notify', notify: NotifyType.INVALID_SYNTAX },
  },
  {
    name: 'Delete whose Num of SPIs claims more SPIs than the payload holds',
    origin: 'nested length fields inside Delete',
    rfc: 'RFC 7296 section 3.11',
    build: (net, from) => [sealAs(net, from, { exchangeType: INFO, raw: patched([espDelete([childOf(net, from).spiIn])], (b) => u16(b, 6, 0xffff)) })],
    reaction: { kind: 'notify', notify: NotifyType.INVALID_SYNTAX },
  },
  {
    name: 'Delete of ESP with SPI Size 0',
    origin: 'nested length fields inside Delete',
    rfc: 'RFC 7296 section 3.11: SPI Size is 4 for ESP and AH',
    build: (net, from) => [sealAs(net, from, { exchangeType: INFO, raw: patched([espDelete([childOf(net, from).spiIn])], (b) => (b[5] = 0)) })],
    reaction: { kind: 'notify', notify: NotifyType.INVALID_SYNTAX },
    check: (net, to, before) => expect(liveSa(net, to).children.size).toBe(before.children),
  },
  {
    name: 'Delete of an ESP SPI we do not have',
    origin: 'Delete for unknown SAs',
    rfc: 'RFC 7296 section 1.4.1: SPIs that are not known are ignored; the answer is empty',
    build: (net, from) => [sealAs(net, from, { exchangeType: INFO, payloads: [espDelete([new Uint8Array([1, 2, 3, 4])])] })],
    reaction: { kind: 'answered' },
    check: (net, to, before) => expect(liveSa(net, to).children.size).toBe(before.children),
  },
  {
    name: 'Delete naming the same Child SA twice, then repeated in a second request',
    origin: 'a Delete repeated (double free of SA objects)',
    rfc: 'RFC 7296 section 1.4.1',
    build: (net, from) => {
      const spi = childOf(net, from).spiIn;
      return [sealAs(net, from, { exchangeType: INFO, payloads: [espDelete([spi, spi])] }), sealAs(net, from, { exchangeType: INFO, payloads: [espDelete([spi])] })];
    },
    reaction: { kind: 'answered' },
    check(net, to) {
      expect(liveSa(net, to).children.size).toBe(0);
      expect(net.events(to, 'child-sa-down')).toHaveLength(1);
    },
  },
  {
    name: 'Traffic Selector whose Selector Length runs past the payload',
    origin: 'nested length fields inside TS',
    rfc: 'RFC 7296 section 3.13.1',
    build: (net, from) => [
      sealAs(net, from, { exchangeType: CCSA, raw: patched([{ type: PayloadType.SA, proposals: [espProposal(new Uint8Array([9, 9, 9, 9]))] }, nonce(), ...tsFor(from)], (b) => {
        const saLen = (b[2] << 8) | b[3];
        const nonceLen = (b[saLen + 2] << 8) | b[saLen + 3];
        u16(b, saLen + nonceLen + 10, 0xfff0);
      }) }),
    ],
    reaction: { kind: 'notify', notify: NotifyType.INVALID_SYNTAX },
  },
  {
    name: 'Traffic Selector with Number of TSs 0',
    origin: 'nested counts inside TS',
    rfc: 'RFC 7296 section 3.13; an empty selector set intersects nothing (section 2.9): TS_UNACCEPTABLE',
    build: (net, from) => [
      sealAs(net, from, { exchangeType: CCSA, payloads: [{ type: PayloadType.SA, proposals: [espProposal(new Uint8Array([9, 9, 9, 9]))] }, nonce(), { type: PayloadType.TSi, selectors: [] }, tsFor(from)[1]] }),
    ],
    reaction: { kind: 'notify', notify: NotifyType.TS_UNACCEPTABLE },
  },
  {
    name: 'SA proposal whose Proposal Length runs past the payload',
    origin: 'nested length fields inside SA (libreswan CVE-2015-3204-style proposal parsing)',
    rfc: 'RFC 7296 section 3.3.1',
    build: (net, from) => [sealAs(net, from, { exchangeType: CCSA, raw: patched([{ type: PayloadType.SA, proposals: [espProposal(new Uint8Array([9, 9, 9, 9]))] }, nonce(), ...tsFor(from)], (b) => u16(b, 6, 0x400)) })],
    reaction: { kind: 'notify', notify: NotifyType.INVALID_SYNTAX },
  },
  {
    name: 'SA transform with Transform Length 0',
    origin: 'zero-length substructure loops',
    rfc: 'RFC 7296 section 3.3.2',
    build: (net, from) => [sealAs(net, from, { exchangeType: CCSA, raw: patched([{ type: PayloadType.SA, proposals: [espProposal(new Uint8Array([9, 9, 9, 9]))] }, nonce(), ...tsFor(from)], (b) => u16(b, 16 + 2, 0)) })],
    reaction: { kind: 'notify', notify: NotifyType.INVALID_SYNTAX },
  },
  {
    name: 'Configuration attribute whose Length runs past the payload',
    origin: 'nested length fields inside CP (Cisco ASA CVE-2016-1287 class)',
    rfc: 'RFC 7296 section 3.15.1',
    build: (net, from) => [sealAs(net, from, { exchangeType: INFO, raw: patched([{ type: PayloadType.CP, cfgType: 1, attributes: [{ type: 1, value: new Uint8Array(4) }] }], (b) => u16(b, 10, 0x7fff)) })],
    reaction: { kind: 'notify', notify: NotifyType.INVALID_SYNTAX },
  },
  {
    name: 'Notify whose SPI Size runs past the payload',
    origin: 'nested length fields inside Notify',
    rfc: 'RFC 7296 section 3.10',
    build: (net, from) => [sealAs(net, from, { exchangeType: INFO, raw: patched([rekeySa(ProtocolId.ESP, new Uint8Array(4))], (b) => (b[5] = 200)) })],
    reaction: { kind: 'notify', notify: NotifyType.INVALID_SYNTAX },
  },
  {
    name: 'an unknown error Notify in an Informational',
    origin: 'error notifies treated as fatal without authentication of intent',
    rfc: 'RFC 7296 section 3.10.1: unrecognized error types in a response are fatal only for that request; in a request they are logged',
    build: (net, from) => [sealAs(net, from, { exchangeType: INFO, payloads: [{ type: PayloadType.N, protocolId: 0, spi: new Uint8Array(0), notifyType: 8191, data: new Uint8Array(0) }] })],
    reaction: { kind: 'answered' },
    check: (net, to, before) => expect(liveSa(net, to).children.size).toBe(before.children),
  },
  {
    name: 'CREATE_CHILD_SA with REKEY_SA of protocol 0',
    origin: 'REKEY_SA with a protocol of 0 (SA lookup ignoring the protocol)',
    rfc: 'RFC 7296 section 3.10.1: REKEY_SA names an ESP or AH SA by Protocol ID and SPI',
    build: (net, from) => [sealAs(net, from, { exchangeType: CCSA, payloads: [rekeySa(0, childOf(net, from).spiIn), { type: PayloadType.SA, proposals: [espProposal(new Uint8Array([9, 9, 9, 9]))] }, nonce(), ...tsFor(from)] })],
    reaction: { kind: 'notify', notify: NotifyType.CHILD_SA_NOT_FOUND },
  },
  {
    name: 'CREATE_CHILD_SA with REKEY_SA of protocol 1 (IKE)',
    origin: 'REKEY_SA with a protocol of 1 (IKE SA confused with a Child SA)',
    rfc: 'RFC 7296 section 3.10.1; an IKE SA is rekeyed with an SA payload for IKE, not REKEY_SA (section 1.3.2)',
    build: (net, from) => [sealAs(net, from, { exchangeType: CCSA, payloads: [rekeySa(ProtocolId.IKE, childOf(net, from).spiIn), { type: PayloadType.SA, proposals: [espProposal(new Uint8Array([9, 9, 9, 9]))] }, nonce(), ...tsFor(from)] })],
    reaction: { kind: 'notify', notify: NotifyType.CHILD_SA_NOT_FOUND },
  },
  {
    name: 'CREATE_CHILD_SA rekey of a Child SA we do not have',
    origin: 'rekey of unknown SAs',
    rfc: 'RFC 7296 section 2.25: CHILD_SA_NOT_FOUND',
    build: (net, from) => [sealAs(net, from, { exchangeType: CCSA, payloads: [rekeySa(ProtocolId.ESP, new Uint8Array([7, 7, 7, 7])), { type: PayloadType.SA, proposals: [espProposal(new Uint8Array([9, 9, 9, 9]))] }, nonce(), ...tsFor(from)] })],
    reaction: { kind: 'notify', notify: NotifyType.CHILD_SA_NOT_FOUND },
  },
  {
    name: 'CREATE_CHILD_SA without a Nonce',
    origin: 'payloads the exchange requires but that are missing (NULL dereference class)',
    rfc: 'RFC 7296 section 1.3.1: SA, Ni, TSi, TSr are required',
    build: (net, from) => [sealAs(net, from, { exchangeType: CCSA, payloads: [{ type: PayloadType.SA, proposals: [espProposal(new Uint8Array([9, 9, 9, 9]))] }, ...tsFor(from)] })],
    reaction: { kind: 'notify', notify: NotifyType.INVALID_SYNTAX },
  },
  {
    name: 'CREATE_CHILD_SA without TSi and TSr',
    origin: 'payloads the exchange requires but that are missing',
    rfc: 'RFC 7296 section 1.3.1',
    build: (net, from) => [sealAs(net, from, { exchangeType: CCSA, payloads: [{ type: PayloadType.SA, proposals: [espProposal(new Uint8Array([9, 9, 9, 9]))] }, nonce()] })],
    reaction: { kind: 'notify', notify: NotifyType.INVALID_SYNTAX },
  },
  {
    name: 'CREATE_CHILD_SA without an SA payload',
    origin: 'payloads the exchange requires but that are missing',
    rfc: 'RFC 7296 section 1.3.1',
    build: (net, from) => [sealAs(net, from, { exchangeType: CCSA, payloads: [nonce(), ...tsFor(from)] })],
    reaction: { kind: 'notify', notify: NotifyType.INVALID_SYNTAX },
  },
  {
    name: 'CREATE_CHILD_SA offering an ESP SPI of 0',
    origin: 'internal or reserved identifiers from the wire',
    rfc: 'RFC 4303 section 2.1: SPI values 1-255 are reserved, 0 is for local use only',
    build: (net, from) => [sealAs(net, from, { exchangeType: CCSA, payloads: [{ type: PayloadType.SA, proposals: [espProposal(new Uint8Array(4))] }, nonce(), ...tsFor(from)] })],
    reaction: { kind: 'notify', notify: NotifyType.INVALID_SYNTAX },
  },
  {
    name: 'IKE SA rekey whose proposal has no KE transform',
    origin: 'a proposal without a KE transform',
    rfc: 'RFC 7296 section 1.3.2: an IKE SA rekey carries KE; section 3.3.3 lists KE as mandatory for IKE',
    build: (net, from) => [
      sealAs(net, from, {
        exchangeType: CCSA,
        payloads: [
          {
            type: PayloadType.SA,
            proposals: [
              {
                proposalNum: 1,
                protocolId: ProtocolId.IKE,
                spi: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
                transforms: [
                  { transformType: TransformType.ENCR, transformId: 12, attributes: [{ type: 14, value: 128 }] },
                  { transformType: TransformType.PRF, transformId: 5, attributes: [] },
                  { transformType: TransformType.INTEG, transformId: 12, attributes: [] },
                ],
              },
            ],
          },
          nonce(),
        ],
      }),
    ],
    reaction: { kind: 'notify', notify: NotifyType.NO_PROPOSAL_CHOSEN },
  },
  {
    name: 'IKE SA rekey with a KE of group 0 and a transform for group 65535',
    origin: 'a group we do not support, type 0, 65535',
    rfc: 'RFC 7296 section 1.3.2 and 3.3.3',
    build: (net, from) => [
      sealAs(net, from, {
        exchangeType: CCSA,
        payloads: [
          {
            type: PayloadType.SA,
            proposals: [
              {
                proposalNum: 1,
                protocolId: ProtocolId.IKE,
                spi: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
                transforms: [
                  { transformType: TransformType.ENCR, transformId: 12, attributes: [{ type: 14, value: 128 }] },
                  { transformType: TransformType.PRF, transformId: 5, attributes: [] },
                  { transformType: TransformType.INTEG, transformId: 12, attributes: [] },
                  { transformType: TransformType.KE, transformId: 65535, attributes: [] },
                ],
              },
            ],
          },
          nonce(),
          { type: PayloadType.KE, group: 0, keyExchangeData: new Uint8Array(32) },
        ],
      }),
    ],
    reaction: { kind: 'notify', notify: NotifyType.NO_PROPOSAL_CHOSEN },
  },
  {
    name: 'IKE_AUTH on an established SA',
    origin: 'exchanges out of order (state confusion: re-authentication replay)',
    rfc: 'RFC 7296 section 1.2: IKE_AUTH happens once, right after IKE_SA_INIT; only the original initiator sends it',
    build: (net, from) => [sealAs(net, from, { exchangeType: ExchangeType.IKE_AUTH, payloads: [{ type: PayloadType.IDi, idType: 2, data: new Uint8Array([0x61]) }, { type: PayloadType.AUTH, method: 2, authData: new Uint8Array(32) }] })],
    reaction: { kind: 'notify', notify: NotifyType.INVALID_SYNTAX },
  },
];

function snapshot(net: Net, side: Side) {
  return fingerprint(net.ep(side));
}

/** The fingerprint without the Message ID counters (an answered request moves them on). */
function structure(net: Net, side: Side) {
  return JSON.parse(snapshot(net, side)).map((s: { ids?: unknown }) => ({ ...s, ids: undefined }));
}

describe('IKEv2 hostile-input corpus on an established IKE SA (both roles)', () => {
  for (const c of ESTABLISHED_CASES) {
    for (const from of ['alice', 'bob'] as const) {
      const to = other(from);
      const role = to === 'bob' ? 'original responder' : 'original initiator';
      it(`${c.name} -> ${role} [${c.origin}; ${c.rfc}]`, () => {
        const net = established();
        const sa = liveSa(net, to);
        const children = sa.children.size;
        const before = snapshot(net, to);
        const beforeStructure = structure(net, to);
        net.nodes.get(to)!.events.length = 0;
        const outs = c.build(net, from).map((d) => inject(net, from, d));
        const events = outs.flatMap((o) => o.events);
        const last = outs[outs.length - 1];
        const reaction = typeof c.reaction === 'function' ? c.reaction(to) : c.reaction;
        if (reaction.kind === 'ignored') {
          expect(outs.flatMap((o) => o.datagrams)).toEqual([]);
          expect(kinds(events)).toEqual([]);
          expect(snapshot(net, to)).toBe(before);
        } else if (reaction.kind === 'dropped') {
          expect(outs.flatMap((o) => o.datagrams)).toEqual([]);
          expect(kinds(events)).toEqual([]);
          expect(structure(net, to)).toEqual(beforeStructure);
        } else if (reaction.kind === 'clear-notify') {
          const answers = decoded(last);
          expect(answers).toHaveLength(1);
          expect(answers[0].header.flags.response).toBe(true);
          expect(answers[0].payloads.map((p) => (p.type === PayloadType.N ? p.notifyType : -1))).toEqual([reaction.notify]);
          expect(snapshot(net, to)).toBe(before);
        } else {
          expect(last.datagrams.length).toBeGreaterThan(0);
          const notes = responseNotifies(net, from, last.datagrams[0].data);
          if (reaction.kind === 'notify') {
            expect(notes.map((n) => NotifyType.label(n))).toContain(NotifyType.label(reaction.notify));
            expect(structure(net, to)).toEqual(beforeStructure);
          } else {
            expect(notes.filter((n) => n < 16384)).toEqual([]);
          }
          expect(kinds(events).filter((k) => k === 'ike-sa-down' || k === 'ike-sa-up' || k === 'child-sa-up' || k === 'ike-sa-rekeyed' || k === 'child-sa-rekeyed')).toEqual([]);
        }
        c.check?.(net, to, { children });
        net.wire.length = 0;
        expect(stillWorks(net, from)).toBe(true);
        expect(stillWorks(net, to)).toBe(true);
      });
    }
  }
});

void addrs;
void connect;
void pair;
void nodeProvider;
void encodeMessageV2;
