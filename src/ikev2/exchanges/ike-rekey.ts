/**
 * Rekeying the IKE SA with CREATE_CHILD_SA (RFC 7296 sections 1.3.2 and 2.18): new SPIs, nonces
 * and KE; SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr); the Child SAs move to the new IKE SA
 * and the rekey's initiator deletes the old one.
 */
import { IkeError, isIkeError } from '../../errors.js';
import type { KeyExchangeState } from '../../crypto/provider.js';
import { ExchangeType, KeId, NotifyType, PayloadType, ProtocolId, TransformType } from '../../payloads/iana/ikev2.js';
import type { IkeV2Header } from '../../payloads/ikev2/header.js';
import type { PayloadV2, Proposal } from '../../payloads/ikev2/types.js';
import { rekeySkeyseed } from '../../keys/ikev2.js';
import { toHex, wipe } from '../../util/bytes.js';
import type { SessionContext } from '../context.js';
import { IkeSa, type Task } from '../ike-sa.js';
import { lifetimes, scheduleDpd, wipeKeSecret } from '../lifecycle.js';
import { compareNonces, errorNotify, find, lowerNonce, notify, notifyName, readU16, required, u16 } from '../payloads.js';
import { acceptChosenProposal, negotiatedAlgorithms, selectProposal } from '../policy.js';
import { ikeTransforms } from '../protection.js';
import type { Datagram } from '../types.js';
import { deleteIkeTask } from './informational.js';
import { ikeProposals, installIkeKeys, randomSpi } from './ike-init.js';
import { newKeyExchange } from './create-child.js';

const NONCE_LENGTH = 32;

function currentGroup(sa: IkeSa): number | undefined {
  return sa.chosen?.transforms.find((t) => t.transformType === TransformType.KE)?.transformId;
}

/**
 * Makes the successor SA: keys from the old SK_d (with the OLD SA's PRF, section 2.18), then the
 * Child SAs, addresses and peer facts carry over.
 */
function makeSuccessor(
  old: IkeSa,
  ctx: SessionContext,
  weInitiated: boolean,
  spiI: Uint8Array,
  spiR: Uint8Array,
  ni: Uint8Array,
  nr: Uint8Array,
  chosen: Proposal,
  gir: Uint8Array,
  now: number,
): IkeSa {
  const next = new IkeSa(ctx.newIkeSaId(), old.config, weInitiated, old.local, old.remote, now, spiI);
  next.spiR = spiR;
  next.ni = ni;
  next.nr = nr;
  next.chosen = { ...chosen, spi: new Uint8Array(0) };
  installIkeKeys(next, ctx, negotiatedAlgorithms(chosen), rekeySkeyseed(old.crypto!.prf, old.crypto!.keys.SK_d, gir, ni, nr));
  next.nat = { ...old.nat };
  next.fragmentation = old.fragmentation;
  next.peerMarker = old.peerMarker;
  next.localId = old.localId;
  next.remoteId = old.remoteId;
  next.establishedAt = now;
  next.nextRequestId = 0;
  next.expectedRequestId = 0;
  const t = lifetimes(ctx, now, old.config.ike.lifetime, old.config.ike.rekeyTime);
  next.rekeyAt = t.rekeyAt;
  next.expiresAt = t.expiresAt;
  scheduleDpd(next, now);
  for (const [id, child] of old.children) {
    child.ikeSaId = next.id;
    next.children.set(id, child);
  }
  old.children.clear();
  // Exchanges still waiting on the old SA run on the new one.
  next.tasks = old.tasks.filter((t) => t.exchangeType !== ExchangeType.INFORMATIONAL || !t.name.startsWith('delete IKE'));
  old.tasks = [];
  next.state = 'ESTABLISHED';
  if (ctx.trace) ctx.emit({ event: 'trace', text: `${next.name} state: CREATED -> ESTABLISHED (rekey of ${old.name})` });
  old.successor = next;
  old.setState(ctx, 'REKEYED');
  ctx.index(next);
  ctx.established(next);
  ctx.emit({ event: 'ike-sa-rekeyed', ikeSaId: old.id, newIkeSaId: next.id, spiI: toHex(next.spiI), spiR: toHex(next.spiR) });
  next.startNext(ctx, now);
  return next;
}

