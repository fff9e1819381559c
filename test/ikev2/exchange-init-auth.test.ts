/**
 * IKE_SA_INIT + IKE_AUTH with a pre-shared key (RFC 7296 sections 1.2, 2.14, 2.15, 2.17) between
 * two endpoints in memory, on both crypto providers.
 */
import { describe, expect, it } from 'vitest';
import { pureProvider } from '../../src/crypto/pure.js';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import type { IkeEvent } from '../../src/ikev2/types.js';
import { connect, pair } from './session-harness.js';

type Up = Extract<IkeEvent, { event: 'ike-sa-up' }>;
type ChildUp = Extract<IkeEvent, { event: 'child-sa-up' }>;
type Keys = Extract<IkeEvent, { event: 'keys' }>;

/** Expected IANA names (RFC 7296 section 3.3.2 registries) of what each suite negotiates. */
const SUITES: Array<{ ike: string; esp: string; allowWeak?: boolean; expect: [string, number, string | undefined, string, string] }> = [
  { ike: 'aes128-sha256-modp2048', esp: 'aes128-sha256', expect: ['ENCR_AES_CBC', 128, 'AUTH_HMAC_SHA2_256_128', 'PRF_HMAC_SHA2_256', 'MODP_2048'] },
  { ike: 'aes256gcm16-prfsha384-ecp384', esp: 'aes256gcm16', expect: ['ENCR_AES_GCM_16', 256, undefined, 'PRF_HMAC_SHA2_384', 'ECP_384'] },
  { ike: 'chacha20poly1305-prfsha256-x25519', esp: 'chacha20poly1305', expect: ['ENCR_CHACHA20_POLY1305', 256, undefined, 'PRF_HMAC_SHA2_256', 'CURVE25519'] },
  { ike: 'aes128-sha1-modp1024', esp: 'aes128-sha1', allowWeak: true, expect: ['ENCR_AES_CBC', 128, 'AUTH_HMAC_SHA1_96', 'PRF_HMAC_SHA1', 'MODP_1024'] },
];

for (const provider of [pureProvider, nodeProvider]) {
  describe(`IKE_SA_INIT + IKE_AUTH (${provider.name} provider)`, () => {
    for (const s of SUITES) {
      it(`RFC 7296 1.2: ${s.ike} / ${s.esp} comes up on both sides with matching keys`, () => {
        const net = pair(provider, { ike: [s.ike], esp: [s.esp], allowWeak: s.allowWeak }, undefined, { keylog: true });
        connect(net);
        const aUp = net.events('alice', 'ike-sa-up') as Up[];
        const bUp = net.events('bob', 'ike-sa-up') as Up[];
        expect(net.events('alice', 'error')).toEqual([]);
        expect(net.events('bob', 'error')).toEqual([]);
        expect(aUp).toHaveLength(1);
        expect(bUp).toHaveLength(1);
        expect(aUp[0].initiator).toBe(true);
        expect(bUp[0].initiator).toBe(false);
        expect(aUp[0].spiI).toBe(bUp[0].spiI);
        expect(aUp[0].spiR).toBe(bUp[0].spiR);
        expect(aUp[0].remoteId).toBe('fqdn:bob.example');
        expect(bUp[0].remoteId).toBe('fqdn:alice.example');
        expect(aUp[0].natDetected).toEqual({ local: false, remote: false });
        // RFC 7296 section 2.14: both derive the same SK_e/SK_a.
        const aKeys = net.events('alice', 'keys').filter((k) => (k as Keys).kind === 'ike');
        const bKeys = net.events('bob', 'keys').filter((k) => (k as Keys).kind === 'ike');
        expect(aKeys).toEqual(bKeys.map((k) => ({ ...k, ikeSaId: (aKeys[0] as Keys).ikeSaId })));
        // The first Child SA: each side's inbound SPI is the other's outbound (RFC 7296 section 2.17).
        const aChild = net.events('alice', 'child-sa-up') as ChildUp[];
        const bChild = net.events('bob', 'child-sa-up') as ChildUp[];
        expect(aChild).toHaveLength(1);
        expect(bChild).toHaveLength(1);
        expect(aChild[0].spiIn).toBe(bChild[0].spiOut);
        expect(aChild[0].spiOut).toBe(bChild[0].spiIn);
        expect(aChild[0].localTs).toEqual(['10.1.0.0/24']);
        expect(aChild[0].remoteTs).toEqual(['10.2.0.0/24']);
        expect(bChild[0].localTs).toEqual(['10.2.0.0/24']);
        const ck = (name: string) => net.events(name, 'keys').filter((k) => (k as Keys).kind === 'child').map((k) => ({ ...k, ikeSaId: '', childSaId: '' }));
        expect(ck('alice')).toEqual(ck('bob'));
        const st = net.ep('alice').status();
        expect(st[0].state).toBe('ESTABLISHED');
        expect([st[0].encr, st[0].encrKeyBits, st[0].integ, st[0].prf, st[0].dhGroup]).toEqual(s.expect);
        expect(net.ep('bob').status()[0].dhGroup).toBe(s.expect[4]);
        expect(st[0].messageIds).toEqual({ nextRequest: 2, expectedRequest: 0 });
        expect([st[0].localSpi, st[0].remoteSpi]).toEqual([aUp[0].spiI, aUp[0].spiR]);
        expect([net.ep('bob').status()[0].localSpi, net.ep('bob').status()[0].remoteSpi]).toEqual([aUp[0].spiR, aUp[0].spiI]);
        expect(st[0].children).toHaveLength(1);
      });
    }
  });
}

