/**
 * Interop matrix, life of an IKE SA with strongSwan charon: extra CHILD SAs with and without PFS
 * (RFC 7296 1.3.1), CHILD SA rekey (1.3.3) and IKE SA rekey (1.3.2, 2.18) started by either side,
 * deletes of CHILD and IKE SAs by either side (1.4.1), and liveness checks (2.4) both ways.
 *
 * charon initiates each IKE SA (ours-initiates is covered in ikev2-psk); inside it, both ends start
 * exchanges.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IkeEvent } from '../../src/ikev2/index.js';
import { charonAvailable, type CharonIkeSa } from '../helpers/charon.js';
import { CHILD, CONN, describeEvents, established, resetPair, startPair, type Pair } from './fixture.js';

type ChildUp = Extract<IkeEvent, { event: 'child-sa-up' }>;

/** charon starts the IKE SA with its first CHILD SA; resolves with our view of both. */
async function charonBringsUp(p: Pair): Promise<{ ikeSaId: string; child: ChildUp; sa: CharonIkeSa }> {
  const childUp = p.ours.waitFor('child-sa-up', () => true, 15_000);
  try {
    await p.charon.initiate(CHILD);
  } catch (e) {
    throw new Error(`${(e as Error).message}\nour events:\n${describeEvents(p.events)}`);
  }
  const child = await childUp;
  const [sa] = await p.charon.waitForSas(established(1));
  return { ikeSaId: child.ikeSaId, child, sa };
}

function lowerSpis(c: { spiIn: string; spiOut: string }): { spiIn: string; spiOut: string } {
  return { spiIn: c.spiIn.toLowerCase(), spiOut: c.spiOut.toLowerCase() };
}

/** charon's child with our SPIs mirrored is INSTALLED (RFC 7296 2.17: each end chose its inbound SPI). */
function mirrored(sa: CharonIkeSa, ours: { spiIn: string; spiOut: string }): boolean {
  const o = lowerSpis(ours);
  return sa.children.some((c) => c.state === 'INSTALLED' && c.spiIn === o.spiOut && c.spiOut === o.spiIn);
}

