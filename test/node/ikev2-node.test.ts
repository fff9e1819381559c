import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { IkeEvent } from '../../src/ikev2/index.js';
import { IkeConnectError, startIkev2, type IkeNode } from '../../src/node/ikev2-node.js';
import { loopbackPair } from './loopback-configs.js';

const nodes: IkeNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close({ graceMs: 300 })));
});

async function start(...args: Parameters<typeof startIkev2>): Promise<IkeNode> {
  const n = await startIkev2(...args);
  nodes.push(n);
  return n;
}

function record(n: IkeNode): IkeEvent[] {
  const events: IkeEvent[] = [];
  n.on('event', (e: IkeEvent) => events.push(e));
  return events;
}

describe('startIkev2 over loopback UDP (RFC 7296 sections 1.2 and 1.3)', () => {
  it('IKE_SA_INIT + IKE_AUTH: connect() resolves at the first child-sa-up; both sides emit ike-sa-up and child-sa-up', async () => {
    const { initiator, responder } = await loopbackPair();
    const r = await start({ configs: [responder] });
    const i = await start({ configs: [initiator] });
    const rEvents = record(r);
    const iEvents = record(i);
    const named: string[] = [];
    i.on('child-sa-up', () => named.push('child-sa-up'));
    const { ikeSaId, childSaId } = await i.connect();
    expect(named).toEqual(['child-sa-up']);
    const up = iEvents.find((e) => e.event === 'ike-sa-up');
    expect(up).toMatchObject({ ikeSaId, initiator: true, localId: 'fqdn:alice.example', remoteId: 'fqdn:bob.example' });
    const child = iEvents.find((e) => e.event === 'child-sa-up');
    expect(child).toMatchObject({ ikeSaId, childSaId, mode: 'tunnel' });
    // RFC 7296 section 2.9: the responder narrows to the configured subnets, in either notation.
    if (child?.event === 'child-sa-up') {
      expect(child.localTs).toEqual([expect.stringMatching(/^10\.1\.0\.0(\/24|-10\.1\.0\.255)$/)]);
      expect(child.remoteTs).toEqual([expect.stringMatching(/^10\.2\.0\.0(\/24|-10\.2\.0\.255)$/)]);
    }
    // The responder installs its CHILD SA before it answers IKE_AUTH, so its events are all in.
    const rUp = rEvents.find((e) => e.event === 'ike-sa-up');
    expect(rUp).toMatchObject({ initiator: false, remoteId: 'fqdn:alice.example' });
    // The two ends agree on the SPIs (RFC 7296 section 3.1) and the child SPIs cross (section 2.17).
    if (up?.event === 'ike-sa-up' && rUp?.event === 'ike-sa-up') expect([rUp.spiI, rUp.spiR]).toEqual([up.spiI, up.spiR]);
    const rChild = rEvents.find((e) => e.event === 'child-sa-up');
    expect(rChild).toBeDefined();
    if (child?.event === 'child-sa-up' && rChild?.event === 'child-sa-up') expect([rChild.spiIn, rChild.spiOut]).toEqual([child.spiOut, child.spiIn]);
    expect(i.status()).toHaveLength(1);
  });

  it('close() deletes the IKE SA (RFC 7296 section 1.4.1): the responder sees it go down', async () => {
    const { initiator, responder } = await loopbackPair();
    const r = await start({ configs: [responder] });
    const i = await start({ configs: [initiator] });
    const { ikeSaId } = await i.connect();
    const rDown = r.waitFor('ike-sa-down', undefined, 5000);
    const iDown = i.waitFor('ike-sa-down', (e) => e.ikeSaId === ikeSaId, 5000);
    await i.close();
    await expect(iDown).resolves.toMatchObject({ ikeSaId });
    await expect(rDown).resolves.toMatchObject({ event: 'ike-sa-down' });
    expect(r.status()).toHaveLength(0);
  });

  it('a wrong PSK rejects connect() with AUTHENTICATION_FAILED (RFC 7296 section 2.15)', async () => {
    const { initiator, responder } = await loopbackPair({ psk: 'right', responderPsk: 'wrong' });
    const r = await start({ configs: [responder] });
    const i = await start({ configs: [initiator] });
    record(r);
    const err = await i.connect(undefined, { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IkeConnectError);
    expect((err as IkeConnectError).notify ?? (err as Error).message).toMatch(/AUTHENTICATION_FAILED/);
  });

  it('no common proposal rejects connect() with NO_PROPOSAL_CHOSEN (RFC 7296 section 2.7)', async () => {
    const pair = await loopbackPair();
    const other = await loopbackPair({ ike: { proposals: ['aes256-sha384-ecp384'] } });
    const responder = { ...other.responder, local: pair.responder.local, remote: pair.responder.remote };
    const r = await start({ configs: [responder] });
    const i = await start({ configs: [pair.initiator] });
    const err = await i.connect(undefined, { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IkeConnectError);
    expect((err as Error).message).toMatch(/NO_PROPOSAL_CHOSEN/);
    expect(r.status().length).toBeLessThanOrEqual(1);
  });

  it('an unknown config name rejects connect()', async () => {
    const { initiator } = await loopbackPair();
    const i = await start({ configs: [initiator] });
    await expect(i.connect('nobody')).rejects.toThrow();
  });

  it('keylog: a directory gets ikev2_decryption_table and esp_sa rows for the SAs just made', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ike-keylog-'));
    const { initiator, responder } = await loopbackPair();
    const r = await start({ configs: [responder] });
    const i = await start({ configs: [initiator], keylog: dir });
    record(r);
    const up = i.waitFor('ike-sa-up');
    await i.connect();
    const sa = await up;
    const ike = readFileSync(join(dir, 'ikev2_decryption_table'), 'utf8').trim().split('\n');
    expect(ike).toHaveLength(1);
    // SPIi,SPIr,SK_ei,SK_er,"alg",SK_ai,SK_ar,"alg" with AES-128 (16-octet keys) and HMAC-SHA-256 (32-octet keys, RFC 4868).
    expect(ike[0]).toMatch(new RegExp(`^${sa.spiI},${sa.spiR},[0-9a-f]{32},[0-9a-f]{32},"AES-CBC-128 \\[RFC3602\\]",[0-9a-f]{64},[0-9a-f]{64},"HMAC_SHA2_256_128 \\[RFC4868\\]"$`));
    expect(existsSync(join(dir, 'esp_sa'))).toBe(true);
    const esp = readFileSync(join(dir, 'esp_sa'), 'utf8').trim().split('\n');
    expect(esp).toHaveLength(2);
    for (const line of esp) expect(line).toMatch(/^"IPv4","127\.0\.0\.1","127\.0\.0\.1","0x[0-9a-f]{8}","AES-CBC \[RFC3602\]","0x[0-9a-f]{32}","HMAC-SHA-256-128 \[RFC4868\]","0x[0-9a-f]{64}"$/);
  });

  it('IPv6: the same over ::1', async () => {
    const { initiator, responder } = await loopbackPair({ address: '::1', child: {} });
    const v6 = (c: typeof initiator, local: string, remote: string) => ({ ...c, child: { ...c.child, localTs: [local], remoteTs: [remote] } });
    const r = await start({ configs: [v6(responder, '2001:db8:2::/64', '2001:db8:1::/64')] });
    const i = await start({ configs: [v6(initiator, '2001:db8:1::/64', '2001:db8:2::/64')] });
    record(r);
    const up = i.waitFor('ike-sa-up');
    await i.connect();
    expect(await up).toMatchObject({ local: { address: '::1' }, remote: { address: '::1' } });
  });

  it('RFC 7296 section 2.1: the timer retransmits IKE_SA_INIT until a late responder answers', async () => {
    const { initiator, responder } = await loopbackPair();
    const i = await start({ configs: [initiator], endpoint: { retransmitBase: 150, retransmitTries: 6 } });
    const connected = i.connect(undefined, { timeoutMs: 10_000 });
    await new Promise((res) => setTimeout(res, 400));
    // Nothing has answered yet: the first request and at least one retransmission are out.
    expect(i.transport.counters.sent).toBeGreaterThanOrEqual(2);
    const r = await start({ configs: [responder] });
    record(r);
    await expect(connected).resolves.toMatchObject({ ikeSaId: expect.any(String) });
  });
});

