/**
 * Interop matrix, simultaneous rekeys with strongSwan charon (RFC 7296 2.8.1 for CHILD SAs, 2.8.2
 * for IKE SAs): both ends start a rekey of the same SA before seeing the other's request. The
 * collision is made certain by building our request first (the endpoint is sans-IO, so it is not
 * sent yet), then starting charon's rekey while this thread sleeps: charon's request waits in our
 * socket buffer, ours goes out before it is read, and each side receives the other's request while
 * its own is outstanding.
 * Whoever wins by the nonces, both must end with one and the same new SA.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IkeEvent, Output } from '../../src/ikev2/index.js';
import { charonAvailable } from '../helpers/charon.js';
import { CHILD, CONN, describeEvents, established, resetPair, startPair, type Pair } from './fixture.js';

/** Blocks this thread (no event loop turns), so datagrams to us queue in the socket buffer. */
function blockThread(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Starts charon's rekey (`swanctl` runs as its own process) and, before this process reads charon's
 * request, sends our held one.
 */
async function crossRequests(q: Pair, charonRekey: () => Promise<string>, held: Output, sent: RegExp): Promise<void> {
  const before = count(q.charon.log(), sent);
  const done = charonRekey();
  for (let i = 0; i < 20 && count(q.charon.log(), sent) <= before; i++) blockThread(100);
  q.ours.act(() => held);
  await done;
  if (count(q.charon.log(), sent) <= before) throw new Error(`charon did not start its rekey; log:\n${q.charon.log()}`);
}

async function charonBringsUp(q: Pair): Promise<Extract<IkeEvent, { event: 'child-sa-up' }>> {
  const up = q.ours.waitFor('child-sa-up', () => true, 15_000);
  await q.charon.initiate(CHILD);
  const child = await up;
  await q.charon.waitForSas(established());
  return child;
}

function count(text: string, re: RegExp): number {
  return text.match(new RegExp(re.source, 'g'))?.length ?? 0;
}

describe.skipIf(!charonAvailable())('simultaneous rekeys with strongSwan charon', () => {
  let p: Pair | undefined;
  beforeAll(async () => {
    p = await startPair({ ike: ['aes128-sha256-modp2048'], esp: ['aes128-sha256'] });
  });
  afterEach(async () => resetPair(p));
  afterAll(async () => p?.stop());

  it('CHILD SA rekey collision (RFC 7296 2.8.1): both end with one INSTALLED CHILD SA with the same SPIs', async () => {
    const q = p!;
    const child = await charonBringsUp(q);
    // Our CREATE_CHILD_SA request exists (the endpoint counts the rekey as started) but is not sent yet.
    const held: Output = q.ours.endpoint.rekeyChildSa(child.childSaId, q.ours.now());
    expect(held.datagrams.length).toBe(1);
    await crossRequests(q, () => q.charon.rekeyChild(CHILD), held, /generating CREATE_CHILD_SA request \d+ \[ N\(REKEY_SA\)/);

    const sas = await q.charon.waitForSas((s) => {
      const ours = q.ours.status()[0];
      if (!established(1)(s) || !ours || ours.children.length !== 1) return false;
      const [c] = ours.children;
      return s[0].children.some((x) => x.state === 'INSTALLED' && x.spiOut === c.spiIn.toLowerCase() && x.spiIn === c.spiOut.toLowerCase());
    }, 15_000);
    const log = q.charon.log();
    // charon saw both requests cross: it answered ours while its own was outstanding, and settled it.
    expect(log).toMatch(/parsed CREATE_CHILD_SA request \d+ \[ N\(REKEY_SA\)/);
    expect(log).toMatch(/CHILD_SA rekey collision (won|lost)/);
    // When charon won, ours deletes the redundant CHILD SA it made itself.
    if (/CHILD_SA rekey collision won/.test(log)) expect(q.events.some((e) => e.event === 'child-sa-down' && /collision/.test(e.reason))).toBe(true);
    expect(q.ours.status()[0].children[0].childSaId).not.toBe(child.childSaId);
    expect(sas[0].children.filter((c) => c.state === 'INSTALLED')).toHaveLength(1);
    if (q.events.some((e) => e.event === 'error')) throw new Error(`error events:\n${describeEvents(q.events)}`);
  });

  it('IKE SA rekey collision (RFC 7296 2.8.2): both end on the same new IKE SA, the CHILD SA kept', async () => {
    const q = p!;
    const child = await charonBringsUp(q);
    const held: Output = q.ours.endpoint.rekeyIkeSa(child.ikeSaId, q.ours.now());
    expect(held.datagrams.length).toBe(1);
    await crossRequests(q, () => q.charon.rekeyIke(CONN), held, /generating CREATE_CHILD_SA request \d+ \[ SA No KE \]/);

    const sas = await q.charon.waitForSas((s) => {
      const ours = q.ours.status();
      return (
        s.length === 1 &&
        s[0].state === 'ESTABLISHED' &&
        ours.length === 1 &&
        ours[0].ikeSaId !== child.ikeSaId &&
        s[0].spiI === ours[0].spiI.toLowerCase() &&
        s[0].spiR === ours[0].spiR.toLowerCase()
      );
    }, 15_000);
    const log = q.charon.log();
    expect(log).toMatch(/parsed CREATE_CHILD_SA request \d+ \[ SA No KE \]/);
    expect(log).toMatch(/detected IKE_REKEY collision with IKE_REKEY/);
    expect(log).toMatch(/IKE_SA rekey collision (won|lost)/);
    // Two new IKE SAs were made (RFC 7296 2.8.2); the one that lost the nonce comparison is deleted.
    expect(q.events.filter((e) => e.event === 'ike-sa-rekeyed' && e.ikeSaId === child.ikeSaId)).toHaveLength(2);
    expect(sas[0].children.filter((c) => c.state === 'INSTALLED')).toHaveLength(1);
    expect(sas[0].children[0].spiOut).toBe(child.spiIn.toLowerCase());
    if (q.events.some((e) => e.event === 'error')) throw new Error(`error events:\n${describeEvents(q.events)}`);
  });
});
