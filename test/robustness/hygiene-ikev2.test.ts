/**
 * Secret hygiene of the IKEv2 session (issue 6): the PSK, SK_* keys, Child SA KEYMAT and key
 * exchange private values never appear in traces, events or error texts unless the keylog is asked
 * for; key buffers are zeroed when their SA is deleted; weak algorithms, when a configuration opts
 * in with allowWeak and they are actually negotiated, produce a 'warning' event (RFC 8247 and
 * RFC 8221 mark them MUST NOT / SHOULD NOT).
 */
import { describe, expect, it } from 'vitest';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import type { IkeEvent } from '../../src/ikev2/types.js';
import { toHex } from '../../src/util/bytes.js';
import type { Net } from '../ikev2/session-harness.js';
import { connect, pair } from '../ikev2/session-harness.js';
import { sasOf } from './corpus/ikev2.js';

const PSK = 'hygiene-psk-Zq81vX3kP0';

/** Every key buffer of every SA either endpoint holds right now. */
function keyBuffers(net: Net): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const side of ['alice', 'bob'] as const) {
    for (const sa of sasOf(net.ep(side))) {
      if (sa.crypto) out.push(...Object.values(sa.crypto.keys));
      for (const c of sa.children.values()) out.push(c.keys.initiatorToResponder.encr, c.keys.initiatorToResponder.integ, c.keys.responderToInitiator.encr, c.keys.responderToInitiator.integ);
    }
  }
  return out.filter((b) => b.length > 0);
}

/** A full life: establish, new Child SA, Child SA rekey, IKE SA rekey, Child SA delete, IKE SA delete. */
function fullRun(keylog: boolean): { net: Net; secrets: string[]; buffers: Uint8Array[] } {
  const net = pair(nodeProvider, { psk: PSK, pfs: 'x25519' }, { psk: PSK, pfs: 'x25519' }, { trace: true, keylog });
  const seen = new Set<Uint8Array>();
  const hex = new Set<string>();
  // The hex is taken while the keys are live: deleting an SA zeroes its buffers.
  const collect = () =>
    keyBuffers(net).forEach((b) => {
      seen.add(b);
      if (b.length >= 8) hex.add(toHex(b));
    });
  net.take('alice', net.ep('alice').initiate(undefined, net.now));
  const aliceInit = sasOf(net.ep('alice'))[0].init;
  const kePrivate = aliceInit?.ke.secret;
  net.run();
  collect();
  const ike = () => net.ep('alice').status()[0].ikeSaId;
  net.take('alice', net.ep('alice').createChildSa(ike(), net.now));
  net.run();
  collect();
  net.take('bob', net.ep('bob').rekeyChildSa(net.ep('bob').status()[0].children[0].childSaId, net.now));
  net.run();
  collect();
  net.take('alice', net.ep('alice').rekeyIkeSa(ike(), net.now));
  net.run();
  net.advance(5_000);
  collect();
  net.take('alice', net.ep('alice').deleteChildSa(net.ep('alice').status()[0].children[0].childSaId, net.now));
  net.run();
  collect();
  net.take('bob', net.ep('bob').deleteIkeSa(net.ep('bob').status()[0].ikeSaId, net.now));
  net.run();
  net.advance(5_000);
  const buffers = [...seen];
  const secrets = [...hex];
  secrets.push(toHex(new TextEncoder().encode(PSK)));
  if (kePrivate instanceof Uint8Array) secrets.push(toHex(kePrivate));
  return { net, secrets, buffers };
}

function allText(net: Net): string {
  const events: IkeEvent[] = [...net.events('alice'), ...net.events('bob')];
  return JSON.stringify(events).toLowerCase();
}

describe('secrets in traces, events and errors (issue 6 hygiene)', () => {
  it('with trace on and keylog off, no PSK, SK_*, KEYMAT or private value appears anywhere', () => {
    const { net, secrets } = fullRun(false);
    expect(secrets.length).toBeGreaterThan(20);
    const text = allText(net);
    expect(text).toContain('trace');
    expect(text).not.toContain(PSK.toLowerCase());
    for (const s of secrets) expect(text.includes(s.toLowerCase()), `secret ${s.slice(0, 8)}... leaked`).toBe(false);
    expect(net.events('alice', 'keys')).toEqual([]);
  });

  it('with keylog on, the keys appear in keys events only (the scan can see them)', () => {
    const { net, secrets } = fullRun(true);
    const events = [...net.events('alice'), ...net.events('bob')];
    const keysText = JSON.stringify(events.filter((e) => e.event === 'keys')).toLowerCase();
    const otherText = JSON.stringify(events.filter((e) => e.event !== 'keys')).toLowerCase();
    expect(secrets.filter((s) => keysText.includes(s)).length).toBeGreaterThan(4);
    for (const s of secrets) expect(otherText.includes(s), `secret ${s.slice(0, 8)}... outside keys events`).toBe(false);
    expect(otherText).not.toContain(PSK.toLowerCase());
  });

  it('error texts from a failed authentication do not carry the PSK or keys', () => {
    const net = pair(nodeProvider, { psk: PSK }, { psk: `${PSK}-other` }, { trace: true });
    connect(net);
    const errors = [...net.events('alice', 'error'), ...net.events('bob', 'error')];
    expect(errors.length).toBeGreaterThan(0);
    const text = allText(net);
    expect(text).not.toContain(PSK.toLowerCase());
    expect(text).not.toContain(toHex(new TextEncoder().encode(PSK)));
  });
});

