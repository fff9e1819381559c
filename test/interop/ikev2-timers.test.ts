/**
 * Interop matrix, what time does with strongSwan charon: rekeys started by the clock on either side
 * (RFC 7296 2.8, 1.3.2, 1.3.3), and dead peer detection (2.4) on either side: a peer that stops
 * answering is given up after the retransmissions and its SA deleted without further exchanges.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { IkeEvent } from '../../src/ikev2/index.js';
import { charonAvailable } from '../helpers/charon.js';
import { CHILD, CONN, describeEvents, established, oursMarksCustomPorts, startPair, type Pair, type PairOptions } from './fixture.js';

const MARKS = oursMarksCustomPorts();

let p: Pair | undefined;
afterEach(async () => {
  await p?.stop();
  p = undefined;
});

async function pair(o: Partial<PairOptions>): Promise<Pair> {
  p = await startPair({ ike: ['aes128-sha256-modp2048'], esp: ['aes128-sha256'], ...o });
  return p;
}

async function charonBringsUp(q: Pair): Promise<Extract<IkeEvent, { event: 'child-sa-up' }>> {
  const up = q.ours.waitFor('child-sa-up', () => true, 15_000);
  try {
    await q.charon.initiate(CHILD);
  } catch (e) {
    throw new Error(`${(e as Error).message}\nour events:\n${describeEvents(q.events)}`);
  }
  return up;
}

describe.skipIf(!charonAvailable())('timers against strongSwan charon', () => {
  it.skipIf(!MARKS)('our clock rekeys the CHILD SA (child.rekeyTime 2 s) and the IKE SA (ike.rekeyTime 4 s) (RFC 7296 2.8); charon follows both', async () => {
    const q = await pair({ ourIke: { lifetime: 60, rekeyTime: 4 }, ourChild: { lifetime: 60, rekeyTime: 2 } });
    const { ikeSaId, childSaId } = await q.ours.connect(CONN, { timeoutMs: 15_000 });
    const childRekeyed = await q.ours.waitFor('child-sa-rekeyed', (e) => e.childSaId === childSaId, 10_000);
    const ikeRekeyed = await q.ours.waitFor('ike-sa-rekeyed', (e) => e.ikeSaId === ikeSaId, 10_000);
    expect(childRekeyed.newChildSaId).not.toBe(childSaId);
    // The clock keeps rekeying the CHILD SA, so compare charon with whatever ours has installed now.
    await q.charon.waitForSas((s) => {
      const ours = q.ours.status()[0];
      return (
        established()(s) &&
        ours !== undefined &&
        s[0].spiI === ours.spiI.toLowerCase() &&
        s[0].spiR === ours.spiR.toLowerCase() &&
        ours.children.some((c) => s[0].children.some((x) => x.state === 'INSTALLED' && x.spiOut === c.spiIn.toLowerCase() && x.spiIn === c.spiOut.toLowerCase()))
      );
    });
    expect(ikeRekeyed.newIkeSaId).not.toBe(ikeSaId);
    expect(q.charon.log()).toMatch(/received DELETE for ESP CHILD_SA/);
    expect(q.charon.log()).toMatch(/received DELETE for IKE_SA/);
  });

  it("charon's clock rekeys the CHILD SA (rekey_time 2 s) and the IKE SA (rekey_time 4 s) (RFC 7296 2.8); ours follows both", async () => {
    const q = await pair({
      charonConn: { rekeyTime: 4, overTime: 60, extra: { rand_time: 0 } },
      charonChild: { rekeyTime: 2, lifeTime: 60, extra: { rand_time: 0 } },
    });
    const child = await charonBringsUp(q);
    const childRekeyed = await q.ours.waitFor('child-sa-rekeyed', (e) => e.childSaId === child.childSaId, 10_000);
    const ikeRekeyed = await q.ours.waitFor('ike-sa-rekeyed', (e) => e.ikeSaId === child.ikeSaId, 10_000);
    expect(childRekeyed.newChildSaId).not.toBe(child.childSaId);
    const sas = await q.charon.listSas();
    expect(sas.some((s) => s.state === 'ESTABLISHED' && s.spiI === ikeRekeyed.spiI.toLowerCase())).toBe(true);
    expect(q.charon.log()).toMatch(/activating CHILD_REKEY task[\s\S]*generating CREATE_CHILD_SA request \d+ \[ N\(REKEY_SA\) SA No TSi TSr \]/);
    expect(q.charon.log()).toMatch(/IKE_SA ours\[2\] rekeyed between/);
    expect(q.ours.status().map((s) => s.ikeSaId)).toEqual([ikeRekeyed.newIkeSaId]);
  });

  it('our liveness check against a charon that stopped answering (RFC 7296 2.4): retransmissions, then our IKE SA is down', async () => {
    const q = await pair({ node: { endpoint: { retransmitBase: 200, retransmitTries: 2 } } });
    const child = await charonBringsUp(q);
    await q.charon.waitForSas(established());
    q.charon.freeze();
    const down = q.ours.waitFor('ike-sa-down', (e) => e.ikeSaId === child.ikeSaId, 10_000);
    q.ours.act((ep, now) => ep.checkLiveness(child.ikeSaId, now));
    const e = await down.catch((err: Error) => {
      throw new Error(`${err.message}\nour events:\n${describeEvents(q.events)}\nstatus: ${JSON.stringify(q.ours.status())}\nnext timeout: ${q.ours.endpoint.nextTimeout()}`);
    });
    q.charon.thaw();
    expect(e.reason).toMatch(/not responding|timeout|retransmi|dead/i);
    expect(q.ours.status()).toEqual([]);
  });

  it('charon DPD (dpd_delay 1 s) against ours gone silent (RFC 7296 2.4): charon retransmits, gives up and deletes its SA', async () => {
    const q = await pair({
      charonConn: { dpdDelay: 1 },
      extraConf: 'retransmit_tries = 1\nretransmit_timeout = 0.5\nretransmit_base = 1.0',
    });
    await charonBringsUp(q);
    await q.charon.waitForSas(established());
    // Our sockets close without a DELETE: to charon we simply stop answering.
    await q.ours.transport.close();
    await q.charon.waitForLog(/giving up after \d+ retransmits/, 10_000);
    await q.charon.waitForSas((s) => s.length === 0, 5000);
    expect(q.charon.log()).toMatch(/sending DPD request|generating INFORMATIONAL request \d+ \[ \]/);
  });
});