export function rekeyIkeTask(opts: { group?: number } = {}): Task {
  let ni: Uint8Array | undefined;
  let spi: Uint8Array | undefined;
  let ke: KeyExchangeState | undefined;
  let group: number | undefined;
  let offered: Proposal[] = [];
  const task: Task = {
    name: 'rekey IKE_SA',
    exchangeType: ExchangeType.CREATE_CHILD_SA,
    build(sa, ctx) {
      if (sa.state !== 'ESTABLISHED') return undefined;
      spi = randomSpi(ctx);
      ni = ctx.random(NONCE_LENGTH);
      offered = ikeProposals(sa).map((p) => ({ ...p, spi: spi! }));
      const cur = currentGroup(sa);
      const offeredGroups = offered.flatMap((p) => p.transforms.filter((t) => t.transformType === TransformType.KE).map((t) => t.transformId));
      group = opts.group ?? (cur !== undefined && offeredGroups.includes(cur) ? cur : offeredGroups[0]);
      if (group === undefined) throw new IkeError('INVALID_ARGUMENT', 'no key exchange method to rekey the IKE SA with');
      ke = newKeyExchange(ctx, group);
      sa.rekeyNonce = ni;
      sa.setState(ctx, 'REKEYING');
      return [{ type: PayloadType.SA, proposals: offered }, { type: PayloadType.NONCE, nonce: ni }, { type: PayloadType.KE, group, keyExchangeData: ke.publicValue }];
    },
    process(sa, ctx, payloads, now) {
      const error = errorNotify(payloads);
      if (sa.state === 'REKEYING') sa.setState(ctx, 'ESTABLISHED');
      sa.rekeyNonce = undefined;
      if (error) {
        const wanted = error.notifyType === NotifyType.INVALID_KE_PAYLOAD ? readU16(error.data) : undefined;
        if (wanted !== undefined && wanted !== group && opts.group === undefined) {
          sa.enqueue(ctx, rekeyIkeTask({ group: wanted }), now, true);
          return;
        }
        ctx.emit({ event: 'error', ikeSaId: sa.id, notify: notifyName(error.notifyType), message: `rekey IKE_SA: the peer answered ${notifyName(error.notifyType)}` });
        // RFC 7296 section 2.25: TEMPORARY_FAILURE means try again a little later.
        sa.rekeyAt = now + 5_000;
        return;
      }
      try {
        const saP = required(payloads, PayloadType.SA, 'rekey IKE_SA response');
        if (saP.proposals.length !== 1) throw new IkeError('INVALID_SYNTAX', `${saP.proposals.length} proposals in the response`);
        const answer = saP.proposals[0];
        if (answer.protocolId !== ProtocolId.IKE || answer.spi.length !== 8) throw new IkeError('INVALID_SYNTAX', 'the response has no IKE proposal with an 8-byte SPI');
        acceptChosenProposal(offered, answer);
        const keP = required(payloads, PayloadType.KE, 'rekey IKE_SA response');
        if (keP.group !== group || negotiatedAlgorithms(answer).ke !== group) throw new IkeError('INVALID_KE_PAYLOAD', `the responder used ${KeId.label(keP.group)}`);
        const nr = required(payloads, PayloadType.NONCE, 'rekey IKE_SA response').nonce;
        const gir = ctx.provider.keyExchange(group!)!.complete(ke!, keP.keyExchangeData);
        wipeKeSecret(ke);
        const collision = sa.peerRekey;
        const next = makeSuccessor(sa, ctx, true, spi!, answer.spi, ni!, nr, answer, gir, now);
        wipe(gir);
        if (collision) {
          sa.peerRekey = undefined;
          if (compareNonces(lowerNonce(ni!, nr), collision.low) < 0) {
            // RFC 7296 section 2.8.2: the new SA from the exchange with the lowest nonce is
            // redundant; we made it, so we delete it, and the peer deletes the old one.
            if (ctx.trace) ctx.emit({ event: 'trace', text: `${sa.name} rekey collision lost: deleting ${next.name}` });
            next.enqueue(ctx, deleteIkeTask('rekey collision'), now, true);
            return;
          }
          // We won: the children live on our new SA; the peer deletes its redundant one.
          for (const [id, child] of collision.successor.children) {
            child.ikeSaId = next.id;
            next.children.set(id, child);
          }
          collision.successor.children.clear();
          if (ctx.trace) ctx.emit({ event: 'trace', text: `${sa.name} rekey collision won: keeping ${next.name}` });
        }
        // RFC 7296 section 2.18: the initiator of the rekey deletes the old IKE SA.
        sa.enqueue(ctx, deleteIkeTask('rekeyed'), now, true);
      } catch (e) {
        ctx.emit({ event: 'error', ikeSaId: sa.id, notify: isIkeError(e) ? e.kind : undefined, message: `rekey IKE_SA: ${(e as Error).message}` });
      }
    },
    abandon(sa, ctx) {
      sa.close(ctx, 'peer not responding');
    },
  };
  return task;
}

