/**
 * CREATE_CHILD_SA for Child SAs (RFC 7296 sections 1.3.1 and 1.3.3): a new Child SA, with or
 * without a KE for perfect forward secrecy, or the rekey of one (REKEY_SA), after which the
 * initiator deletes the old one (section 2.8). An SA payload for IKE hands over to ike-rekey.
 */
import { IkeError, isIkeError } from '../../errors.js';
import type { KeyExchangeState } from '../../crypto/provider.js';
import { ExchangeType, KeId, NotifyType, PayloadType, ProtocolId, TransformType } from '../../payloads/iana/ikev2.js';
import type { IkeV2Header } from '../../payloads/ikev2/header.js';
import type { PayloadV2 } from '../../payloads/ikev2/types.js';
import { bytesEqual, wipe } from '../../util/bytes.js';
import { acceptChildResponse, childKeys, childResponsePayloads, childRequestPayloads, chooseChild, newEspSpi, offerWithSpi } from '../child-sa.js';
import type { SessionContext } from '../context.js';
import type { IkeSa, Task } from '../ike-sa.js';
import { installChild, wipeKeSecret } from '../lifecycle.js';
import { compareNonces, errorNotify, find, findNotify, lowerNonce, notify, notifyName, readU16, required, u16 } from '../payloads.js';
import { parseProposal, parseProposals, parseTrafficSelector } from '../policy.js';
import type { Datagram } from '../types.js';
import { childPlan } from './ike-auth.js';
import { deleteChildTask, removeChild } from './informational.js';
import { respondRekeyIke } from './ike-rekey.js';

const NONCE_LENGTH = 32;

/** The configured PFS group ("modp2048", "x25519"), or undefined for none. */
export function pfsGroupOf(sa: IkeSa): number | undefined {
  const pfs = sa.config.child.pfs;
  if (!pfs) return undefined;
  // The proposal parser knows the group names; a dummy cipher gives it a full proposal.
  const p = parseProposal(`aes128-sha256-${pfs}`, 'esp', { allowWeak: sa.config.ike.allowWeak });
  return p.transforms.find((t) => t.transformType === TransformType.KE)?.transformId;
}

export function newKeyExchange(ctx: SessionContext, group: number): KeyExchangeState {
  const kex = ctx.provider.keyExchange(group);
  if (!kex) throw new IkeError('UNSUPPORTED_ALGORITHM', `${KeId.label(group)} is not available from the ${ctx.provider.name} provider`);
  return kex.initiate(ctx.random);
}

