/** Bringing SAs up: state, timers for rekeying and expiry (with jitter), events. */
import { EncrId, IntegId, KeId } from '../payloads/iana/ikev2.js';
import type { Proposal, TrafficSelector } from '../payloads/ikev2/types.js';
import type { ChildSaKeys } from '../keys/ikev2.js';
import type { KeyExchangeState } from '../crypto/provider.js';
import { weakReason } from '../config/weak.js';
import { toHex, wipe } from '../util/bytes.js';
import { tsTexts, type ChildSa } from './child-sa.js';
import type { SessionContext } from './context.js';
import type { IkeSa } from './ike-sa.js';
import { describeProposal, type NegotiatedAlgorithms } from './policy.js';
import { retainedProposal } from './proposals.js';
import { sharedSelectors } from './traffic-selectors.js';

/** A fraction in [0, 1) from the random source, so that both peers do not rekey at the same moment. */
function jitter(ctx: SessionContext): number {
  const b = ctx.random(2);
  return ((b[0] << 8) | b[1]) / 65536;
}

/**
 * Rekey and expiry times for an SA: rekey at rekeyTime (or 90% of the lifetime) minus up to 10%
 * of jitter, expire at the lifetime.
 */
export function lifetimes(ctx: SessionContext, now: number, lifetime?: number, rekeyTime?: number): { rekeyAt?: number; expiresAt?: number } {
  const soft = rekeyTime ?? (lifetime !== undefined ? lifetime * 0.9 : undefined);
  const out: { rekeyAt?: number; expiresAt?: number } = {};
  if (soft !== undefined && soft > 0) out.rekeyAt = now + Math.floor(soft * 1000 * (1 - 0.1 * jitter(ctx)));
  if (lifetime !== undefined && lifetime > 0) out.expiresAt = now + lifetime * 1000;
  return out;
}

/** strongSwan's default interval between NAT keepalives, in seconds. */
export const NAT_KEEPALIVE_DEFAULT = 20;

export function scheduleDpd(sa: IkeSa, now: number): void {
  const d = sa.config.ike.dpdDelay;
  sa.dpdAt = d && d > 0 ? now + d * 1000 : undefined;
  // RFC 3948 section 4: only the side behind the NAT keeps its mapping open.
  const k = sa.config.ike.natKeepalive ?? NAT_KEEPALIVE_DEFAULT;
  sa.keepaliveAt = sa.nat.local && k > 0 ? now + k * 1000 : undefined;
}

export function ikeAlgorithms(sa: IkeSa): string {
  return sa.chosen ? describeProposal(sa.chosen) : '';
}

const NO_NONCE = new Uint8Array(0);

/** Ni and Nr have served SKEYSEED, AUTH and the first Child SA's KEYMAT (RFC 7296 sections 2.14, 2.15, 2.17). */
export function dropNonces(sa: IkeSa): void {
  sa.ni = NO_NONCE;
  sa.nr = NO_NONCE;
}

export function establishIkeSa(sa: IkeSa, ctx: SessionContext, now: number, remoteId: string): void {
  sa.remoteId = remoteId;
  // Both AUTH payloads are computed and checked by now: the signed IKE_SA_INIT messages (RFC 7296
  // section 2.15) are not needed again.
  sa.initRequest = undefined;
  sa.initResponse = undefined;
  sa.establishedAt = now;
  sa.lastHeard = now;
  const t = lifetimes(ctx, now, sa.config.ike.lifetime, sa.config.ike.rekeyTime);
  sa.rekeyAt = t.rekeyAt;
  sa.expiresAt = t.expiresAt;
  scheduleDpd(sa, now);
  sa.setState(ctx, 'ESTABLISHED');
  ctx.established(sa);
  ctx.emit({
    event: 'ike-sa-up',
    ikeSaId: sa.id,
    spiI: toHex(sa.spiI),
    spiR: toHex(sa.spiR),
    initiator: sa.initiator,
    local: { ...sa.local },
    remote: { ...sa.remote },
    localId: sa.localId,
    remoteId,
    algorithms: ikeAlgorithms(sa),
    natDetected: { ...sa.nat },
  });
  if (sa.chosen) warnIfWeak(ctx, sa.chosen, sa.config.ike.allowWeak, sa.id);
}

