/**
 * CREATE_CHILD_SA (RFC 7296 sections 1.3.1-1.3.3, 2.8, 2.17, 2.18): new Child SAs with and
 * without PFS, Child SA rekeys and IKE SA rekeys from either side, time-driven rekeys.
 */
import { describe, expect, it } from 'vitest';
import { pureProvider } from '../../src/crypto/pure.js';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import type { IkeEvent } from '../../src/ikev2/types.js';
import { connect, pair, type Net, type PeerOptions } from './session-harness.js';

type ChildUp = Extract<IkeEvent, { event: 'child-sa-up' }>;
type Keys = Extract<IkeEvent, { event: 'keys'; kind: 'child' }>;

function up(o: PeerOptions = {}, provider = nodeProvider): Net {
  const net = pair(provider, o, o, { keylog: true });
  connect(net);
  expect(net.events('alice', 'child-sa-up')).toHaveLength(1);
  return net;
}

const ikeId = (net: Net, who: string) => net.ep(who).status()[0].ikeSaId;
const lastChild = (net: Net, who: string) => net.events(who, 'child-sa-up').at(-1) as ChildUp;
const childKeys = (net: Net, who: string) => (net.events(who, 'keys').filter((k) => (k as Keys).kind === 'child') as Keys[]).map(({ ikeSaId: _i, childSaId: _c, ...rest }) => rest);

describe('new Child SA (RFC 7296 section 1.3.1)', () => {
  for (const pfs of [false, 'x25519', 'modp2048'] as const) {
    it(`pfs ${pfs || 'off'}: both sides install the same keys${pfs ? ' from a fresh KE (section 2.17)' : ''}`, () => {
      const net = up({ pfs }, pfs === 'modp2048' ? pureProvider : nodeProvider);
      for (const who of ['alice', 'bob'] as const) {
        net.take(who, net.ep(who).createChildSa(ikeId(net, who), net.now));
        net.run();
      }
      expect(net.events('alice', 'error')).toEqual([]);
      expect(net.events('bob', 'error')).toEqual([]);
      expect(net.events('alice', 'child-sa-up')).toHaveLength(3);
      expect(net.events('bob', 'child-sa-up')).toHaveLength(3);
      expect(childKeys(net, 'alice')).toEqual(childKeys(net, 'bob'));
      const st = net.ep('alice').status()[0].children;
      expect(st).toHaveLength(3);
      expect(st.map((c) => c.pfsGroup)).toEqual([undefined, pfs ? (pfs === 'x25519' ? 'CURVE25519' : 'MODP_2048') : undefined, pfs ? (pfs === 'x25519' ? 'CURVE25519' : 'MODP_2048') : undefined]);
      // Fresh nonces (and KE) give different keys for every Child SA.
      const keys = childKeys(net, 'alice').map((k) => k.encrKeyItoR);
      expect(new Set(keys).size).toBe(3);
    });
  }

  it('RFC 7296 section 1.3: a PFS KE for another group gets INVALID_KE_PAYLOAD and the initiator retries with the wanted one', () => {
    const net = pair(nodeProvider, { pfs: 'x25519', esp: ['aes128gcm16-ecp256-x25519'] }, { pfs: 'ecp256', esp: ['aes128gcm16-ecp256'] });
    connect(net);
    net.take('alice', net.ep('alice').createChildSa(ikeId(net, 'alice'), net.now));
    net.run();
    expect(net.events('alice', 'child-sa-up')).toHaveLength(2);
    expect(net.ep('alice').status()[0].children[1].pfsGroup).toBe('ECP_256');
  });
});

describe('Child SA rekey (RFC 7296 sections 1.3.3 and 2.8)', () => {
  for (const who of ['alice', 'bob'] as const) {
    const other = who === 'alice' ? 'bob' : 'alice';
    it(`rekeyed from ${who}: a new Child SA with REKEY_SA, then the old one is deleted on both sides`, () => {
      const net = up({ pfs: 'x25519' });
      const old = lastChild(net, who);
      net.take(who, net.ep(who).rekeyChildSa(old.childSaId, net.now));
      net.run();
      for (const n of [who, other]) {
        expect(net.events(n, 'error')).toEqual([]);
        expect(net.events(n, 'child-sa-up')).toHaveLength(2);
        expect(net.events(n, 'child-sa-rekeyed')).toHaveLength(1);
        const down = net.events(n, 'child-sa-down') as Extract<IkeEvent, { event: 'child-sa-down' }>[];
        expect(down).toHaveLength(1);
        expect(down[0].reason).toBe('rekeyed');
        expect(net.ep(n).status()[0].children).toHaveLength(1);
      }
      expect(lastChild(net, who).rekeyOf).toBe(old.childSaId);
      expect(childKeys(net, who)).toEqual(childKeys(net, other));
      expect(lastChild(net, who).spiIn).not.toBe(old.spiIn);
    });
  }

  it('child rekeyTime: the Child SA is rekeyed on time without anyone asking', () => {
    const net = up({ child: { rekeyTime: 60, lifetime: 120 } });
    net.advance(61_000);
    expect(net.events('alice', 'child-sa-rekeyed').length + net.events('bob', 'child-sa-rekeyed').length).toBeGreaterThanOrEqual(1);
    expect(net.ep('alice').status()[0].children).toHaveLength(1);
    expect(net.ep('bob').status()[0].children).toHaveLength(1);
  });
});