describe('key buffers are zeroed when their SA is deleted', () => {
  it('every SK_* and Child SA key buffer of a full run is all zeros once the SAs are gone', () => {
    const { net, buffers } = fullRun(false);
    expect(net.ep('alice').status()).toEqual([]);
    expect(net.ep('bob').status()).toEqual([]);
    expect(buffers.length).toBeGreaterThan(20);
    const nonZero = buffers.filter((b) => b.some((x) => x !== 0));
    expect(nonZero.length).toBe(0);
  });

  it('a deleted Child SA has its keys zeroed while the IKE SA and the other Child SA keep theirs', () => {
    const net = pair(nodeProvider);
    connect(net);
    const ike = net.ep('alice').status()[0].ikeSaId;
    net.take('alice', net.ep('alice').createChildSa(ike, net.now));
    net.run();
    const [first, second] = [...sasOf(net.ep('bob'))[0].children.values()];
    net.take('alice', net.ep('alice').deleteChildSa(net.ep('alice').status()[0].children[0].childSaId, net.now));
    net.run();
    expect(first.keys.initiatorToResponder.encr.every((x) => x === 0)).toBe(true);
    expect(second.keys.initiatorToResponder.encr.some((x) => x !== 0)).toBe(true);
    expect(sasOf(net.ep('bob'))[0].crypto!.keys.SK_d.some((x) => x !== 0)).toBe(true);
  });
});

describe("weak algorithms negotiated under allowWeak produce a 'warning' event", () => {
  const cases: Array<{ name: string; ike?: string[]; esp?: string[]; warn: boolean }> = [
    { name: '3DES and MODP-1024 for the IKE SA', ike: ['3des-sha256-modp1024'], warn: true },
    { name: 'HMAC-MD5-96 integrity for the IKE SA', ike: ['aes128-md5-sha256-x25519'], warn: true },
    { name: '3DES with MD5 for the Child SA', esp: ['3des-md5'], warn: true },
    { name: 'MODP-768 for the IKE SA', ike: ['aes128-sha256-modp768'], warn: true },
    { name: 'strong algorithms, allowWeak set but not used', warn: false },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.warn ? 'a warning on both sides' : 'no warning'} (RFC 8247 section 2, RFC 8221 section 5)`, () => {
      const o = { allowWeak: true, ...(c.ike ? { ike: c.ike } : {}), ...(c.esp ? { esp: c.esp } : {}) };
      const net = pair(nodeProvider, o, o);
      connect(net);
      expect(net.events('alice', 'error')).toEqual([]);
      expect(net.events('alice', 'child-sa-up')).toHaveLength(1);
      for (const side of ['alice', 'bob'] as const) {
        const w = net.events(side, 'warning' as IkeEvent['event']);
        if (c.warn) expect(w.length).toBeGreaterThan(0);
        else expect(w).toEqual([]);
      }
    });
  }
});

describe('key exchange private values are zeroed once used (pure provider: the private value is bytes)', () => {
  it('the X25519 private value of IKE_SA_INIT is all zeros once the IKE SA keys are derived', async () => {
    const { pureProvider } = await import('../../src/crypto/pure.js');
    const net = pair(pureProvider, { pfs: 'x25519' });
    const privates: Uint8Array[] = [];
    const grab = (side: 'alice' | 'bob') => {
      for (const sa of sasOf(net.ep(side))) if (sa.init?.ke.secret instanceof Uint8Array) privates.push(sa.init.ke.secret);
    };
    net.take('alice', net.ep('alice').initiate(undefined, net.now));
    grab('alice');
    net.run();
    expect(privates).toHaveLength(1);
    expect(privates[0].every((x) => x === 0)).toBe(true);
    expect(net.events('alice', 'child-sa-up')).toHaveLength(1);
  });
});