/** The weak transforms of a negotiated proposal reported as a warning, since only allowWeak lets them through. */
function warnIfWeak(ctx: SessionContext, proposal: Proposal, allowWeak: boolean | undefined, ikeSaId: string, childSaId?: string): void {
  if (!allowWeak) return;
  const reasons = proposal.transforms.map((t) => weakReason(t.transformType, t.transformId)).filter((r): r is string => r !== undefined);
  if (reasons.length === 0) return;
  const what = childSaId === undefined ? `IKE SA ${ikeSaId}` : `CHILD SA ${childSaId}`;
  ctx.emit({ event: 'warning', ikeSaId, ...(childSaId !== undefined ? { childSaId } : {}), message: `${what} uses weak algorithms (allowWeak): ${reasons.join('; ')}` });
}

/** Zeroes a key exchange's private value once the shared secret is computed, when it is bytes (issue 6 hygiene). */
export function wipeKeSecret(state: KeyExchangeState | undefined): void {
  if (state?.secret instanceof Uint8Array) wipe(state.secret);
}

/** Zeroes a Child SA's KEYMAT once it is deleted (issue 6 hygiene: where the runtime allows). */
export function wipeChildKeys(child: ChildSa): void {
  for (const d of [child.keys.initiatorToResponder, child.keys.responderToInitiator]) {
    wipe(d.encr);
    wipe(d.integ);
  }
}

export interface ChildParams {
  spiIn: Uint8Array;
  spiOut: Uint8Array;
  proposal: Proposal;
  algorithms: NegotiatedAlgorithms;
  mode: 'tunnel' | 'transport';
  localTs: TrafficSelector[];
  remoteTs: TrafficSelector[];
  keys: ChildSaKeys;
  createdByUs: boolean;
  pfsGroup?: number;
  virtualIps?: string[];
  rekeyOf?: string;
}

export function installChild(sa: IkeSa, ctx: SessionContext, p: ChildParams, now: number): ChildSa {
  const t = lifetimes(ctx, now, sa.config.child.lifetime, sa.config.child.rekeyTime);
  const child: ChildSa = {
    id: ctx.newChildSaId(),
    ikeSaId: sa.id,
    state: 'INSTALLED',
    spiIn: p.spiIn,
    spiOut: p.spiOut.slice(),
    // Copies that do not keep the received message alive; suites and selectors shared between SAs.
    proposal: retainedProposal(p.proposal),
    algorithms: p.algorithms,
    mode: p.mode,
    localTs: sharedSelectors(p.localTs),
    remoteTs: sharedSelectors(p.remoteTs),
    keys: p.keys,
    createdByUs: p.createdByUs,
    pfsGroup: p.pfsGroup,
    establishedAt: now,
    rekeyAt: t.rekeyAt,
    expiresAt: t.expiresAt,
    virtualIps: p.virtualIps,
  };
  sa.children.set(child.id, child);
  ctx.emit({
    event: 'child-sa-up',
    ikeSaId: sa.id,
    childSaId: child.id,
    spiIn: toHex(child.spiIn),
    spiOut: toHex(child.spiOut),
    localTs: tsTexts(child.localTs),
    remoteTs: tsTexts(child.remoteTs),
    mode: child.mode,
    algorithms: describeProposal(child.proposal),
    ...(p.virtualIps ? { virtualIps: p.virtualIps } : {}),
    ...(p.rekeyOf ? { rekeyOf: p.rekeyOf } : {}),
  });
  if (ctx.keylog) {
    const a = child.algorithms;
    const itor = child.keys.initiatorToResponder;
    const rtoi = child.keys.responderToInitiator;
    ctx.emit({
      event: 'keys',
      kind: 'child',
      ikeSaId: sa.id,
      childSaId: child.id,
      protocol: 'esp',
      // The initiator-to-responder SA is the responder's inbound one (its SPI).
      spiItoR: toHex(p.createdByUs ? child.spiOut : child.spiIn),
      spiRtoI: toHex(p.createdByUs ? child.spiIn : child.spiOut),
      encr: `${EncrId.label(a.encr.id)}${a.encr.keyBits ? `/${a.encr.keyBits}` : ''}`,
      integ: a.integ !== undefined ? IntegId.label(a.integ) : 'NONE',
      encrKeyItoR: toHex(itor.encr),
      integKeyItoR: toHex(itor.integ),
      encrKeyRtoI: toHex(rtoi.encr),
      integKeyRtoI: toHex(rtoi.integ),
    });
  }
  warnIfWeak(ctx, child.proposal, sa.config.ike.allowWeak, sa.id, child.id);
  return child;
}

export function groupName(id: number | undefined): string | undefined {
  return id === undefined ? undefined : KeId.label(id);
}
