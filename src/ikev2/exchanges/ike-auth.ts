/**
 * IKE_AUTH with a pre-shared key (RFC 7296 sections 1.2 and 2.15), carrying the first Child SA.
 * AUTH = prf(prf(PSK, "Key Pad for IKEv2"), RealMessage | NonceData of the peer | prf(SK_p, IDx')).
 */
import { IkeError, isIkeError } from '../../errors.js';
import { bytesToIp, ipToBytes } from '../../payloads/address.js';
import { AuthMethod, CfgAttributeType, CfgType, ExchangeType, NotifyType, PayloadType, ProtocolId } from '../../payloads/iana/ikev2.js';
import type { IkeV2Header } from '../../payloads/ikev2/header.js';
import type { IdPayload, PayloadV2 } from '../../payloads/ikev2/types.js';
import { authOctets, pskAuth, verifyPskAuth } from '../../keys/ikev2.js';
import { acceptChildResponse, childKeys, childRequestPayloads, childResponsePayloads, chooseChild, newEspSpi, offerWithSpi, type ChildRequestPlan } from '../child-sa.js';
import type { SessionContext } from '../context.js';
import type { IkeSa, Task } from '../ike-sa.js';
import { dropNonces, establishIkeSa, installChild } from '../lifecycle.js';
import { errorNotify, find, findNotify, idPayload, idText, notify, notifyName, required, restOfIdPayload, sameId } from '../payloads.js';
import { parseProposals, parseTrafficSelector, pskBytes, type IkeConfig } from '../policy.js';
import type { Datagram } from '../types.js';


export function childPlan(sa: IkeSa, ctx: SessionContext, withKe: boolean, pfsGroup?: number): ChildRequestPlan {
  const c = sa.config.child;
  const proposals = parseProposals(c.proposals, 'esp', { allowWeak: sa.config.ike.allowWeak, pfsGroup: withKe ? pfsGroup : undefined, esn: c.esn });
  const spi = newEspSpi(ctx.random);
  return {
    spi,
    offered: offerWithSpi(proposals, spi, !withKe),
    tsi: c.localTs.map(parseTrafficSelector),
    tsr: c.remoteTs.map(parseTrafficSelector),
    mode: c.mode ?? 'tunnel',
  };
}

function authFor(sa: IkeSa, ourId: IdPayload, realMessage: Uint8Array, peerNonce: Uint8Array, SK_p: Uint8Array): Uint8Array {
  const prf = sa.crypto!.prf;
  return pskAuth(prf, pskBytes(sa.config.psk), authOctets(prf, realMessage, peerNonce, SK_p, restOfIdPayload(ourId)));
}

/** RFC 7296 section 3.15: ask for an IPv4 address and DNS server. */
function cfgRequest(): PayloadV2 {
  return {
    type: PayloadType.CP,
    cfgType: CfgType.CFG_REQUEST,
    attributes: [
      { type: CfgAttributeType.INTERNAL_IP4_ADDRESS, value: new Uint8Array(0) },
      { type: CfgAttributeType.INTERNAL_IP4_DNS, value: new Uint8Array(0) },
    ],
  };
}

function virtualIps(payloads: PayloadV2[]): string[] | undefined {
  const cp = find(payloads, PayloadType.CP);
  if (!cp || cp.cfgType !== CfgType.CFG_REPLY) return undefined;
  return cp.attributes.filter((a) => a.type === CfgAttributeType.INTERNAL_IP4_ADDRESS && a.value.length === 4).map((a) => bytesToIp(a.value));
}

/** The initiator sends IDi, [IDr], AUTH, INITIAL_CONTACT, [CP], SA, TSi, TSr. */
export function startIkeAuth(sa: IkeSa, ctx: SessionContext, now: number): void {
  const k = sa.crypto!.keys;
  const idi = idPayload(PayloadType.IDi, sa.config.local.id);
  const plan = childPlan(sa, ctx, false);
  sa.authChild = plan;
  const payloads: PayloadV2[] = [idi];
  if (sa.config.remote.id) payloads.push(idPayload(PayloadType.IDr, sa.config.remote.id));
  payloads.push({ type: PayloadType.AUTH, method: AuthMethod.SHARED_KEY_MIC, authData: authFor(sa, idi, sa.initRequest!, sa.nr, k.SK_pi) });
  // RFC 7296 section 2.4: INITIAL_CONTACT says we hold no other SA with this peer, so the peer
  // may drop any it still has; only true when no other SA of ours runs with the same config.
  let others = false;
  for (const o of ctx.establishedWith(sa.config)) {
    if (o !== sa && o.config === sa.config && o.state !== 'CLOSED') {
      others = true;
      break;
    }
  }
  if (!others) payloads.push(notify(NotifyType.INITIAL_CONTACT));
  if (sa.config.child.requestVirtualIp) payloads.push(cfgRequest());
  payloads.push(...childRequestPayloads(plan));
  sa.setState(ctx, 'AUTH_SENT');
  sa.sendRequest(ctx, ExchangeType.IKE_AUTH, payloads, now, ikeAuthTask);
}

