/**
 * Secret hygiene of the IKEv1 endpoint (issue 6): the PSK, SKEYID, SKEYID_d/a/e, the cipher key
 * and KEYMAT never appear in traces, events or error texts unless the keylog is asked for; phase 1
 * keys are zeroed when the ISAKMP SA is removed; weak algorithms negotiated under allowWeak, and
 * Aggressive Mode with a pre-shared key, produce a 'warning' event.
 */
import { describe, expect, it } from 'vitest';
import type { IsakmpSa } from '../../src/ikev1/state.js';
import type { Ikev1Endpoint, IkeEventV1 } from '../../src/ikev1/index.js';
import { toHex } from '../../src/util/bytes.js';
import { eventsOf } from '../ikev1/harness.js';
import { connectV1, v1pair, type V1Pair } from './corpus/ikev1.js';

const PSK = 'v1-hygiene-psk-Kc39Lm2';

function sasOf(ep: Ikev1Endpoint): IsakmpSa[] {
  return [...(ep as unknown as { sas: Map<string, IsakmpSa> }).sas.values()];
}

function phase1Keys(p: V1Pair): Uint8Array[] {
  return [p.alice, p.bob].flatMap((x) => sasOf(x.endpoint)).flatMap((sa) => (sa.keys ? [sa.keys.SKEYID, sa.keys.SKEYID_d, sa.keys.SKEYID_a, sa.keys.SKEYID_e, sa.keys.key] : []));
}

function fullRun(keylog: boolean) {
  const p = v1pair({ seed: 'v1-hygiene', trace: true, keylog, alice: { psk: PSK, child: { pfs: 'modp2048' } }, bob: { psk: PSK, child: { pfs: 'modp2048' } } });
  connectV1(p);
  const buffers = phase1Keys(p);
  const secrets = new Set(buffers.map((b) => toHex(b)));
  const ike = p.alice.endpoint.status()[0].ikeSaId;
  p.wire.apply(p.alice, p.alice.endpoint.startQuickMode(ike, p.wire.now));
  p.wire.pump();
  p.wire.apply(p.bob, p.bob.endpoint.rekeyIpsecSa(p.bob.endpoint.status()[0].children[0].childSaId, p.wire.now));
  p.wire.pump();
  p.wire.apply(p.alice, p.alice.endpoint.checkLiveness(ike, p.wire.now));
  p.wire.pump();
  p.wire.apply(p.bob, p.bob.endpoint.deleteIsakmpSa(p.bob.endpoint.status()[0].ikeSaId, p.wire.now));
  p.wire.pump();
  secrets.add(toHex(new TextEncoder().encode(PSK)));
  return { p, secrets: [...secrets], buffers };
}

function text(p: V1Pair, filter: (e: IkeEventV1) => boolean = () => true): string {
  return JSON.stringify([...p.alice.events, ...p.bob.events].filter(filter)).toLowerCase();
}

describe('IKEv1 secrets in traces, events and errors', () => {
  it('with trace on and keylog off, no PSK, SKEYID* or cipher key appears anywhere', () => {
    const { p, secrets } = fullRun(false);
    const all = text(p);
    expect(all).toContain('trace');
    expect(all).not.toContain(PSK.toLowerCase());
    for (const s of secrets) expect(all.includes(s), `secret ${s.slice(0, 8)}... leaked`).toBe(false);
    expect(eventsOf(p.alice, 'keys')).toEqual([]);
  });

  it('with keylog on, KEYMAT and keys appear only in keys events', () => {
    const { p, secrets } = fullRun(true);
    const keys = [...p.alice.events, ...p.bob.events].filter((e) => e.event === 'keys');
    expect(keys.length).toBeGreaterThan(0);
    const keyHex = keys.flatMap((k) => Object.entries(k).filter(([f, v]) => /Key/.test(f) && typeof v === 'string' && v.length >= 16).map(([, v]) => (v as string).toLowerCase()));
    expect(keyHex.length).toBeGreaterThan(0);
    const others = text(p, (e) => e.event !== 'keys');
    for (const s of [...secrets, ...keyHex]) expect(others.includes(s), `secret ${s.slice(0, 8)}... outside keys events`).toBe(false);
  });

  it('a wrong PSK: error texts carry neither key', () => {
    const p = v1pair({ seed: 'v1-wrong', trace: true, alice: { psk: PSK }, bob: { psk: `${PSK}-x` } });
    connectV1(p);
    p.wire.advance(p.wire.now + 60_000);
    const all = text(p);
    expect([...p.alice.events, ...p.bob.events].some((e) => e.event === 'error')).toBe(true);
    expect(all).not.toContain(PSK.toLowerCase());
    expect(all).not.toContain(toHex(new TextEncoder().encode(PSK)));
  });
});

describe('IKEv1 phase 1 keys are zeroed when the ISAKMP SA is removed', () => {
  it('every SKEYID* and cipher key of both peers is all zeros after the Delete', () => {
    const { p, buffers } = fullRun(false);
    expect(p.alice.endpoint.status()).toEqual([]);
    expect(p.bob.endpoint.status()).toEqual([]);
    expect(buffers.length).toBe(10);
    expect(buffers.filter((b) => b.some((x) => x !== 0))).toEqual([]);
  });
});

describe("IKEv1 weak settings produce a 'warning' event", () => {
  const cases: Array<{ name: string; ike?: string[]; esp?: string[]; mode?: 'aggressive'; warn: boolean }> = [
    { name: '3DES-MD5 with MODP-1024 for phase 1', ike: ['3des-md5-modp1024'], warn: true },
    { name: 'DES for the IPsec SA', esp: ['des-sha1'], warn: true },
    { name: 'Aggressive Mode with a pre-shared key', mode: 'aggressive', warn: true },
    { name: 'strong algorithms in Main Mode, allowWeak set', warn: false },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.warn ? 'a warning on both peers' : 'no warning'} (RFC 8247 section 2, RFC 8221 section 5)`, () => {
      const o = { mode: c.mode, ike: { allowWeak: true, ...(c.ike ? { proposals: c.ike } : {}) }, child: c.esp ? { proposals: c.esp } : {} };
      const p = v1pair({ seed: `v1-weak-${c.name}`, alice: o, bob: o });
      connectV1(p);
      expect(eventsOf(p.alice, 'child-sa-up')).toHaveLength(1);
      for (const x of [p.alice, p.bob]) {
        const w = x.events.filter((e) => e.event === ('warning' as IkeEventV1['event']));
        if (c.warn) expect(w.length).toBeGreaterThan(0);
        else expect(w).toEqual([]);
      }
    });
  }
});
