/**
 * Helpers for the IKEv2 hostile-input corpus: an established pair from the in-memory session
 * harness, messages forged or sealed with one side's real keys (so that a case reaches the code
 * behind the ICV), and a fingerprint of an endpoint's SA state to prove a message changed nothing.
 */
import { nodeProvider } from '../../../src/node/crypto/provider.js';
import { sealSk } from '../../../src/crypto/sk.js';
import type { IkeSa } from '../../../src/ikev2/ike-sa.js';
import { encodeInner, type SaCrypto } from '../../../src/ikev2/protection.js';
import type { Ikev2Endpoint } from '../../../src/ikev2/endpoint.js';
import type { Datagram, IkeEvent, Output } from '../../../src/ikev2/types.js';
import { encodeHeaderV2, IKE_HEADER_LENGTH, type IkeV2Header } from '../../../src/payloads/ikev2/header.js';
import { decodeMessageV2, type IkeV2Message } from '../../../src/payloads/ikev2/message.js';
import type { PayloadV2 } from '../../../src/payloads/ikev2/types.js';
import { PayloadType } from '../../../src/payloads/iana/ikev2.js';
import { Writer } from '../../../src/payloads/writer.js';
import { connect, type Net, pair, type PeerOptions, seededRandom } from '../../ikev2/session-harness.js';

export type Side = 'alice' | 'bob';
export const other = (s: Side): Side => (s === 'alice' ? 'bob' : 'alice');

/** The endpoint's IKE SAs (the endpoint keeps them private; the corpus needs their keys). */
export function sasOf(ep: Ikev2Endpoint): IkeSa[] {
  return [...(ep as unknown as { all: Map<string, IkeSa> }).all.values()];
}

export function liveSa(net: Net, side: Side): IkeSa {
  const sas = sasOf(net.ep(side));
  const sa = sas.find((s) => s.state === 'ESTABLISHED') ?? sas.find((s) => s.crypto && s.state !== 'CLOSED');
  if (!sa) throw new Error(`${side} has no established IKE SA`);
  return sa;
}

/** A pair with one IKE SA and one Child SA, both sides ESTABLISHED. */
export function established(o: PeerOptions = {}, seed = 'corpus'): Net {
  const net = pair(nodeProvider, o, o, { seed, trace: true });
  connect(net);
  return net;
}

export function addrs(net: Net, from: Side): { local: Datagram['local']; remote: Datagram['remote'] } {
  const sa = liveSaOrAny(net, from);
  // As the receiver sees it: local is the receiver's address, remote the sender's.
  return { local: { ...sa.remote }, remote: { ...sa.local } };
}

function liveSaOrAny(net: Net, side: Side): IkeSa {
  const sas = sasOf(net.ep(side));
  return sas.find((s) => s.state === 'ESTABLISHED') ?? sas[0];
}

export function headerBytes(h: IkeV2Header, nextPayload: number): Uint8Array {
  const w = new Writer(IKE_HEADER_LENGTH);
  encodeHeaderV2(w, h, nextPayload, IKE_HEADER_LENGTH);
  return w.finish();
}

function outKeys(c: SaCrypto) {
  return c.initiator ? { encrKey: c.keys.SK_ei, integKey: c.encr.aead ? undefined : c.keys.SK_ai } : { encrKey: c.keys.SK_er, integKey: c.encr.aead ? undefined : c.keys.SK_ar };
}

export interface SealOptions {
  exchangeType: number;
  /** Inner payloads, or raw inner bytes with the type of the first. */
  payloads?: PayloadV2[];
  raw?: { first: number; bytes: Uint8Array };
  response?: boolean;
  /** Defaults to the sender's next request Message ID (which is then consumed). */
  messageId?: number;
  fragment?: { number: number; total: number };
  /** Clear payloads put before SK (RFC 7296 section 3.14 allows none in practice). */
  outerFirst?: { type: number; body: Uint8Array };
}

/** A message sealed with `from`'s real keys for its established IKE SA. */
export function sealAs(net: Net, from: Side, o: SealOptions): Uint8Array {
  const sa = liveSa(net, from);
  const messageId = o.messageId ?? sa.nextRequestId;
  if (o.messageId === undefined && !o.response) sa.nextRequestId++;
  const header = sa.header(o.exchangeType, messageId, !!o.response);
  const inner = o.raw ?? encodeInner(o.payloads ?? []);
  const skType = o.fragment ? PayloadType.SKF : PayloadType.SK;
  let prefix = headerBytes(header, o.outerFirst ? o.outerFirst.type : skType);
  if (o.outerFirst) {
    const b = o.outerFirst.body;
    const g = new Uint8Array(4 + b.length);
    g[0] = skType;
    g[2] = (g.length >> 8) & 0xff;
    g[3] = g.length & 0xff;
    g.set(b, 4);
    const p = new Uint8Array(prefix.length + g.length);
    p.set(prefix);
    p.set(g, prefix.length);
    prefix = p;
  }
  return sealSk({
    prefix,
    nextPayload: o.fragment && o.fragment.number !== 1 ? 0 : inner.first,
    plaintext: inner.bytes,
    encr: sa.crypto!.encr,
    integ: sa.crypto!.integ,
    keys: outKeys(sa.crypto!),
    random: seededRandom('iv'),
    fragment: o.fragment,
  });
}