const CHILD_ERRORS = new Set<number>([
  NotifyType.NO_PROPOSAL_CHOSEN,
  NotifyType.TS_UNACCEPTABLE,
  NotifyType.SINGLE_PAIR_REQUIRED,
  NotifyType.INTERNAL_ADDRESS_FAILURE,
  NotifyType.FAILED_CP_REQUIRED,
  NotifyType.INVALID_SELECTORS,
]);

const ikeAuthTask: Task = {
  name: 'IKE_AUTH',
  exchangeType: ExchangeType.IKE_AUTH,
  build: () => undefined,
  process(sa, ctx, payloads, now) {
    const error = errorNotify(payloads);
    const authP = find(payloads, PayloadType.AUTH);
    if (!authP || (error && !CHILD_ERRORS.has(error.notifyType))) {
      const n = error ? notifyName(error.notifyType) : 'no AUTH payload';
      ctx.emit({ event: 'error', ikeSaId: sa.id, notify: error ? n : undefined, message: `IKE_AUTH failed: ${n}` });
      sa.close(ctx, `IKE_AUTH failed: ${n}`);
      return;
    }
    const idr = required(payloads, PayloadType.IDr, 'IKE_AUTH response');
    const remoteId = idText(idr);
    const k = sa.crypto!.keys;
    const prf = sa.crypto!.prf;
    const idOk = !sa.config.remote.id || sameId(sa.config.remote.id, remoteId);
    const authOk =
      authP.method === AuthMethod.SHARED_KEY_MIC &&
      verifyPskAuth(prf, pskBytes(sa.config.psk), authOctets(prf, sa.initResponse!, sa.ni, k.SK_pr, restOfIdPayload(idr)), authP.authData);
    if (!idOk || !authOk) {
      const why = !idOk ? `the responder is ${remoteId}, expected ${sa.config.remote.id}` : 'the responder AUTH does not verify';
      ctx.emit({ event: 'error', ikeSaId: sa.id, notify: 'AUTHENTICATION_FAILED', message: `IKE_AUTH: ${why}` });
      // RFC 7296 section 2.21.2: the initiator tells the peer in a separate INFORMATIONAL and deletes the SA.
      sa.sendRequest(ctx, ExchangeType.INFORMATIONAL, [notify(NotifyType.AUTHENTICATION_FAILED), { type: PayloadType.D, protocolId: ProtocolId.IKE, spiSize: 0, spis: [] }], now);
      sa.close(ctx, 'AUTHENTICATION_FAILED');
      return;
    }
    establishIkeSa(sa, ctx, now, remoteId);
    const plan = sa.authChild!;
    sa.authChild = undefined;
    const { ni, nr } = sa;
    dropNonces(sa);
    if (error) {
      ctx.emit({ event: 'error', ikeSaId: sa.id, notify: notifyName(error.notifyType), message: `the first Child SA was refused: ${notifyName(error.notifyType)}` });
      return;
    }
    try {
      const got = acceptChildResponse(payloads, plan);
      installChild(
        sa,
        ctx,
        {
          spiIn: plan.spi,
          spiOut: got.peerSpi,
          proposal: got.chosen,
          algorithms: got.algorithms,
          mode: got.mode,
          localTs: got.tsi,
          remoteTs: got.tsr,
          keys: childKeys(prf, k.SK_d, ni, nr, got.algorithms),
          createdByUs: true,
          virtualIps: virtualIps(payloads),
        },
        now,
      );
    } catch (e) {
      ctx.emit({ event: 'error', ikeSaId: sa.id, notify: isIkeError(e) ? e.kind : undefined, message: `the first Child SA failed: ${(e as Error).message}` });
    }
  },
};

/**
 * RFC 7296 section 2.15 / 4: pick the configuration for the peer's identity; a configured remote
 * ID must match IDi, and an IDr (if sent) must be our ID.
 */
function configFor(sa: IkeSa, ctx: SessionContext, remoteId: string, idr?: IdPayload): IkeConfig | undefined {
  const fits = (c: IkeConfig) => (!c.remote.id || sameId(c.remote.id, remoteId)) && (!idr || sameId(c.local.id, idText(idr)));
  if (fits(sa.config)) return sa.config;
  return ctx.configs.find((c) => fits(c) && c.local.port === sa.config.local.port);
}