/** A CREATE_CHILD_SA request for a new Child SA, or to rekey `rekeyOf`. */
export function createChildTask(opts: { rekeyOf?: string; group?: number } = {}): Task {
  let plan: ReturnType<typeof childPlan> | undefined;
  let ni: Uint8Array | undefined;
  let ke: KeyExchangeState | undefined;
  let group: number | undefined;
  const task: Task = {
    name: opts.rekeyOf ? `rekey CHILD_SA ${opts.rekeyOf}` : 'create CHILD_SA',
    exchangeType: ExchangeType.CREATE_CHILD_SA,
    build(sa, ctx) {
      if (sa.state !== 'ESTABLISHED') return undefined;
      const old = opts.rekeyOf !== undefined ? sa.children.get(opts.rekeyOf) : undefined;
      if (opts.rekeyOf !== undefined && (!old || old.state !== 'INSTALLED')) return undefined;
      group = opts.group ?? pfsGroupOf(sa);
      plan = childPlan(sa, ctx, group !== undefined, group);
      if (group !== undefined && opts.group !== undefined) {
        // After INVALID_KE_PAYLOAD: the group the responder asked for, first in every proposal.
        for (const p of plan.offered) {
          p.transforms = p.transforms.filter((t) => t.transformType !== TransformType.KE || t.transformId !== group);
          p.transforms.push({ transformType: TransformType.KE, transformId: group, attributes: [] });
        }
      }
      ni = ctx.random(NONCE_LENGTH);
      ke = group !== undefined ? newKeyExchange(ctx, group) : undefined;
      if (old) old.state = 'REKEYING';
      const [saP, ...rest] = childRequestPayloads(plan);
      const payloads: PayloadV2[] = [];
      // RFC 7296 section 1.3.3: REKEY_SA names the SA by the SPI we receive on.
      if (old) payloads.push(notify(NotifyType.REKEY_SA, new Uint8Array(0), ProtocolId.ESP, old.spiIn));
      payloads.push(saP, { type: PayloadType.NONCE, nonce: ni });
      if (ke) payloads.push({ type: PayloadType.KE, group: group!, keyExchangeData: ke.publicValue });
      payloads.push(...rest);
      return payloads;
    },
    process(exchangeSa, ctx, payloads, now) {
      // The IKE SA may have been rekeyed while this exchange ran: its keys made the Child SA, its
      // successor holds the Child SAs now (RFC 7296 section 2.18).
      const sa = exchangeSa.current();
      const old = opts.rekeyOf !== undefined ? sa.children.get(opts.rekeyOf) : undefined;
      const restore = () => {
        if (old && old.state === 'REKEYING') old.state = 'INSTALLED';
      };
      const error = errorNotify(payloads);
      if (error) {
        restore();
        const wanted = error.notifyType === NotifyType.INVALID_KE_PAYLOAD ? readU16(error.data) : undefined;
        if (wanted !== undefined && wanted !== group && opts.group === undefined) {
          sa.enqueue(ctx, createChildTask({ ...opts, group: wanted }), now, true);
          return;
        }
        ctx.emit({ event: 'error', ikeSaId: sa.id, notify: notifyName(error.notifyType), message: `${task.name}: the peer answered ${notifyName(error.notifyType)}` });
        if (old && error.notifyType === NotifyType.TEMPORARY_FAILURE) {
          // RFC 7296 section 2.25: the peer is busy (rekeying or deleting); try again shortly.
          old.rekeyAt = now + 2_000 + Math.floor(3_000 * (ctx.random(1)[0] / 256));
        } else if (old && error.notifyType === NotifyType.CHILD_SA_NOT_FOUND) {
          // RFC 7296 section 2.25: the peer no longer has it, so neither do we.
          removeChild(sa, ctx, old, 'not found at the peer');
        }
        return;
      }
      try {
        const got = acceptChildResponse(payloads, plan!);
        const nr = required(payloads, PayloadType.NONCE, 'CREATE_CHILD_SA response').nonce;
        let gir: Uint8Array | undefined;
        if (ke) {
          const keP = required(payloads, PayloadType.KE, 'CREATE_CHILD_SA response');
          if (keP.group !== group || got.algorithms.ke !== group) throw new IkeError('INVALID_KE_PAYLOAD', `the responder used ${KeId.label(keP.group)}`);
          gir = ctx.provider.keyExchange(group!)!.complete(ke, keP.keyExchangeData);
          wipeKeSecret(ke);
        }
        const c = exchangeSa.crypto!;
        const child = installChild(
          sa,
          ctx,
          {
            spiIn: plan!.spi,
            spiOut: got.peerSpi,
            proposal: got.chosen,
            algorithms: got.algorithms,
            mode: got.mode,
            localTs: got.tsi,
            remoteTs: got.tsr,
            keys: childKeys(c.prf, c.keys.SK_d, ni!, nr, got.algorithms, gir),
            createdByUs: true,
            pfsGroup: group,
            rekeyOf: old?.id,
          },
          now,
        );
        wipe(gir);
        if (old) {
          const collision = old.peerRekey;
          old.state = 'REKEYED';
          if (collision && compareNonces(lowerNonce(ni!, nr), collision.low) < 0) {
            // RFC 7296 section 2.8.1: both sides rekeyed; the SA from the exchange with the lowest
            // of the four nonces is redundant and its creator (us) closes it. The peer deletes the old one.
            if (ctx.trace) ctx.emit({ event: 'trace', text: `${sa.name} CHILD_SA ${old.id} rekey collision lost: deleting ${child.id}` });
            sa.enqueue(ctx, deleteChildTask(child.id, 'rekey collision'), now, true);
            return;
          }
          ctx.emit({ event: 'child-sa-rekeyed', ikeSaId: sa.id, childSaId: old.id, newChildSaId: child.id });
          // RFC 7296 section 2.8: the initiator of the rekey deletes the old SA.
          sa.enqueue(ctx, deleteChildTask(old.id, 'rekeyed'), now, true);
        }
      } catch (e) {
        restore();
        ctx.emit({ event: 'error', ikeSaId: sa.id, notify: isIkeError(e) ? e.kind : undefined, message: `${task.name}: ${(e as Error).message}` });
      }
    },
    abandon(sa, ctx) {
      sa.close(ctx, 'peer not responding');
    },
  };
  return task;
}