/** Delivers a datagram as if `from` sent it; the receiver's output goes through the harness. */
export function inject(net: Net, from: Side, data: Uint8Array, where = addrs(net, from)): Output {
  const to = other(from);
  const out = net.ep(to).receive({ data, ...where }, net.now);
  net.take(to, out);
  return out;
}

/** Everything about an endpoint's SAs that a message could change. */
export function fingerprint(ep: Ikev2Endpoint): string {
  return JSON.stringify(
    sasOf(ep).map((sa) => ({
      id: sa.id,
      state: sa.state,
      spis: [sa.spiI, sa.spiR].map((b) => [...b].join('.')),
      ids: [sa.nextRequestId, sa.expectedRequestId],
      inFlight: sa.inFlight?.messageId,
      tasks: sa.tasks.length,
      reassembly: sa.reassembly ? sa.reassembly.parts.size : 0,
      children: [...sa.children.values()].map((c) => [c.id, c.state, [...c.spiIn].join('.'), [...c.spiOut].join('.')]),
      remote: sa.remote,
    })),
  );
}

/** The responses in an output, decoded (clear header plus the outer payload types). */
export function decoded(out: Output): IkeV2Message[] {
  return out.datagrams.flatMap((d) => {
    try {
      return [decodeMessageV2(d.data)];
    } catch {
      return [];
    }
  });
}

/** Notify types inside a response `from` sent, read with the receiver's keys. */
export function responseNotifies(net: Net, receiver: Side, data: Uint8Array): number[] {
  const sa = liveSa(net, receiver);
  return openedPayloads(sa, data).flatMap((p) => (p.type === PayloadType.N ? [p.notifyType] : []));
}

export function openedPayloads(sa: IkeSa, data: Uint8Array): PayloadV2[] {
  // Imported lazily to keep this module's top light.
  return openWith(sa, data);
}

import { decodeInner, unprotectMessage } from '../../../src/ikev2/protection.js';
function openWith(sa: IkeSa, data: Uint8Array): PayloadV2[] {
  const opened = unprotectMessage(sa.crypto!, data);
  return decodeInner(opened.plaintext, opened.nextPayload);
}

export function kinds(events: IkeEvent[]): string[] {
  return events.map((e) => e.event).filter((k) => k !== 'trace');
}

/** A genuine liveness check from `side` is answered: the SA still works. */
export function stillWorks(net: Net, side: Side): boolean {
  const sa = liveSa(net, side);
  const before = sa.nextRequestId;
  net.take(side, net.ep(side).checkLiveness(sa.id, net.now));
  net.run();
  return !sa.inFlight && sa.nextRequestId === before + 1 && sa.state === 'ESTABLISHED';
}

/** Recomputes the ICV of a non-AEAD protected message after `patch` changed it (so the patch reaches the checks behind the ICV). */
export function patchAndResign(net: Net, from: Side, data: Uint8Array, patch: (b: Uint8Array) => void, sa: IkeSa = liveSa(net, from)): Uint8Array {
  const c = sa.crypto!;
  if (c.encr.aead || !c.integ) throw new Error('patchAndResign needs an integrity transform');
  const out = data.slice();
  patch(out);
  const key = c.initiator ? c.keys.SK_ai : c.keys.SK_ar;
  const icvAt = out.length - c.integ.icvLength;
  out.set(c.integ.compute(key, out.subarray(0, icvAt)).subarray(0, c.integ.icvLength), icvAt);
  return out;
}

/** Like sealAs, for an SA in any state that has keys (e.g. during IKE_AUTH). */
export function sealWith(sa: IkeSa, o: SealOptions & { messageId: number }): Uint8Array {
  const header = sa.header(o.exchangeType, o.messageId, !!o.response);
  const inner = o.raw ?? encodeInner(o.payloads ?? []);
  return sealSk({
    prefix: headerBytes(header, PayloadType.SK),
    nextPayload: inner.first,
    plaintext: inner.bytes,
    encr: sa.crypto!.encr,
    integ: sa.crypto!.integ,
    keys: outKeys(sa.crypto!),
    random: seededRandom('iv'),
  });
}