describe('IKE SA rekey (RFC 7296 sections 1.3.2 and 2.18)', () => {
  for (const who of ['alice', 'bob'] as const) {
    const other = who === 'alice' ? 'bob' : 'alice';
    it(`rekeyed from ${who}: new SPIs and keys, the Child SA moves over, the old IKE SA is deleted`, () => {
      const net = up();
      const before = net.ep(who).status()[0];
      net.take(who, net.ep(who).rekeyIkeSa(before.ikeSaId, net.now));
      net.run();
      for (const n of [who, other]) {
        expect(net.events(n, 'error')).toEqual([]);
        expect(net.events(n, 'ike-sa-rekeyed')).toHaveLength(1);
        const st = net.ep(n).status();
        expect(st).toHaveLength(1);
        expect(st[0].state).toBe('ESTABLISHED');
        expect(st[0].children).toHaveLength(1);
        expect(st[0].spiI).not.toBe(before.spiI);
        expect(net.events(n, 'child-sa-down')).toEqual([]);
      }
      const a = net.ep('alice').status()[0];
      const b = net.ep('bob').status()[0];
      expect([a.spiI, a.spiR]).toEqual([b.spiI, b.spiR]);
      // The rekey's initiator is the new SA's original initiator (RFC 7296 section 2.18).
      expect(net.ep(who).status()[0].initiator).toBe(true);
      expect(net.ep(other).status()[0].initiator).toBe(false);
      // The new SA works: a Child SA and a delete over it.
      net.take(other, net.ep(other).createChildSa(net.ep(other).status()[0].ikeSaId, net.now));
      net.run();
      expect(net.ep(who).status()[0].children).toHaveLength(2);
      // SK_* of the new SA come from the old SK_d (keylog shows a second, different IKE key set).
      const ikeKeys = net.events(who, 'keys').filter((k) => (k as { kind: string }).kind === 'ike');
      expect(ikeKeys).toHaveLength(2);
      expect(ikeKeys[0]).not.toEqual(ikeKeys[1]);
    });
  }

  it('ike rekeyTime: the IKE SA is rekeyed on time and the children survive', () => {
    const net = up({ extra: { rekeyTime: 100, lifetime: 200 } });
    net.advance(101_000);
    expect(net.events('alice', 'ike-sa-rekeyed').length).toBeGreaterThanOrEqual(1);
    expect(net.ep('alice').status().filter((s) => s.state === 'ESTABLISHED')).toHaveLength(1);
    expect(net.ep('alice').status()[0].children).toHaveLength(1);
  });
});

describe('ML-KEM as the key exchange (draft-ietf-ipsecme-ikev2-mlkem, RFC 9370 KEM shape)', () => {
  for (const provider of [pureProvider, nodeProvider]) {
    it(`${provider.name}: ML-KEM-768 in IKE_SA_INIT, for PFS in CREATE_CHILD_SA and in the IKE SA rekey`, () => {
      const net = pair(provider, { ike: ['aes256gcm16-prfsha384-mlkem768'], esp: ['aes256gcm16'], pfs: 'mlkem768' });
      connect(net);
      expect(net.ep('alice').status()[0].dhGroup).toBe('ML_KEM_768');
      net.take('alice', net.ep('alice').createChildSa(ikeId(net, 'alice'), net.now));
      net.run();
      net.take('bob', net.ep('bob').rekeyIkeSa(ikeId(net, 'bob'), net.now));
      net.run();
      expect(net.events('alice', 'error')).toEqual([]);
      expect(net.events('bob', 'error')).toEqual([]);
      expect(net.events('alice', 'child-sa-up')).toHaveLength(2);
      expect(net.ep('alice').status()[0].children[1].pfsGroup).toBe('ML_KEM_768');
      expect(net.events('alice', 'ike-sa-rekeyed')).toHaveLength(1);
      expect(childKeys(net, 'alice')).toEqual(childKeys(net, 'bob'));
    });
  }
});