describe.skipIf(!charonAvailable())('IKEv2 SA lifecycle against strongSwan charon', () => {
  describe.each([
    { pfs: 'modp2048' as const, dh: 'MODP_2048' },
    { pfs: false as const, dh: undefined },
  ])('CHILD SAs with pfs=$pfs', ({ pfs, dh }) => {
    let p: Pair | undefined;
    beforeAll(async () => {
      // charon will not start a second CHILD SA with the same selectors as a live one ("not establishing
      // CHILD_SA net{2} due to existing duplicate {1}"), so its second child covers TCP only.
      p = await startPair({
        ike: ['aes128-sha256-modp2048'],
        esp: ['aes128-sha256'],
        pfs,
        charonChildren: [{ name: 'tcp', localTs: ['127.0.0.1/32[tcp]'], remoteTs: ['10.1.0.0/24[tcp]'] }],
      });
    });
    afterEach(async () => resetPair(p));
    afterAll(async () => p?.stop());

    it('ours adds a second CHILD SA with CREATE_CHILD_SA (RFC 7296 1.3.1); charon installs it with the PFS group', async () => {
      const { ours, charon } = p!;
      const { ikeSaId } = await charonBringsUp(p!);
      const second = ours.waitFor('child-sa-up', (e) => e.ikeSaId === ikeSaId, 10_000);
      ours.act((ep, now) => ep.createChildSa(ikeSaId, now));
      const child = await second;
      const [sa] = await charon.waitForSas(established(2));
      expect(mirrored(sa, child)).toBe(true);
      const installed = sa.children.find((c) => c.spiOut === child.spiIn.toLowerCase())!;
      expect(installed.dhGroup).toBe(dh);
    });

    it('charon adds a second CHILD SA (RFC 7296 1.3.1); ours narrows to its TCP selectors (2.9) and installs it', async () => {
      const { ours, charon } = p!;
      const { ikeSaId } = await charonBringsUp(p!);
      const second = ours.waitFor('child-sa-up', (e) => e.ikeSaId === ikeSaId, 10_000);
      await charon.initiate('tcp');
      const child = await second;
      const [sa] = await charon.waitForSas(established(2));
      expect(mirrored(sa, child)).toBe(true);
      const installed = sa.children.find((c) => c.spiOut === child.spiIn.toLowerCase())!;
      expect(installed.dhGroup).toBe(dh);
      expect(installed.localTs).toEqual(['127.0.0.1/32[tcp]']);
      expect(child.localTs.join(' ')).toMatch(/tcp|\b6\b/i);
      expect(ours.status()[0].children).toHaveLength(2);
      expect(charon.log()).toMatch(dh ? /generating CREATE_CHILD_SA request \d+ \[ .*KE/ : /generating CREATE_CHILD_SA request \d+ \[ (?!.*KE)/);
    });

    it('ours rekeys the CHILD SA (RFC 7296 1.3.3): charon swaps to the new SPIs and drops the old', async () => {
      const { ours, charon } = p!;
      const { ikeSaId, child } = await charonBringsUp(p!);
      const rekeyed = ours.waitFor('child-sa-rekeyed', (e) => e.childSaId === child.childSaId, 10_000);
      const newUp = ours.waitFor('child-sa-up', (e) => e.ikeSaId === ikeSaId && e.childSaId !== child.childSaId, 10_000);
      ours.act((ep, now) => ep.rekeyChildSa(child.childSaId, now));
      const fresh = await newUp;
      await rekeyed;
      const [sa] = await charon.waitForSas((s) => established(1)(s) && mirrored(s[0], fresh));
      expect(mirrored(sa, child)).toBe(false);
      expect(sa.children.find((c) => c.spiOut === fresh.spiIn.toLowerCase())?.dhGroup).toBe(dh);
      expect(charon.log()).toMatch(/received DELETE for ESP CHILD_SA/);
    });

    it('charon rekeys the CHILD SA (RFC 7296 1.3.3): ours swaps to the new SPIs', async () => {
      const { ours, charon } = p!;
      const { ikeSaId, child } = await charonBringsUp(p!);
      const rekeyed = ours.waitFor('child-sa-rekeyed', (e) => e.childSaId === child.childSaId, 10_000);
      const newUp = ours.waitFor('child-sa-up', (e) => e.ikeSaId === ikeSaId && e.childSaId !== child.childSaId, 10_000);
      await charon.rekeyChild(CHILD);
      const fresh = await newUp;
      await rekeyed;
      // charon keeps the old inbound SA listed (not INSTALLED) for delete_rekeyed_delay (5 s) after a rekey.
      const [sa] = await charon.waitForSas((s) => established(1)(s) && mirrored(s[0], fresh));
      expect(sa.children.find((c) => c.state === 'INSTALLED')?.dhGroup).toBe(dh);
      // charon deletes the old CHILD SA after the rekey (RFC 7296 2.8); ours then lists only the new one.
      for (let i = 0; i < 50 && ours.status()[0].children.length > 1; i++) await new Promise((r) => setTimeout(r, 100));
      expect(ours.status()[0].children.map((c) => c.childSaId)).toEqual([fresh.childSaId]);
    });
  });

  describe('IKE SA rekey, deletes and liveness', () => {
    let p: Pair | undefined;
    beforeAll(async () => {
      p = await startPair({
        ike: ['aes256gcm16-prfsha384-ecp384'],
        esp: ['aes256gcm16'],
        charonConn: { dpdDelay: 1 },
      });
    });
    afterEach(async () => resetPair(p));
    afterAll(async () => p?.stop());

    it('ours rekeys the IKE SA (RFC 7296 1.3.2, 2.18): charon moves to the new SPIs and keeps the CHILD SA', async () => {
      const { ours, charon } = p!;
      const { ikeSaId, child, sa: before } = await charonBringsUp(p!);
      const rekeyed = ours.waitFor('ike-sa-rekeyed', (e) => e.ikeSaId === ikeSaId, 10_000);
      ours.act((ep, now) => ep.rekeyIkeSa(ikeSaId, now));
      const r = await rekeyed;
      const [sa] = await charon.waitForSas((s) => established(1)(s) && s[0].spiI === r.spiI.toLowerCase());
      expect(sa.spiR).toBe(r.spiR.toLowerCase());
      expect(sa.spiI).not.toBe(before.spiI);
      expect(mirrored(sa, child)).toBe(true);
      // The rekeyed SA carries on: a CHILD SA rekey inside it works.
      const newUp = ours.waitFor('child-sa-up', (e) => e.ikeSaId === r.newIkeSaId, 10_000);
      await charon.rekeyChild(CHILD);
      await newUp;
    });

    it('charon rekeys the IKE SA (RFC 7296 1.3.2, 2.18): ours moves to the new SPIs and keeps the CHILD SA', async () => {
      const { ours, charon } = p!;
      const { ikeSaId, child } = await charonBringsUp(p!);
      const rekeyed = ours.waitFor('ike-sa-rekeyed', (e) => e.ikeSaId === ikeSaId, 10_000);
      await charon.rekeyIke(CONN);
      const r = await rekeyed;
      const [sa] = await charon.waitForSas((s) => established(1)(s) && s[0].spiI === r.spiI.toLowerCase());
      expect(sa.spiR).toBe(r.spiR.toLowerCase());
      expect(mirrored(sa, child)).toBe(true);
      const st = ours.status();
      expect(st.map((s) => s.ikeSaId)).toEqual([r.newIkeSaId]);
      // The new SA answers: ours deletes it and charon sees that.
      const down = ours.waitFor('ike-sa-down', (e) => e.ikeSaId === r.newIkeSaId, 10_000);
      ours.act((ep, now) => ep.deleteIkeSa(r.newIkeSaId, now));
      await down;
      await charon.waitForSas((s) => s.length === 0);
    });

    it('ours deletes the CHILD SA (RFC 7296 1.4.1): charon removes it and keeps the IKE SA', async () => {
      const { ours, charon } = p!;
      const { child } = await charonBringsUp(p!);
      const down = ours.waitFor('child-sa-down', (e) => e.childSaId === child.childSaId, 10_000);
      ours.act((ep, now) => ep.deleteChildSa(child.childSaId, now));
      await down;
      await charon.waitForSas((s) => s.length === 1 && s[0].state === 'ESTABLISHED' && s[0].children.length === 0);
      expect(charon.log()).toMatch(/received DELETE for ESP CHILD_SA with SPI/);
    });

    it('charon deletes the CHILD SA (RFC 7296 1.4.1): ours removes it and keeps the IKE SA', async () => {
      const { ours } = p!;
      const { ikeSaId, child } = await charonBringsUp(p!);
      const down = ours.waitFor('child-sa-down', (e) => e.childSaId === child.childSaId, 10_000);
      await p!.charon.terminateChild(CHILD);
      await down;
      const st = ours.status().find((s) => s.ikeSaId === ikeSaId);
      expect(st?.children).toEqual([]);
    });

    it('ours deletes the IKE SA (RFC 7296 1.4.1): charon removes it with its CHILD SA', async () => {
      const { ours, charon } = p!;
      const { ikeSaId } = await charonBringsUp(p!);
      const down = ours.waitFor('ike-sa-down', (e) => e.ikeSaId === ikeSaId, 10_000);
      ours.act((ep, now) => ep.deleteIkeSa(ikeSaId, now));
      await down;
      await charon.waitForSas((s) => s.length === 0);
      expect(charon.log()).toMatch(/received DELETE for IKE_SA/);
    });

    it('liveness (RFC 7296 2.4): ours answers charon\'s empty INFORMATIONAL requests, and charon answers ours', async () => {
      const { ours, charon } = p!;
      const { ikeSaId } = await charonBringsUp(p!);
      // charon's dpd_delay is 1 s: with no traffic it sends an empty INFORMATIONAL and needs our answer.
      await charon.waitForLog(/parsed INFORMATIONAL response \d+ \[ \]/, 8000);
      const before = charon.log().match(/parsed INFORMATIONAL request \d+ \[ \]/g)?.length ?? 0;
      ours.act((ep, now) => ep.checkLiveness(ikeSaId, now));
      await charon.waitForLog(new RegExp(`(parsed INFORMATIONAL request \\d+ \\[ \\][\\s\\S]*){${before + 1}}`), 5000);
      await charon.waitForLog(/generating INFORMATIONAL response \d+ \[ \]/, 5000);
      expect(ours.status().find((s) => s.ikeSaId === ikeSaId)?.state).toMatch(/established/i);
      expect((await charon.listSas())[0].state).toBe('ESTABLISHED');
    });
  });
});
