/**
 * An IKE_SA_INIT flood generator built on this library: one genuine IKE_SA_INIT request from an
 * Ikev2Endpoint is the template, and every packet gets a fresh SPIi and Ni (RFC 7296 section
 * 3.1, 3.9), so that each looks like a new initiator. Spoofed sources are impossible on
 * loopback; many sockets give many source ports instead. The flooder never returns a COOKIE, as
 * a spoofing attacker could not (RFC 7296 section 2.6). Bounded in time and in rate.
 */
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { CryptoProvider } from '../../crypto/provider.js';
import { Ikev2Endpoint } from '../../ikev2/index.js';
import type { IkeConfig } from '../../ikev2/policy.js';
import { ExchangeType, NotifyType, PayloadType } from '../../payloads/iana/ikev2.js';
import { nodeProvider } from '../crypto/index.js';

export interface FloodOptions {
  target: { address: string; port: number };
  /** Local address of the flooding sockets (default 127.0.0.1). */
  address?: string;
  /** How long to send, in ms (at most 60000). */
  durationMs: number;
  /** Packets per second, all sockets together (at most 100000). */
  rate: number;
  /** UDP sockets, each with its own source port (default 16). */
  sockets?: number;
  /** The IKE proposal offered (default aes128-sha256-x25519, so each request costs the responder a key exchange). */
  proposal?: string;
  provider?: CryptoProvider;
}

export interface FloodResult {
  sent: number;
  received: number;
  /** IKE_SA_INIT responses carrying only a COOKIE (RFC 7296 section 2.6): no state made. */
  cookies: number;
  /** IKE_SA_INIT responses with an SA payload: the responder made a half-open SA. */
  initResponses: number;
  /** Anything else (error notifies, INVALID_KE_PAYLOAD, ...). */
  other: number;
  elapsedMs: number;
  sentPerSec: number;
}

/** The template request and where its SPIi and nonce sit. */
export function floodTemplate(o: { target: { address: string; port: number }; proposal?: string; provider?: CryptoProvider }): { data: Uint8Array; nonceOffset: number; nonceLength: number } {
  const config: IkeConfig = {
    version: 2,
    name: 'flood',
    local: { address: '127.0.0.1', port: 500, id: 'fqdn:flood.example' },
    remote: { address: o.target.address, port: o.target.port, id: 'fqdn:target.example' },
    psk: 'flood',
    ike: { proposals: [o.proposal ?? 'aes128-sha256-x25519'], lifetime: 3600 },
    child: { proposals: ['aes128gcm16'], localTs: ['10.9.0.0/24'], remoteTs: ['10.8.0.0/24'], mode: 'tunnel', pfs: false, lifetime: 1200 },
  } as IkeConfig;
  const ep = new Ikev2Endpoint({ provider: o.provider ?? nodeProvider, configs: [config] });
  const out = ep.initiate(undefined, 0);
  const data = out.datagrams[0]?.data;
  if (!data) throw new Error(`no IKE_SA_INIT request: ${JSON.stringify(out.events)}`);
  // Walk the payload chain (RFC 7296 section 3.2) to the Nonce.
  let type = data[16];
  let off = 28;
  while (type !== 0 && off + 4 <= data.length) {
    const len = (data[off + 2] << 8) | data[off + 3];
    if (type === PayloadType.NONCE) return { data, nonceOffset: off + 4, nonceLength: len - 4 };
    type = data[off];
    off += len;
  }
  throw new Error('template has no Nonce payload');
}

function classify(msg: Uint8Array): 'cookie' | 'init' | 'other' {
  // RFC 3948 section 2.2: on ports other than 500 the answer may carry the non-ESP marker (a
  // zero SPIi, which no IKE_SA_INIT response has).
  const d = msg.length > 4 && msg[0] === 0 && msg[1] === 0 && msg[2] === 0 && msg[3] === 0 ? msg.subarray(4) : msg;
  if (d.length < 32 || d[18] !== ExchangeType.IKE_SA_INIT || (d[19] & 0x20) === 0) return 'other';
  if (d[16] === PayloadType.N && d.length >= 36 && ((d[34] << 8) | d[35]) === NotifyType.COOKIE) return 'cookie';
  let type = d[16];
  let off = 28;
  while (type !== 0 && off + 4 <= d.length) {
    if (type === PayloadType.SA) return 'init';
    const len = (d[off + 2] << 8) | d[off + 3];
    if (len < 4) break;
    type = d[off];
    off += len;
  }
  return 'other';
}

export async function runFlood(o: FloodOptions): Promise<FloodResult> {
  const durationMs = Math.min(Math.max(0, o.durationMs), 60_000);
  const rate = Math.min(Math.max(1, o.rate), 100_000);
  const t = floodTemplate(o);
  const result: FloodResult = { sent: 0, received: 0, cookies: 0, initResponses: 0, other: 0, elapsedMs: 0, sentPerSec: 0 };
  const sockets: Socket[] = [];
  for (let i = 0; i < Math.min(Math.max(1, o.sockets ?? 16), 256); i++) {
    const s = createSocket('udp4');
    s.on('message', (msg) => {
      result.received++;
      const k = classify(msg);
      if (k === 'cookie') result.cookies++;
      else if (k === 'init') result.initResponses++;
      else result.other++;
    });
    s.on('error', () => {});
    await new Promise<void>((resolve) => s.bind(0, o.address ?? '127.0.0.1', () => resolve()));
    sockets.push(s);
  }
  const t0 = performance.now();
  const TICK = 10;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - t0;
      if (elapsed >= durationMs) {
        clearInterval(timer);
        resolve();
        return;
      }
      // Catch up to the rate, at most one tick's worth behind (a slow tick does not cause a burst).
      const due = Math.min(Math.floor((elapsed * rate) / 1000), result.sent + Math.ceil((rate * TICK) / 1000) * 2);
      const fresh = randomBytes(Math.max(0, due - result.sent) * (8 + t.nonceLength));
      for (let k = 0; result.sent < due; k++) {
        const pkt = Buffer.from(t.data);
        const base = k * (8 + t.nonceLength);
        fresh.copy(pkt, 0, base, base + 8);
        fresh.copy(pkt, t.nonceOffset, base + 8, base + 8 + t.nonceLength);
        sockets[result.sent % sockets.length].send(pkt, o.target.port, o.target.address);
        result.sent++;
      }
    }, TICK);
  });
  // Answers still in flight.
  await new Promise((r) => setTimeout(r, 300));
  result.elapsedMs = performance.now() - t0;
  result.sentPerSec = (result.sent * 1000) / Math.max(1, durationMs);
  await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return result;
}