/** The responder's IKE SA rekey: choose, answer with our new SPI, Nr and KEr, and move the children. */
export function respondRekeyIke(sa: IkeSa, ctx: SessionContext, h: IkeV2Header, payloads: PayloadV2[], dgram: Datagram, now: number): void {
  const reply = (p: PayloadV2[]) => sa.sendResponse(ctx, ExchangeType.CREATE_CHILD_SA, h.messageId, p, dgram);
  if (sa.state !== 'ESTABLISHED' && sa.state !== 'REKEYING') {
    reply([notify(NotifyType.TEMPORARY_FAILURE)]);
    return;
  }
  try {
    const saP = required(payloads, PayloadType.SA, 'rekey IKE_SA request');
    const ni = required(payloads, PayloadType.NONCE, 'rekey IKE_SA request').nonce;
    const keOffered = find(payloads, PayloadType.KE);
    const pick = selectProposal(saP.proposals, ikeProposals(sa), 'ike', keOffered ? { preferKe: keOffered.group } : {});
    if (!pick) {
      reply([notify(NotifyType.NO_PROPOSAL_CHOSEN)]);
      return;
    }
    if (pick.chosen.spi.length !== 8) throw new IkeError('INVALID_SYNTAX', `IKE SPI of ${pick.chosen.spi.length} bytes`);
    const alg = negotiatedAlgorithms(pick.chosen);
    const keP = find(payloads, PayloadType.KE);
    if (alg.ke === undefined || !keP || keP.group !== alg.ke) {
      reply([notify(NotifyType.INVALID_KE_PAYLOAD, u16(alg.ke ?? 0))]);
      return;
    }
    ikeTransforms(ctx.provider, alg);
    const kex = ctx.provider.keyExchange(alg.ke);
    if (!kex) throw new IkeError('NO_PROPOSAL_CHOSEN', `${KeId.label(alg.ke)} is not available`);
    const r = kex.respond(keP.keyExchangeData, ctx.random);
    const spiR = randomSpi(ctx);
    const nr = ctx.random(NONCE_LENGTH);
    reply([
      { type: PayloadType.SA, proposals: [{ ...pick.chosen, spi: spiR }] },
      { type: PayloadType.NONCE, nonce: nr },
      { type: PayloadType.KE, group: alg.ke, keyExchangeData: r.publicValue },
    ]);
    const collided = sa.state === 'REKEYING';
    const next = makeSuccessor(sa, ctx, false, pick.chosen.spi, spiR, ni, nr, pick.chosen, r.sharedSecret, now);
    wipe(r.sharedSecret);
    if (collided) {
      // Our own rekey is in flight: its response decides which new SA stays (RFC 7296 section 2.8.2).
      sa.state = 'REKEYING';
      sa.peerRekey = { low: lowerNonce(ni, nr), successor: next };
    }
  } catch (e) {
    const err = isIkeError(e) ? e : new IkeError('INTERNAL_ERROR', String(e));
    reply([notify(err.ikev2Notify ?? NotifyType.NO_PROPOSAL_CHOSEN)]);
    ctx.emit({ event: 'error', ikeSaId: sa.id, notify: err.kind, message: `rekey IKE_SA refused: ${err.message}` });
  }
}
