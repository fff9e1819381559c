/**
 * Interop matrix, the IKE_SA_INIT detours and transports with strongSwan charon: INVALID_KE_PAYLOAD
 * and the retry with the requested group (RFC 7296 1.2, 2.7, 3.10.1), a COOKIE round (2.6), IKEv2
 * over IPv6 on ::1, and RFC 7383 fragmentation of IKE_AUTH in both directions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { parseConfig } from '../../src/config/index.js';
import { pureProvider } from '../../src/crypto/pure.js';
import { Ikev2Endpoint, type IkeEvent } from '../../src/ikev2/index.js';
import { charonAvailable, freePorts } from '../helpers/charon.js';
import { CHILD, CONN, describeEvents, established, oursMarksCustomPorts, startPair, type Pair, type PairOptions } from './fixture.js';

const MARKS = oursMarksCustomPorts();

type Up = Extract<IkeEvent, { event: 'ike-sa-up' }>;

let p: Pair | undefined;
afterEach(async () => {
  await p?.stop();
  p = undefined;
});

async function pair(o: PairOptions): Promise<Pair> {
  p = await startPair(o);
  return p;
}

async function charonInitiates(q: Pair): Promise<Extract<IkeEvent, { event: 'child-sa-up' }>> {
  const childUp = q.ours.waitFor('child-sa-up', () => true, 20_000);
  try {
    await q.charon.initiate(CHILD);
  } catch (e) {
    throw new Error(`${(e as Error).message}\nour events:\n${describeEvents(q.events)}`);
  }
  return childUp;
}

/** Sends charon one IKE_SA_INIT (with the non-ESP marker) from a spare port and never answers. */
async function halfOpen(q: Pair): Promise<void> {
  const [port] = await freePorts(1);
  const config = parseConfig({
    version: 2,
    local: { address: '127.0.0.1', port, id: 'fqdn:mallory.example' },
    remote: { address: '127.0.0.1', port: q.charon.port, id: 'fqdn:bob.example' },
    psk: 'unused',
    ike: { proposals: ['aes128-sha256-modp2048'] },
    child: { proposals: ['aes128-sha256'], localTs: ['10.9.0.0/24'], remoteTs: ['127.0.0.1/32'] },
  });
  const [d] = new Ikev2Endpoint({ provider: pureProvider, configs: [config] }).initiate(undefined, 0).datagrams;
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(port, '127.0.0.1', () => r()));
  await new Promise<void>((r) => s.send(new Uint8Array([0, 0, 0, 0, ...d.data]), q.charon.port, '127.0.0.1', () => r()));
  s.close();
}

/** Thirty /24s: enough traffic selectors to push IKE_AUTH past a 576-byte MTU. */
const MANY_TS = Array.from({ length: 30 }, (_, k) => `10.1.${k}.0/24`);

