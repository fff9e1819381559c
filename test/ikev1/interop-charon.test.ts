/**
 * Our Ikev1Endpoint against a real strongSwan charon in IKEv1 mode (swanctl `version = 1`) on
 * loopback, driven over node:dgram by the transport's UdpTransport and EndpointDriver: Main Mode +
 * Quick Mode in both directions (RFC 2409 sections 5 and 5.5), Aggressive Mode (5.4), delete (5.7)
 * and DPD (RFC 3706).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pureProvider } from '../../src/crypto/pure.js';
import { Ikev1Endpoint, parseConfigV1, type IkeEventV1, type OutputV1 } from '../../src/ikev1/index.js';
import { EndpointDriver, UdpTransport, type SansIoEndpoint } from '../../src/node/transport.js';
import { charonAvailable, freePorts, startCharon, type Charon } from '../helpers/charon.js';
import { checkTimers } from './harness.js';

interface Rig {
  charon: Charon;
  endpoint: Ikev1Endpoint;
  driver: EndpointDriver;
  transport: UdpTransport;
  events: IkeEventV1[];
  waitFor(pred: (e: IkeEventV1) => boolean, ms?: number): Promise<IkeEventV1>;
  act(f: (ep: Ikev1Endpoint, now: number) => OutputV1): void;
  stop(): Promise<void>;
}

interface RigOptions {
  ike?: string[];
  esp?: string[];
  pfs?: string;
  aggressive?: boolean;
  psk?: string;
  charonPsk?: string;
  dpd?: boolean;
  allowWeak?: boolean;
  retransmitTries?: number;
  address?: '127.0.0.1' | '::1';
  localId?: string;
}

async function rig(o: RigOptions = {}): Promise<Rig> {
  const address = o.address ?? '127.0.0.1';
  const charonTs = address === '::1' ? '::1/128' : '127.0.0.1/32';
  const ourTs = address === '::1' ? 'fd00:1::/64' : '10.1.0.0/24';
  const [ourPort, ourNatt, charonPort, charonNatt] = await freePorts(4, [address]);
  const ike = o.ike ?? ['aes256-sha256-modp2048'];
  const esp = o.esp ?? ['aes128-sha1'];
  const charon = await startCharon({
    name: 'v1',
    port: charonPort,
    nattPort: charonNatt,
    extraConf: o.aggressive ? 'i_dont_care_about_security_and_use_aggressive_mode_psk = yes' : undefined,
    conns: [
      {
        name: 'v1conn',
        version: 1,
        localAddrs: [address],
        remoteAddrs: [address],
        remotePort: ourPort,
        proposals: ike,
        localId: 'bob.example',
        remoteId: 'alice.example',
        psk: o.charonPsk ?? o.psk ?? 'interop-v1-secret',
        aggressive: o.aggressive,
        ...(o.dpd ? { dpdDelay: '1s' } : {}),
        children: [{ name: 'net', localTs: [charonTs], remoteTs: [ourTs], espProposals: esp.map((p) => (o.pfs ? `${p}-${o.pfs}` : p)) }],
      },
    ],
  });
  const config = parseConfigV1({
    version: 1,
    name: 'charon',
    mode: o.aggressive ? 'aggressive' : 'main',
    local: { address, port: ourPort, nattPort: ourNatt, id: o.localId ?? 'fqdn:alice.example' },
    remote: { address, port: charonPort, nattPort: charonNatt, id: 'fqdn:bob.example' },
    psk: o.psk ?? 'interop-v1-secret',
    ike: { proposals: ike, lifetime: 3600, ...(o.dpd ? { dpdDelay: 2 } : {}), ...(o.allowWeak ? { allowWeak: true } : {}) },
    child: { proposals: esp, localTs: [ourTs], remoteTs: [charonTs], mode: 'tunnel', pfs: o.pfs ?? false, lifetime: 1200 },
  });
  const endpoint = checkTimers(new Ikev1Endpoint({ provider: pureProvider, configs: [config], trace: true, retransmitBase: 1000, retransmitTries: o.retransmitTries ?? 3 }));
  const events: IkeEventV1[] = [];
  const waiters: { pred: (e: IkeEventV1) => boolean; resolve: (e: IkeEventV1) => void }[] = [];
  const emit = (es: IkeEventV1[]) => {
    for (const e of es) {
      events.push(e);
      for (const w of [...waiters]) {
        if (w.pred(e)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(e);
        }
      }
    }
  };
  let driver: EndpointDriver | undefined;
  const transport = await UdpTransport.open({
    bindings: [
      { address, port: ourPort, role: 'ike' },
      { address, port: ourNatt, role: 'natt' },
    ],
    onDatagram: (d) => driver?.receive(d),
    onError: (err) => emit([{ event: 'error', message: `transport: ${err.message}` }]),
  });
  driver = new EndpointDriver(endpoint as unknown as SansIoEndpoint, transport, emit as never);
  const dump = () => events.filter((e) => e.event !== 'keys').map((e) => (e.event === 'trace' ? e.text : JSON.stringify(e))).join('\n');
  return {
    charon,
    endpoint,
    driver,
    transport,
    events,
    waitFor(pred, ms = 15_000) {
      const hit = events.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out\nour events:\n${dump()}\ncharon log:\n${charon.log()}`)), ms);
        waiters.push({ pred, resolve: (e) => (clearTimeout(t), resolve(e)) });
      });
    },
    act(f) {
      driver!.run((now) => f(endpoint, now) as never);
    },
    async stop() {
      driver!.stop();
      await transport.close();
      await charon.stop();
    },
  };
}

const isUp = (kind: 'ike-sa-up' | 'child-sa-up') => (e: IkeEventV1) => e.event === kind;
const isError = (e: IkeEventV1) => e.event === 'error';

describe.skipIf(!charonAvailable())('IKEv1 against strongSwan charon (version = 1)', () => {
  let r: Rig | undefined;
  afterEach(async () => {
    // The driver turns a failed timer-queue check (see checkTimers) into an error event.
    const timerErrors = r?.events.filter((e) => e.event === 'error' && /timer queue/.test(e.message)) ?? [];
    await r?.stop();
    r = undefined;
    expect(timerErrors).toEqual([]);
  });

  it('ours initiates Main Mode + Quick Mode: both sides list the SAs, SPIs mirrored (RFC 2409 sections 5, 5.5)', async () => {
    r = await rig();
    r.act((ep, now) => ep.initiate(undefined, now));
    const child = (await Promise.race([r.waitFor(isUp('child-sa-up')), r.waitFor(isError).then((e) => Promise.reject(new Error(JSON.stringify(e) + '\n' + r!.charon.log())))])) as Extract<IkeEventV1, { event: 'child-sa-up' }>;
    const [sa] = await r.charon.waitForSas((s) => s.some((x) => x.state === 'ESTABLISHED' && x.children.some((c) => c.state === 'INSTALLED')));
    expect(sa.version).toBe('1');
    expect(sa.initiator).toBe(false);
    expect(sa).toMatchObject({ encrAlg: 'AES_CBC', encrKeysize: '256', integAlg: 'HMAC_SHA2_256_128', dhGroup: 'MODP_2048' });
    expect(sa.children[0].spiIn).toBe(child.spiOut);
    expect(sa.children[0].spiOut).toBe(child.spiIn);
    expect(sa.children[0].remoteTs).toEqual(['10.1.0.0/24']);
  }, 30_000);

  it('charon initiates Main Mode + Quick Mode, we respond', async () => {
    r = await rig();
    await r.charon.initiate('net', { timeoutMs: 15_000 });
    const child = (await r.waitFor(isUp('child-sa-up'))) as Extract<IkeEventV1, { event: 'child-sa-up' }>;
    const [sa] = await r.charon.waitForSas((s) => s.some((x) => x.state === 'ESTABLISHED' && x.children.some((c) => c.state === 'INSTALLED')));
    expect(sa.initiator).toBe(true);
    expect(sa.children[0].spiIn).toBe(child.spiOut);
  }, 30_000);

  it('legacy 3des-sha1-modp1024 with PFS modp1024, and a second Quick Mode on the same phase 1 (RFC 2409 section 5.5)', async () => {
    r = await rig({ ike: ['3des-sha1-modp1024'], esp: ['3des-sha1'], pfs: 'modp1024', allowWeak: true });
    r.act((ep, now) => ep.initiate(undefined, now));
    const up = (await r.waitFor(isUp('ike-sa-up'))) as Extract<IkeEventV1, { event: 'ike-sa-up' }>;
    await r.waitFor(isUp('child-sa-up'));
    r.act((ep, now) => ep.startQuickMode(up.ikeSaId, now));
    await r.waitFor(() => r!.events.filter((e) => e.event === 'child-sa-up').length === 2);
    // charon takes a second Quick Mode for the same selectors as the replacement of the first (a rekey):
    // the old SA is kept as REKEYED until it expires.
    const [sa] = await r.charon.waitForSas((s) => s.some((x) => x.children.length === 2 && x.children.some((c) => c.state === 'INSTALLED')));
    expect(sa).toMatchObject({ encrAlg: '3DES_CBC', integAlg: 'HMAC_SHA1_96', dhGroup: 'MODP_1024' });
    expect(sa.children.map((c) => c.state).sort()).toEqual(['INSTALLED', 'REKEYED']);
    expect(sa.children[1]).toMatchObject({ encrAlg: '3DES_CBC', dhGroup: 'MODP_1024' });
  }, 30_000);

  it('ours deletes the ISAKMP SA; charon removes it (RFC 2409 section 5.7)', async () => {
    r = await rig();
    r.act((ep, now) => ep.initiate(undefined, now));
    const up = (await r.waitFor(isUp('ike-sa-up'))) as Extract<IkeEventV1, { event: 'ike-sa-up' }>;
    await r.waitFor(isUp('child-sa-up'));
    await r.charon.waitForSas((s) => s.some((x) => x.children.some((c) => c.state === 'INSTALLED')));
    r.act((ep, now) => ep.deleteIsakmpSa(up.ikeSaId, now));
    await r.charon.waitForSas((s) => s.length === 0);
  }, 30_000);

  it('charon deletes its SA; we see the deletes (RFC 2409 section 5.7)', async () => {
    r = await rig();
    r.act((ep, now) => ep.initiate(undefined, now));
    await r.waitFor(isUp('child-sa-up'));
    await r.charon.waitForSas((s) => s.some((x) => x.children.some((c) => c.state === 'INSTALLED')));
    await r.charon.terminate('v1conn', { timeoutMs: 10_000 });
    await r.waitFor((e) => e.event === 'ike-sa-down');
    expect(r.endpoint.status()).toEqual([]);
  }, 30_000);

  it('DPD: R-U-THERE from us is acknowledged by charon (RFC 3706)', async () => {
    r = await rig();
    r.act((ep, now) => ep.initiate(undefined, now));
    const up = (await r.waitFor(isUp('ike-sa-up'))) as Extract<IkeEventV1, { event: 'ike-sa-up' }>;
    await r.waitFor(isUp('child-sa-up'));
    r.act((ep, now) => ep.checkLiveness(up.ikeSaId, now));
    await r.waitFor((e) => e.event === 'trace' && e.text.includes('DPD: peer alive'));
  }, 30_000);

  it('Aggressive Mode + Quick Mode (charon with i_dont_care_about_security_and_use_aggressive_mode_psk)', async () => {
    r = await rig({ aggressive: true });
    r.act((ep, now) => ep.initiate(undefined, now));
    await r.waitFor(isUp('child-sa-up'));
    const [sa] = await r.charon.waitForSas((s) => s.some((x) => x.state === 'ESTABLISHED' && x.children.some((c) => c.state === 'INSTALLED')));
    expect(sa.version).toBe('1');
  }, 30_000);

  it('a wrong pre-shared key fails at once: charon reports PAYLOAD-MALFORMED under keys we cannot share', async () => {
    r = await rig({ charonPsk: 'something else' });
    r.act((ep, now) => ep.initiate(undefined, now));
    const err = await r.waitFor(isError, 5_000);
    expect(err).toMatchObject({ notify: 'AUTHENTICATION_FAILED' });
    expect(err.event === 'error' && err.message).toMatch(/pre-shared keys differ/);
    expect(r.events.some((e) => e.event === 'ike-sa-up')).toBe(false);
  }, 30_000);

  it('charon rekeys the IPsec SA with a new Quick Mode on the same phase 1; we answer it as responder (RFC 2409 section 5.5)', async () => {
    r = await rig();
    r.act((ep, now) => ep.initiate(undefined, now));
    const first = (await r.waitFor(isUp('child-sa-up'))) as Extract<IkeEventV1, { event: 'child-sa-up' }>;
    await r.charon.waitForSas((s) => s.some((x) => x.children.some((c) => c.state === 'INSTALLED')));
    await r.charon.rekeyChild('net');
    await r.waitFor(() => r!.events.filter((e) => e.event === 'child-sa-up').length === 2);
    const second = r.events.filter((e) => e.event === 'child-sa-up')[1] as Extract<IkeEventV1, { event: 'child-sa-up' }>;
    // charon keeps the replaced SA as REKEYED (IKEv1 has no rekey exchange; it deletes it later).
    const [sa] = await r.charon.waitForSas((s) => s.some((x) => x.children.some((c) => c.state === 'REKEYED') && x.children.some((c) => c.state === 'INSTALLED')));
    expect(sa.children.find((c) => c.state === 'INSTALLED')?.spiIn).toBe(second.spiOut);
    expect(sa.children.find((c) => c.state === 'REKEYED')?.spiIn).toBe(first.spiOut);
    expect(r.endpoint.status()[0].children).toHaveLength(2);
  }, 30_000);

  it('charon probes us with R-U-THERE and we acknowledge (RFC 3706)', async () => {
    r = await rig({ dpd: true });
    r.act((ep, now) => ep.initiate(undefined, now));
    await r.waitFor(isUp('child-sa-up'));
    await r.waitFor((e) => e.event === 'trace' && e.text.includes('> INFORMATIONAL R-U-THERE-ACK'), 10_000);
    expect(r.events.some((e) => e.event === 'ike-sa-down')).toBe(false);
  }, 30_000);

  it('charon initiates Aggressive Mode, we respond', async () => {
    r = await rig({ aggressive: true });
    await r.charon.initiate('net', { timeoutMs: 15_000 });
    await r.waitFor(isUp('child-sa-up'));
    const [sa] = await r.charon.waitForSas((s) => s.some((x) => x.state === 'ESTABLISHED' && x.children.some((c) => c.state === 'INSTALLED')));
    expect(sa.initiator).toBe(true);
  }, 30_000);

  it('IPv6 on ::1 with IPv6 client IDs', async () => {
    r = await rig({ address: '::1' });
    r.act((ep, now) => ep.initiate(undefined, now));
    const child = (await r.waitFor(isUp('child-sa-up'))) as Extract<IkeEventV1, { event: 'child-sa-up' }>;
    expect(child.remoteTs).toEqual(['::1/128']);
    const [sa] = await r.charon.waitForSas((s) => s.some((x) => x.children.some((c) => c.state === 'INSTALLED')));
    expect(sa.children[0].remoteTs).toEqual(['fd00:1::/64']);
  }, 30_000);

  it('charon rekeys (reauthenticates) the ISAKMP SA with a new Main Mode; we answer as responder and keep the IPsec SA (RFC 2409 section 5)', async () => {
    r = await rig();
    r.act((ep, now) => ep.initiate(undefined, now));
    await r.waitFor(isUp('child-sa-up'));
    await r.charon.waitForSas((s) => s.some((x) => x.children.some((c) => c.state === 'INSTALLED')));
    await r.charon.rekeyIke('v1conn');
    const second = (await r.waitFor(() => r!.events.filter((e) => e.event === 'ike-sa-up').length === 2).then(
      () => r!.events.filter((e) => e.event === 'ike-sa-up')[1],
    )) as Extract<IkeEventV1, { event: 'ike-sa-up' }>;
    expect(second.initiator).toBe(false);
    await r.charon.waitForSas((s) => s.some((x) => x.state === 'ESTABLISHED' && x.spiI === second.spiI));
    expect(r.events.filter((e) => e.event === 'error')).toEqual([]);
    expect(r.endpoint.status().flatMap((s) => s.children)).toHaveLength(1);
  }, 30_000);

  it('we rekey the ISAKMP SA: a new Main Mode to charon, no INITIAL-CONTACT, both SAs listed by charon', async () => {
    r = await rig();
    r.act((ep, now) => ep.initiate(undefined, now));
    const up = (await r.waitFor(isUp('ike-sa-up'))) as Extract<IkeEventV1, { event: 'ike-sa-up' }>;
    await r.waitFor(isUp('child-sa-up'));
    r.act((ep, now) => ep.rekeyIsakmpSa(up.ikeSaId, now));
    const rekeyed = (await r.waitFor((e) => e.event === 'ike-sa-rekeyed')) as Extract<IkeEventV1, { event: 'ike-sa-rekeyed' }>;
    const sas = await r.charon.waitForSas((s) => s.filter((x) => x.state === 'ESTABLISHED').length === 2);
    expect(sas.map((x) => x.spiI).sort()).toEqual([up.spiI, rekeyed.spiI].sort());
    expect(r.events.filter((e) => e.event === 'error')).toEqual([]);
  }, 30_000);

  it('charon refuses our identity: the SA fails on our side with the notify charon sent', async () => {
    r = await rig({ localId: 'fqdn:mallory.example' });
    r.act((ep, now) => ep.initiate(undefined, now));
    const err = await r.waitFor(isError, 5_000);
    expect(r.events.some((e) => e.event === 'ike-sa-up')).toBe(false);
    expect(err).toMatchObject({ notify: 'AUTHENTICATION_FAILED' });
  }, 30_000);
});