/** The responder's IKE_AUTH: check AUTH, answer with IDr, AUTH and the first Child SA. */
export function respondIkeAuth(sa: IkeSa, ctx: SessionContext, h: IkeV2Header, payloads: PayloadV2[], dgram: Datagram, now: number): void {
  const reply = (p: PayloadV2[]) => sa.sendResponse(ctx, ExchangeType.IKE_AUTH, h.messageId, p, dgram);
  if (sa.state !== 'INIT_DONE') {
    reply([notify(NotifyType.INVALID_SYNTAX)]);
    return;
  }
  const idi = find(payloads, PayloadType.IDi);
  const authP = find(payloads, PayloadType.AUTH);
  if (!idi || !authP) {
    // No AUTH: EAP and other methods are not configured here.
    reply([notify(NotifyType.AUTHENTICATION_FAILED)]);
    ctx.emit({ event: 'error', ikeSaId: sa.id, notify: 'AUTHENTICATION_FAILED', message: 'IKE_AUTH request without IDi or AUTH' });
    sa.close(ctx, 'AUTHENTICATION_FAILED');
    return;
  }
  const remoteId = idText(idi);
  const config = configFor(sa, ctx, remoteId, find(payloads, PayloadType.IDr));
  const k = sa.crypto!.keys;
  const prf = sa.crypto!.prf;
  const ok =
    config !== undefined &&
    authP.method === AuthMethod.SHARED_KEY_MIC &&
    verifyPskAuth(prf, pskBytes(config.psk), authOctets(prf, sa.initRequest!, sa.nr, k.SK_pi, restOfIdPayload(idi)), authP.authData);
  if (!ok) {
    // RFC 7296 section 2.21.2: AUTHENTICATION_FAILED in the response, then the SA is gone.
    reply([notify(NotifyType.AUTHENTICATION_FAILED)]);
    ctx.emit({ event: 'error', ikeSaId: sa.id, notify: 'AUTHENTICATION_FAILED', message: config ? `AUTH from ${remoteId} does not verify` : `no configuration for ${remoteId}` });
    sa.close(ctx, 'AUTHENTICATION_FAILED');
    return;
  }
  sa.config = config;
  sa.localId = config.local.id;
  const idr = idPayload(PayloadType.IDr, config.local.id);
  const out: PayloadV2[] = [idr, { type: PayloadType.AUTH, method: AuthMethod.SHARED_KEY_MIC, authData: authFor(sa, idr, sa.initResponse!, sa.ni, k.SK_pr) }];
  let child: Parameters<typeof installChild>[2] | undefined;
  // RFC 7296 section 2.19: a CFG_REQUEST for an address gets one from the pool, and the
  // initiator's selectors are narrowed to it.
  const cp = find(payloads, PayloadType.CP);
  const wantsAddress = cp?.cfgType === CfgType.CFG_REQUEST && cp.attributes.some((a) => a.type === CfgAttributeType.INTERNAL_IP4_ADDRESS);
  const lease = wantsAddress ? ctx.leaseAddress?.(sa.id) : undefined;
  if (lease) {
    out.push({
      type: PayloadType.CP,
      cfgType: CfgType.CFG_REPLY,
      attributes: [
        { type: CfgAttributeType.INTERNAL_IP4_ADDRESS, value: ipToBytes(lease.address) },
        ...lease.dns.map((d) => ({ type: CfgAttributeType.INTERNAL_IP4_DNS, value: ipToBytes(d) })),
      ],
    });
  }
  if (find(payloads, PayloadType.SA)) {
    try {
      const c = config.child;
      const configured = parseProposals(c.proposals, 'esp', { allowWeak: config.ike.allowWeak, esn: c.esn });
      const peerTs = lease ? [parseTrafficSelector(`${lease.address}/32`)] : c.remoteTs.map(parseTrafficSelector);
      const choice = chooseChild(payloads, offerWithSpi(configured, new Uint8Array(0), true), c.localTs.map(parseTrafficSelector), peerTs, c.mode ?? 'tunnel', true);
      const spi = newEspSpi(ctx.random);
      out.push(...childResponsePayloads(choice, spi));
      child = {
        spiIn: spi,
        spiOut: choice.chosen.spi,
        proposal: { ...choice.chosen, spi },
        algorithms: choice.algorithms,
        mode: choice.mode,
        localTs: choice.tsr,
        remoteTs: choice.tsi,
        keys: childKeys(prf, k.SK_d, sa.ni, sa.nr, choice.algorithms),
        createdByUs: false,
      };
    } catch (e) {
      const err = isIkeError(e) ? e : new IkeError('INTERNAL_ERROR', String(e));
      // RFC 7296 section 1.2: the IKE SA comes up even when its first Child SA cannot.
      out.push(notify(err.ikev2Notify ?? NotifyType.NO_PROPOSAL_CHOSEN));
      ctx.emit({ event: 'error', ikeSaId: sa.id, notify: err.kind, message: `the first Child SA was refused: ${err.message}` });
    }
  }
  reply(out);
  establishIkeSa(sa, ctx, now, remoteId);
  if (child) installChild(sa, ctx, child, now);
  if (findNotify(payloads, NotifyType.INITIAL_CONTACT)) {
    // RFC 7296 section 2.4: the peer has no other SAs with us any more; ours with that identity go.
    for (const other of [...ctx.establishedAs(remoteId)]) {
      if (other !== sa && other.remoteId !== undefined && sameId(other.remoteId, remoteId) && other.localId === sa.localId && other.state !== 'CLOSED') {
        other.close(ctx, 'replaced after INITIAL_CONTACT');
      }
    }
  }
  dropNonces(sa);
}
