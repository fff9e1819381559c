/**
 * INFORMATIONAL exchanges (RFC 7296 section 1.4): Delete of Child SAs (both directions' SPIs,
 * section 1.4.1) and of the IKE SA, the empty request that checks liveness (section 2.4), and
 * error notifies outside other exchanges.
 */
import { ExchangeType, PayloadType, ProtocolId } from '../../payloads/iana/ikev2.js';
import type { IkeV2Header } from '../../payloads/ikev2/header.js';
import type { DeletePayload, PayloadV2 } from '../../payloads/ikev2/types.js';
import { bytesEqual, toHex } from '../../util/bytes.js';
import type { ChildSa } from '../child-sa.js';
import type { SessionContext } from '../context.js';
import type { IkeSa, Task } from '../ike-sa.js';
import { findAll, notifyName } from '../payloads.js';
import { wipeChildKeys } from '../lifecycle.js';
import type { Datagram } from '../types.js';

function espDelete(spis: Uint8Array[]): DeletePayload {
  return { type: PayloadType.D, protocolId: ProtocolId.ESP, spiSize: 4, spis };
}

export function removeChild(sa: IkeSa, ctx: SessionContext, child: ChildSa, reason: string): void {
  if (!sa.children.delete(child.id)) return;
  child.state = 'DELETED';
  wipeChildKeys(child);
  ctx.emit({ event: 'child-sa-down', ikeSaId: sa.id, childSaId: child.id, spiIn: toHex(child.spiIn), spiOut: toHex(child.spiOut), reason });
}

/** Deletes one Child SA: our inbound SPI goes out, the peer answers with its own (RFC 7296 section 1.4.1). */
export function deleteChildTask(childSaId: string, reason = 'deleted'): Task {
  return {
    name: `delete CHILD_SA ${childSaId}`,
    exchangeType: ExchangeType.INFORMATIONAL,
    build(sa) {
      const child = sa.children.get(childSaId);
      if (!child || child.state === 'DELETED') return undefined;
      child.state = 'DELETING';
      return [espDelete([child.spiIn])];
    },
    process(sa, ctx) {
      // The Child SA may have moved to a successor IKE SA meanwhile (RFC 7296 section 2.18).
      const home = sa.current();
      const child = home.children.get(childSaId);
      if (child) removeChild(home, ctx, child, reason);
    },
    abandon(sa, ctx) {
      const home = sa.current();
      const child = home.children.get(childSaId);
      if (child) removeChild(home, ctx, child, reason);
      sa.close(ctx, 'peer not responding');
    },
  };
}

/** Deletes the IKE SA and, with it, every Child SA (RFC 7296 section 1.4.1). */
export function deleteIkeTask(reason = 'deleted'): Task {
  return {
    name: 'delete IKE_SA',
    exchangeType: ExchangeType.INFORMATIONAL,
    build(sa, ctx) {
      sa.setState(ctx, 'DELETING');
      return [{ type: PayloadType.D, protocolId: ProtocolId.IKE, spiSize: 0, spis: [] }];
    },
    process(sa, ctx) {
      sa.close(ctx, reason);
    },
    abandon(sa, ctx) {
      sa.close(ctx, reason);
    },
  };
}

/** RFC 7296 section 2.4: an empty INFORMATIONAL request; any valid answer proves the peer alive. */
export function dpdTask(): Task {
  return {
    name: 'liveness check',
    exchangeType: ExchangeType.INFORMATIONAL,
    build: () => [],
    process() {},
  };
}

export function respondInformational(sa: IkeSa, ctx: SessionContext, h: IkeV2Header, payloads: PayloadV2[], dgram: Datagram): void {
  const reply: PayloadV2[] = [];
  let closeAfter: string | undefined;
  for (const n of findAll(payloads, PayloadType.N)) {
    if (n.notifyType < 16384) ctx.emit({ event: 'error', ikeSaId: sa.id, notify: notifyName(n.notifyType), message: `the peer reported ${notifyName(n.notifyType)}` });
  }
  const ours: Uint8Array[] = [];
  for (const d of findAll(payloads, PayloadType.D)) {
    if (d.protocolId === ProtocolId.IKE) {
      closeAfter = sa.state === 'REKEYED' ? 'rekeyed' : 'deleted by peer';
      continue;
    }
    if (d.protocolId !== ProtocolId.ESP && d.protocolId !== ProtocolId.AH) continue;
    for (const spi of d.spis) {
      const child = [...sa.children.values()].find((c) => bytesEqual(c.spiOut, spi));
      if (!child) continue;
      // RFC 7296 section 1.4.1: when our own Delete crossed this one, the answer leaves this SA out.
      const crossed = child.state === 'DELETING';
      if (!crossed) ours.push(child.spiIn);
      removeChild(sa, ctx, child, child.state === 'REKEYED' ? 'rekeyed' : 'deleted by peer');
    }
  }
  if (ours.length) reply.push(espDelete(ours));
  sa.sendResponse(ctx, ExchangeType.INFORMATIONAL, h.messageId, reply, dgram);
  if (closeAfter) sa.close(ctx, closeAfter);
}

