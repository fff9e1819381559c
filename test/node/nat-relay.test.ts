/**
 * NAT traversal over real sockets: a UDP relay between the two nodes plays a NAPT (new source
 * ports both ways), so NAT detection (RFC 7296 section 2.23) fires and the initiator floats to the
 * NAT-T ports, where every IKE message carries the non-ESP marker (RFC 3948 section 2.2).
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import type { IkeEvent } from '../../src/ikev2/index.js';
import { startIkev2, type IkeNode } from '../../src/node/ikev2-node.js';
import { findFreeUdpPorts } from '../../src/node/transport.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findSkOffset, openSk } from '../../src/crypto/sk.js';
import { nodeProvider } from '../../src/node/crypto/index.js';
import { EncrId, ExchangeType, IntegId } from '../../src/payloads/iana/ikev2.js';
import { fromHex, utf8Decode } from '../../src/util/bytes.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function bound(port = 0): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(port, '127.0.0.1', () => r()));
  closers.push(() => new Promise<void>((r) => s.close(() => r())));
  return s;
}

/** Forwards datagrams from `outside` to 127.0.0.1:target through a socket of its own, and answers back. */
async function napt(outsidePort: number, target: number): Promise<{ seen: Buffer[] }> {
  const outside = await bound(outsidePort);
  const inside = await bound();
  const seen: Buffer[] = [];
  let client: { address: string; port: number } | undefined;
  outside.on('message', (m, rinfo) => {
    client = { address: rinfo.address, port: rinfo.port };
    seen.push(m);
    inside.send(m, target, '127.0.0.1');
  });
  inside.on('message', (m) => {
    seen.push(m);
    if (client) outside.send(m, client.port, client.address);
  });
  return { seen };
}

describe('NAT-T through a UDP relay (RFC 7296 section 2.23, RFC 3948)', () => {
  it('detects the NAT, floats to the NAT-T ports and carries the marker there, with the IKE SA up', async () => {
    const [pI, pIn, pR, pRn, relay, relayN] = await findFreeUdpPorts('127.0.0.1', 6);
    const ike = { proposals: ['aes128-sha256-modp2048'] };
    const child = { proposals: ['aes128-sha256'] };
    const initiator = parseConfig({
      version: 2,
      local: { address: '127.0.0.1', port: pI, nattPort: pIn, id: 'fqdn:alice.example' },
      remote: { address: '127.0.0.1', port: relay, nattPort: relayN, id: 'fqdn:bob.example' },
      psk: 'behind a NAT',
      ike,
      child: { ...child, localTs: ['10.1.0.0/24'], remoteTs: ['10.2.0.0/24'] },
    });
    const responder = parseConfig({
      version: 2,
      local: { address: '127.0.0.1', port: pR, nattPort: pRn, id: 'fqdn:bob.example' },
      remote: { address: '127.0.0.1', port: pI, nattPort: pIn, id: 'fqdn:alice.example' },
      psk: 'behind a NAT',
      ike,
      child: { ...child, localTs: ['10.2.0.0/24'], remoteTs: ['10.1.0.0/24'] },
    });
    const keylog = mkdtempSync(join(tmpdir(), 'ike-natt-keys-'));
    const ikePath = await napt(relay, pR);
    const nattPath = await napt(relayN, pRn);
    // RFC 7296 section 2.23 as written: the marker only on the NAT-T ports. (The default,
    // 'not-port-500', marks every datagram off port 500, as charon does on custom ports.)
    const rfcMarkers = { nonEspMarker: 'nat-t-port-only' as const };
    const r: IkeNode = await startIkev2({ configs: [responder], endpoint: rfcMarkers });
    closers.push(() => r.close({ graceMs: 200 }));
    const i: IkeNode = await startIkev2({ configs: [initiator], keylog: keylog, endpoint: rfcMarkers });
    closers.push(() => i.close({ graceMs: 200 }));
    const events: IkeEvent[] = [];
    i.on('event', (e: IkeEvent) => events.push(e));
    await i.connect(undefined, { timeoutMs: 10_000 });
    const up = events.find((e) => e.event === 'ike-sa-up');
    expect(up?.event === 'ike-sa-up' && (up.natDetected.local || up.natDetected.remote)).toBe(true);
    // IKE_SA_INIT went through the IKE port without the marker; IKE_AUTH through the NAT-T port with it.
    expect(ikePath.seen.length).toBeGreaterThanOrEqual(2);
    for (const m of ikePath.seen) expect(m.readUInt32BE(0)).not.toBe(0);
    expect(nattPath.seen.length).toBeGreaterThanOrEqual(2);
    for (const m of nattPath.seen) expect(m.readUInt32BE(0)).toBe(0);
    expect(r.transport.counters.markerStripped).toBeGreaterThanOrEqual(1);
    expect(i.transport.counters.markerStripped).toBeGreaterThanOrEqual(1);
    expect(r.transport.counters.espDropped).toBe(0);

    // The keylog row opens the captured IKE_AUTH messages: SK_ei/SK_ai the initiator's, SK_er/SK_ar
    // the responder's (RFC 7296 section 2.14), which is what Wireshark will do with it.
    const [spiI, spiR, SK_ei, SK_er, , SK_ai, SK_ar] = readFileSync(join(keylog, 'ikev2_decryption_table'), 'utf8').trim().split(',');
    const encr = nodeProvider.encryption(EncrId.ENCR_AES_CBC, 128)!;
    const integ = nodeProvider.integrity(IntegId.AUTH_HMAC_SHA2_256_128)!;
    const opened: string[] = [];
    for (const framed of nattPath.seen) {
      const m = new Uint8Array(framed.subarray(4));
      if (m[18] !== ExchangeType.IKE_AUTH) continue;
      expect(Buffer.from(m.subarray(0, 16)).toString('hex')).toBe(spiI + spiR);
      const fromInitiator = (m[19] & 0x08) !== 0;
      const keys = fromInitiator ? { encrKey: fromHex(SK_ei), integKey: fromHex(SK_ai) } : { encrKey: fromHex(SK_er), integKey: fromHex(SK_ar) };
      const plain = openSk({ message: m, skOffset: findSkOffset(m)!, encr, integ, keys });
      opened.push(`${fromInitiator ? 'I' : 'R'}:${utf8Decode(plain)}`);
    }
    expect(opened.some((t) => t.startsWith('I:') && t.includes('alice.example'))).toBe(true);
    expect(opened.some((t) => t.startsWith('R:') && t.includes('bob.example'))).toBe(true);
  });
});