describe('virtual IP (RFC 7296 sections 2.19 and 3.15)', () => {
  it('a CFG_REQUEST gets an address and DNS from the responder pool, and TSi is narrowed to it', async () => {
    const { Net, config, seededRandom, connect: go } = await import('./session-harness.js');
    const net = new Net();
    const alice = config('alice', { localTs: ['0.0.0.0/0'], child: { requestVirtualIp: true } });
    net.add('alice', { provider: nodeProvider, configs: [alice], random: seededRandom('a') }, [16500, 16501]);
    net.add('bob', { provider: nodeProvider, configs: [config('bob', { remoteTs: ['10.3.0.0/24'] })], random: seededRandom('b'), addressPool: { ipv4: '10.3.0.0/24', dns: ['10.3.0.53'] } }, [16600, 16601]);
    go(net);
    const a = net.events('alice', 'child-sa-up')[0] as ChildUp;
    expect(a.virtualIps).toEqual(['10.3.0.1']);
    expect(a.localTs).toEqual(['10.3.0.1/32']);
    const b = net.events('bob', 'child-sa-up')[0] as ChildUp;
    expect(b.remoteTs).toEqual(['10.3.0.1/32']);
    // The address goes back to the pool with the SA, and the next peer gets it again.
    net.take('alice', net.ep('alice').deleteIkeSa(net.ep('alice').status()[0].ikeSaId, net.now));
    net.run();
    go(net);
    expect((net.events('alice', 'child-sa-up')[1] as ChildUp).virtualIps).toEqual(['10.3.0.1']);
  });

  it('without a pool the CFG_REQUEST is not answered and the selectors are the configured ones', () => {
    const net = pair(nodeProvider, { child: { requestVirtualIp: true } });
    connect(net);
    const a = net.events('alice', 'child-sa-up')[0] as ChildUp;
    expect(a.virtualIps).toBeUndefined();
    expect(a.localTs).toEqual(['10.1.0.0/24']);
  });
});

describe('Child SA options in IKE_AUTH (RFC 7296 sections 1.3.1 and 3.3.2)', () => {
  it('USE_TRANSPORT_MODE on both sides gives a transport-mode Child SA', () => {
    const net = pair(nodeProvider, { mode: 'transport' });
    connect(net);
    expect((net.events('alice', 'child-sa-up')[0] as ChildUp).mode).toBe('transport');
    expect((net.events('bob', 'child-sa-up')[0] as ChildUp).mode).toBe('transport');
  });

  it('a responder configured for tunnel mode answers USE_TRANSPORT_MODE with a tunnel', () => {
    const net = pair(nodeProvider, { mode: 'transport' }, { mode: 'tunnel' });
    connect(net);
    expect((net.events('alice', 'child-sa-up')[0] as ChildUp).mode).toBe('tunnel');
    expect((net.events('bob', 'child-sa-up')[0] as ChildUp).mode).toBe('tunnel');
  });

  it('extended sequence numbers are negotiated when both ask for them', () => {
    const net = pair(nodeProvider, { child: { esn: true } });
    connect(net);
    const a = net.ep('alice').status()[0].children[0];
    const b = net.ep('bob').status()[0].children[0];
    expect(a.algorithms).toContain('esn');
    expect(b.algorithms).toBe(a.algorithms);
    const plain = pair(nodeProvider);
    connect(plain);
    expect(plain.ep('alice').status()[0].children[0].algorithms).not.toContain('esn');
  });
});

describe('IPv6 (RFC 7296 sections 2.23 and 3.13.1)', () => {
  it('peers on ::1 with IPv6 selectors come up, NAT detection hashing 16-octet addresses', async () => {
    const { Net, config, seededRandom, connect: go } = await import('./session-harness.js');
    const net = new Net();
    const six = (side: 'alice' | 'bob') => {
      const c = config(side, side === 'alice' ? { localTs: ['fd00:1::/64'], remoteTs: ['fd00:2::/64'] } : { localTs: ['fd00:2::/64'], remoteTs: ['fd00:1::/64'] });
      c.local.address = '::1';
      c.remote.address = '::1';
      return c;
    };
    net.add('alice', { provider: nodeProvider, configs: [six('alice')], random: seededRandom('a6') }, [{ address: '::1', port: 16500 }, { address: '::1', port: 16501 }]);
    net.add('bob', { provider: nodeProvider, configs: [six('bob')], random: seededRandom('b6') }, [{ address: '::1', port: 16600 }, { address: '::1', port: 16601 }]);
    go(net);
    const up = net.events('alice', 'ike-sa-up')[0] as Up;
    expect(up.natDetected).toEqual({ local: false, remote: false });
    const child = net.events('alice', 'child-sa-up')[0] as ChildUp;
    expect(child.localTs).toEqual(['fd00:1::/64']);
    expect(child.remoteTs).toEqual(['fd00:2::/64']);
  });
});
