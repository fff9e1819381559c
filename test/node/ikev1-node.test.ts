import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { IkeEventV1 } from '../../src/ikev1/index.js';
import { startIkev1, type IkeNodeV1 } from '../../src/node/ikev1-node.js';
import { IkeConnectError } from '../../src/node/ikev2-node.js';
import { loopbackPairV1, V1_I, V1_R } from './ikev1-loopback.js';

const nodes: IkeNodeV1[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

async function start(...args: Parameters<typeof startIkev1>): Promise<IkeNodeV1> {
  const n = await startIkev1(...args);
  nodes.push(n);
  return n;
}

function record(n: IkeNodeV1): IkeEventV1[] {
  const events: IkeEventV1[] = [];
  n.on('event', (e: IkeEventV1) => events.push(e));
  return events;
}

const traces = (events: IkeEventV1[]) => events.flatMap((e) => (e.event === 'trace' ? [e.text] : [])).join('\n');

describe('startIkev1 over loopback UDP, 127.0.0.1 <-> 127.0.0.2', () => {
  it('Main Mode + Quick Mode with PFS (RFC 2409 sections 5 and 5.5): connect() resolves at child-sa-up; SPIs mirror; status lists both phases', async () => {
    const { initiator, responder } = await loopbackPairV1({ mode: 'main', pfs: 'modp2048' });
    const r = await start({ configs: [responder], trace: true });
    const i = await start({ configs: [initiator], trace: true });
    const rEvents = record(r);
    const iEvents = record(i);
    const rChild = r.waitFor('child-sa-up');
    const { ikeSaId, childSaId } = await i.connect();
    const rc = await rChild;
    const ic = iEvents.find((e) => e.event === 'child-sa-up');
    expect(ic).toMatchObject({ ikeSaId, childSaId, mode: 'tunnel' });
    if (ic?.event !== 'child-sa-up') throw new Error('no child-sa-up');
    // RFC 2409 section 5.5: each side's inbound SPI is the other's outbound one.
    expect(rc.spiIn).toBe(ic.spiOut);
    expect(rc.spiOut).toBe(ic.spiIn);
    expect(iEvents.find((e) => e.event === 'ike-sa-up')).toMatchObject({ initiator: true, localId: 'fqdn:alice.example', remoteId: 'fqdn:bob.example' });
    expect(rEvents.find((e) => e.event === 'ike-sa-up')).toMatchObject({ initiator: false });
    const t = traces(iEvents);
    for (const s of ['MM1', 'MM3', 'MM5', 'IKE_P1_COMPLETE', 'QM1', 'QM3']) expect(t).toContain(s);
    expect(traces(rEvents)).toContain('MM2');
    const [sa] = i.status();
    expect(sa).toMatchObject({ ikeSaId, state: 'IKE_P1_COMPLETE', mode: 'main', initiator: true });
    expect(sa.lifetimeLeft).toBeGreaterThan(86000);
    expect(sa.children).toHaveLength(1);
    expect(sa.children[0]).toMatchObject({ childSaId, spiIn: ic.spiIn, spiOut: ic.spiOut });
    expect(sa.children[0].pfsGroup).toBeDefined();
    expect(sa.children[0].lifetimeLeft).toBeGreaterThan(3500);
  });

  it('Aggressive Mode + Quick Mode without PFS (RFC 2409 section 5.4): AM1..AM3 and the IPsec SA', async () => {
    const { initiator, responder } = await loopbackPairV1({ mode: 'aggressive', pfs: false });
    const r = await start({ configs: [responder] });
    const i = await start({ configs: [initiator], trace: true });
    const iEvents = record(i);
    const rUp = r.waitFor('child-sa-up');
    await i.connect();
    await rUp;
    const t = traces(iEvents);
    for (const s of ['AM1', 'AM2', 'AM3', 'IKE_P1_COMPLETE']) expect(t).toContain(s);
    expect(i.status()[0]).toMatchObject({ mode: 'aggressive', state: 'IKE_P1_COMPLETE' });
    expect(i.status()[0].children[0].pfsGroup).toBeUndefined();
  });

  it('close() deletes the ISAKMP SA and its IPsec SAs at the peer (RFC 2408 section 3.15)', async () => {
    const { initiator, responder } = await loopbackPairV1();
    const r = await start({ configs: [responder] });
    const i = await start({ configs: [initiator] });
    const rUp = r.waitFor('child-sa-up');
    await i.connect();
    await rUp;
    const rDown = r.waitFor('ike-sa-down');
    const rChildDown = r.waitFor('child-sa-down');
    await i.close();
    await rChildDown;
    await rDown;
    expect(r.status()).toHaveLength(0);
  });

  it('connect() rejects with IkeConnectError when the pre-shared keys differ (RFC 2409 section 5: HASH_R does not verify)', async () => {
    const { initiator, responder } = await loopbackPairV1();
    await start({ configs: [{ ...responder, psk: 'another-secret' }] });
    const i = await start({ configs: [initiator], endpoint: { retransmitBase: 200, retransmitTries: 1 } });
    await expect(i.connect(undefined, { timeoutMs: 8000 })).rejects.toBeInstanceOf(IkeConnectError);
  });

  it('--keylog DIR: ikev1_decryption_table gets "ICOOKIE,KEY" with the initiator cookie of the SA; esp_sa one row per direction', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ikev1-keylog-'));
    const { initiator, responder } = await loopbackPairV1({ ike: ['aes256-sha256-modp2048'] });
    const r = await start({ configs: [responder] });
    const i = await start({ configs: [initiator], keylog: dir });
    const rUp = r.waitFor('child-sa-up');
    const { childSaId } = await i.connect();
    await rUp;
    const [sa] = i.status();
    const rows = readFileSync(join(dir, 'ikev1_decryption_table'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(1);
    const [cky, key] = rows[0].split(',');
    expect(cky).toBe(sa.spiI);
    // AES-256: a 32-octet encryption key (RFC 2409 Appendix B).
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const esp = readFileSync(join(dir, 'esp_sa'), 'utf8').trim().split('\n');
    expect(esp).toHaveLength(2);
    const child = sa.children.find((c) => c.childSaId === childSaId)!;
    expect(esp[0]).toContain(`"IPv4","${V1_I}","${V1_R}","0x${child.spiOut}","AES-CBC [RFC3602]"`);
    expect(esp[1]).toContain(`"IPv4","${V1_R}","${V1_I}","0x${child.spiIn}","AES-CBC [RFC3602]"`);
    expect(esp[0]).toContain('"HMAC-SHA-256-128 [RFC4868]"');
  });
});