/** The responder's CREATE_CHILD_SA: a new or rekeyed Child SA, or (SA for IKE) the IKE SA rekey. */
export function respondCreateChild(sa: IkeSa, ctx: SessionContext, h: IkeV2Header, payloads: PayloadV2[], dgram: Datagram, now: number): void {
  const reply = (p: PayloadV2[]) => sa.sendResponse(ctx, ExchangeType.CREATE_CHILD_SA, h.messageId, p, dgram);
  const saP = find(payloads, PayloadType.SA);
  if (saP && saP.proposals.length && saP.proposals.every((p) => p.protocolId === ProtocolId.IKE)) {
    respondRekeyIke(sa, ctx, h, payloads, dgram, now);
    return;
  }
  try {
    // RFC 7296 section 2.25: while the IKE SA is being rekeyed or deleted, new Child SAs wait.
    if (sa.state !== 'ESTABLISHED') throw new IkeError('INVALID_SYNTAX', 'TEMPORARY_FAILURE');
    const rekey = findNotify(payloads, NotifyType.REKEY_SA);
    // RFC 7296 section 3.10.1: REKEY_SA names a Child SA by its Protocol ID (ESP or AH) and SPI.
    const childProtocol = rekey !== undefined && (rekey.protocolId === ProtocolId.ESP || rekey.protocolId === ProtocolId.AH);
    const old = rekey && childProtocol ? [...sa.children.values()].find((c) => bytesEqual(c.spiOut, rekey.spi)) : undefined;
    if (rekey && (!old || old.state === 'DELETING' || old.state === 'REKEYED')) {
      reply([notify(NotifyType.CHILD_SA_NOT_FOUND)]);
      return;
    }
    const ni = required(payloads, PayloadType.NONCE, 'CREATE_CHILD_SA request').nonce;
    const c = sa.config.child;
    const pfs = pfsGroupOf(sa);
    const configured = offerWithSpi(parseProposals(c.proposals, 'esp', { allowWeak: sa.config.ike.allowWeak, pfsGroup: pfs, esn: c.esn }), new Uint8Array(0), false);
    const choice = chooseChild(payloads, configured, c.localTs.map(parseTrafficSelector), c.remoteTs.map(parseTrafficSelector), c.mode ?? 'tunnel');
    let gir: Uint8Array | undefined;
    let kePayload: PayloadV2 | undefined;
    const group = choice.algorithms.ke;
    if (group !== undefined) {
      const keP = find(payloads, PayloadType.KE);
      // RFC 7296 section 1.3: a KE for another group than the chosen one gets INVALID_KE_PAYLOAD.
      if (!keP || keP.group !== group) {
        reply([notify(NotifyType.INVALID_KE_PAYLOAD, u16(group))]);
        return;
      }
      const kex = ctx.provider.keyExchange(group);
      if (!kex) throw new IkeError('NO_PROPOSAL_CHOSEN', `${KeId.label(group)} is not available`);
      const r = kex.respond(keP.keyExchangeData, ctx.random);
      gir = r.sharedSecret;
      kePayload = { type: PayloadType.KE, group, keyExchangeData: r.publicValue };
    }
    const nr = ctx.random(NONCE_LENGTH);
    const spi = newEspSpi(ctx.random);
    const [saOut, ...rest] = childResponsePayloads(choice, spi);
    reply([saOut, { type: PayloadType.NONCE, nonce: nr }, ...(kePayload ? [kePayload] : []), ...rest]);
    const k = sa.crypto!;
    const child = installChild(
      sa,
      ctx,
      {
        spiIn: spi,
        spiOut: choice.chosen.spi,
        proposal: { ...choice.chosen, spi },
        algorithms: choice.algorithms,
        mode: choice.mode,
        localTs: choice.tsr,
        remoteTs: choice.tsi,
        keys: childKeys(k.prf, k.keys.SK_d, ni, nr, choice.algorithms, gir),
        createdByUs: false,
        pfsGroup: group,
        rekeyOf: old?.id,
      },
      now,
    );
    wipe(gir);
    if (old) {
      if (old.state === 'REKEYING') {
        // Our own rekey of this SA is in flight: decide when it completes (RFC 7296 section 2.8.1).
        old.peerRekey = { low: lowerNonce(ni, nr), newChildId: child.id };
      } else {
        // The initiator deletes the old SA (RFC 7296 section 2.8); keep it until then.
        old.state = 'REKEYED';
      }
      ctx.emit({ event: 'child-sa-rekeyed', ikeSaId: sa.id, childSaId: old.id, newChildSaId: child.id });
    }
  } catch (e) {
    const err = isIkeError(e) ? e : new IkeError('INTERNAL_ERROR', String(e));
    const n = err.reason === 'TEMPORARY_FAILURE' ? NotifyType.TEMPORARY_FAILURE : err.ikev2Notify ?? NotifyType.NO_PROPOSAL_CHOSEN;
    reply([notify(n)]);
    ctx.emit({ event: 'error', ikeSaId: sa.id, notify: notifyName(n), message: `CREATE_CHILD_SA refused: ${err.message}` });
  }
}