describe.skipIf(!charonAvailable())('IKE_SA_INIT detours and transports against strongSwan charon', () => {
  it('INVALID_KE_PAYLOAD (RFC 7296 1.2, 3.10.1): charon guesses ECP_256, ours accepts only MODP_2048, charon retries with MODP_2048', async () => {
    const q = await pair({ ike: ['aes128-sha256-modp2048'], charonIke: ['aes128-sha256-ecp256-modp2048'], esp: ['aes128-sha256'] });
    const child = await charonInitiates(q);
    const [sa] = await q.charon.waitForSas(established(1));
    expect(sa.dhGroup).toBe('MODP_2048');
    expect(q.charon.log()).toMatch(/peer didn't accept DH group ECP_256, it requested MODP_2048/);
    const up = q.events.find((e): e is Up => e.event === 'ike-sa-up' && e.ikeSaId === child.ikeSaId)!;
    expect([sa.spiI, sa.spiR]).toEqual([up.spiI.toLowerCase(), up.spiR.toLowerCase()]);
  });

  it.skipIf(!MARKS)('INVALID_KE_PAYLOAD (RFC 7296 1.2, 3.10.1): ours guesses ECP_256, charon accepts only MODP_2048, ours retries with MODP_2048', async () => {
    const q = await pair({ ike: ['aes128-sha256-ecp256-modp2048'], charonIke: ['aes128-sha256-modp2048'], esp: ['aes128-sha256'] });
    await q.ours.connect(CONN, { timeoutMs: 15_000 });
    const [sa] = await q.charon.waitForSas(established(1));
    expect(sa.dhGroup).toBe('MODP_2048');
    expect(q.charon.log()).toMatch(/DH group ECP_256 unacceptable, requesting MODP_2048/);
  });

  it('COOKIE (RFC 7296 2.6): ours as responder with cookieThreshold 0 answers with a COOKIE; charon repeats IKE_SA_INIT with it and the SA comes up', async () => {
    const q = await pair({ ike: ['aes128-sha256-modp2048'], esp: ['aes128-sha256'], node: { endpoint: { cookieThreshold: 0 } } });
    await charonInitiates(q);
    await q.charon.waitForSas(established(1));
    const log = q.charon.log();
    expect(log).toMatch(/parsed IKE_SA_INIT response 0 \[ N\(COOKIE\) \]/);
    expect(log).toMatch(/generating IKE_SA_INIT request 0 \[ N\(COOKIE\) SA KE No/);
  });

  it.skipIf(!MARKS)('COOKIE (RFC 7296 2.6): charon as responder demands a COOKIE; ours repeats IKE_SA_INIT with it', async () => {
    // charon asks for cookies while at least cookie_threshold IKE SAs are half open (0 turns cookies
    // off), so one IKE_SA_INIT that is never completed, from another port, makes our request need one.
    const q = await pair({ ike: ['aes128-sha256-modp2048'], esp: ['aes128-sha256'], extraConf: 'cookie_threshold = 1' });
    await halfOpen(q);
    await q.charon.waitForLog(/parsed IKE_SA_INIT request 0/, 5000);
    await q.ours.connect(CONN, { timeoutMs: 15_000 });
    await q.charon.waitForSas((s) => s.some((sa) => sa.state === 'ESTABLISHED' && sa.children.length === 1));
    expect(q.charon.log()).toMatch(/sending COOKIE notify to 127\.0\.0\.1/);
  });

  it('IPv6 on ::1 (RFC 7296 3.13.1 TS_IPV6_ADDR_RANGE): charon initiates, CHILD SA with IPv6 selectors on both sides', async () => {
    const q = await pair({ ike: ['aes128-sha256-modp2048'], esp: ['aes128-sha256'], address: '::1' });
    const child = await charonInitiates(q);
    const [sa] = await q.charon.waitForSas(established(1));
    expect(sa.remoteHost).toBe('::1');
    expect(sa.children[0].localTs).toEqual(['::1/128']);
    expect(sa.children[0].remoteTs).toEqual(['fd00:1::/64']);
    expect(sa.children[0].spiIn).toBe(child.spiOut.toLowerCase());
    expect(child.remoteTs.join(' ')).toMatch(/::1/);
  });

  it.skipIf(!MARKS)('IPv6 on ::1: ours initiates', async () => {
    const q = await pair({ ike: ['aes128-sha256-modp2048'], esp: ['aes128-sha256'], address: '::1' });
    await q.ours.connect(CONN, { timeoutMs: 15_000 });
    const [sa] = await q.charon.waitForSas(established(1));
    expect(sa.remoteHost).toBe('::1');
  });

  it('fragmentation (RFC 7383 2.5): charon fragments its IKE_AUTH request (fragment_size 400), ours reassembles; ours fragments its IKE_AUTH response at MTU 576, charon reassembles', async () => {
    const q = await pair({
      ike: ['aes128-sha256-modp2048'],
      esp: ['aes128-sha256'],
      ourIke: { fragmentation: { mtu: 576 } },
      ourChild: { localTs: MANY_TS },
      charonConn: { fragmentation: 'yes' },
      charonChild: { remoteTs: MANY_TS },
      extraConf: 'fragment_size = 400',
    });
    const child = await charonInitiates(q);
    const [sa] = await q.charon.waitForSas(established(1));
    expect(sa.children[0].remoteTs).toHaveLength(30);
    expect(child.localTs).toHaveLength(30);
    const log = q.charon.log();
    expect(log).toMatch(/splitting IKE message \(\d+ bytes\) into \d+ fragments/);
    expect(log).toMatch(/received fragment #1 of \d+, waiting for complete IKE message/);
    expect(log).toMatch(/received fragment #\d+ of \d+, reassembled fragmented IKE message \(\d+ bytes\)/);
  });

  it.skipIf(!MARKS)('fragmentation (RFC 7383 2.5): ours initiates; our IKE_AUTH request goes in fragments at MTU 576, charon answers in fragments of 400', async () => {
    const q = await pair({
      ike: ['aes128-sha256-modp2048'],
      esp: ['aes128-sha256'],
      ourIke: { fragmentation: { mtu: 576 } },
      ourChild: { localTs: MANY_TS },
      charonConn: { fragmentation: 'yes' },
      charonChild: { remoteTs: MANY_TS },
      extraConf: 'fragment_size = 400',
    });
    const { childSaId } = await q.ours.connect(CONN, { timeoutMs: 15_000 });
    const [sa] = await q.charon.waitForSas(established(1));
    expect(sa.children[0].remoteTs).toHaveLength(30);
    const child = q.events.find((e) => e.event === 'child-sa-up' && e.childSaId === childSaId);
    expect(child && child.event === 'child-sa-up' ? child.localTs : []).toHaveLength(30);
    const log = q.charon.log();
    expect(log).toMatch(/received fragment #\d+ of \d+, reassembled fragmented IKE message \(\d+ bytes\)/);
    expect(log).toMatch(/splitting IKE message \(\d+ bytes\) into \d+ fragments/);
  });

  it.skipIf(!MARKS)('virtual IP (RFC 7296 2.19, 3.15): ours asks with CFG_REQUEST, charon assigns from its pool and narrows our selector to it', async () => {
    const q = await pair({
      ike: ['aes128-sha256-modp2048'],
      esp: ['aes128-sha256'],
      ourChild: { requestVirtualIp: true, localTs: ['0.0.0.0/0'] },
      charonPools: { vip: { addrs: '10.3.0.0/28', dns: ['10.3.0.53'] } },
      charonConn: { pools: ['vip'] },
      charonChild: { remoteTs: ['dynamic'] },
    });
    const { childSaId } = await q.ours.connect(CONN, { timeoutMs: 15_000 });
    const child = q.events.find((e) => e.event === 'child-sa-up' && e.childSaId === childSaId);
    if (child?.event !== 'child-sa-up') throw new Error('no child-sa-up');
    expect(child.virtualIps).toEqual(['10.3.0.1']);
    expect(child.localTs).toEqual([expect.stringMatching(/^10\.3\.0\.1(\/32|-10\.3\.0\.1)?$/)]);
    const [sa] = await q.charon.waitForSas(established(1));
    expect(sa.children[0].remoteTs).toEqual(['10.3.0.1/32']);
    expect(q.charon.log()).toMatch(/assigning virtual IP 10\.3\.0\.1 to peer 'alice\.example'/);
  });

  it('virtual IP (RFC 7296 2.19, 3.15): charon asks with CFG_REQUEST, ours assigns from its addressPool and narrows charon\'s selector to it', async () => {
    const q = await pair({
      ike: ['aes128-sha256-modp2048'],
      esp: ['aes128-sha256'],
      ourChild: { remoteTs: ['10.4.0.0/28'] },
      node: { endpoint: { addressPool: { ipv4: '10.4.0.0/28', dns: ['10.4.0.53'] } } },
      charonConn: { vips: ['0.0.0.0'] },
      charonChild: { localTs: ['dynamic'] },
    });
    const child = await charonInitiates(q);
    const [sa] = await q.charon.waitForSas(established(1));
    const vip = sa.children[0].localTs[0];
    expect(vip).toMatch(/^10\.4\.0\.\d+\/32$/);
    expect(child.remoteTs).toEqual([expect.stringMatching(new RegExp(`^${vip.replace('/32', '').replace(/\./g, '\\.')}(/32|-.*)?$`))]);
    expect(q.charon.log()).toMatch(/installing new virtual IP 10\.4\.0\.\d+|handling INTERNAL_IP4_ADDRESS attribute/);
  });

  it.skipIf(!MARKS)('proposal choice (RFC 7296 2.7): ours offers two proposals, charon picks by its own configured order', async () => {
    const q = await pair({ ike: ['aes256gcm16-prfsha384-ecp384', 'aes128-sha256-modp2048'], charonIke: ['aes128-sha256-modp2048', 'aes256gcm16-prfsha384-ecp384'], esp: ['aes128-sha256'] });
    await q.ours.connect(CONN, { timeoutMs: 15_000 });
    const [sa] = await q.charon.waitForSas(established(1));
    expect(sa).toMatchObject({ encrAlg: 'AES_CBC', dhGroup: 'MODP_2048' });
  });

  it('proposal choice (RFC 7296 2.7): charon offers two proposals, ours picks by its own configured order', async () => {
    const q = await pair({ ike: ['aes128-sha256-modp2048', 'aes256gcm16-prfsha384-ecp384'], charonIke: ['aes256gcm16-prfsha384-ecp384', 'aes128-sha256-modp2048'], esp: ['aes128-sha256'] });
    await charonInitiates(q);
    const [sa] = await q.charon.waitForSas(established(1));
    // charon guessed ECP_384 for its KE; ours wants MODP_2048 first, so INVALID_KE_PAYLOAD comes first.
    expect(sa).toMatchObject({ encrAlg: 'AES_CBC', dhGroup: 'MODP_2048' });
  });
});
