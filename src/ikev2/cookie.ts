/**
 * Stateless cookies (RFC 7296 section 2.6): Cookie = <VersionIDofSecret> | Hash(Ni | IPi | SPIi |
 * <secret>), with the secret replaced regularly and the previous one still accepted.
 */
import type { CryptoProvider, RandomSource } from '../crypto/provider.js';
import { ipToBytes } from '../payloads/address.js';
import { concatBytes, constantTimeEqual } from '../util/bytes.js';

const ROTATE_MS = 300_000;

interface Secret {
  version: number;
  secret: Uint8Array;
  since: number;
}

export class CookieJar {
  private current?: Secret;
  private previous?: Secret;

  constructor(
    private readonly provider: CryptoProvider,
    private readonly random: RandomSource,
  ) {}

  private rotate(now: number): void {
    if (this.current && now - this.current.since < ROTATE_MS) return;
    this.previous = this.current;
    this.current = { version: ((this.previous?.version ?? 0) + 1) & 0xff, secret: this.random(32), since: now };
  }

  private compute(s: Secret, ni: Uint8Array, ip: string, spiI: Uint8Array): Uint8Array {
    const hash = this.provider.hash('sha256', concatBytes(ni, ipToBytes(ip), spiI, s.secret));
    return concatBytes(new Uint8Array([s.version]), hash);
  }

  make(now: number, ni: Uint8Array, ip: string, spiI: Uint8Array): Uint8Array {
    this.rotate(now);
    return this.compute(this.current!, ni, ip, spiI);
  }

  check(now: number, cookie: Uint8Array, ni: Uint8Array, ip: string, spiI: Uint8Array): boolean {
    this.rotate(now);
    for (const s of [this.current, this.previous]) {
      if (s && cookie.length > 0 && cookie[0] === s.version && constantTimeEqual(cookie, this.compute(s, ni, ip, spiI))) return true;
    }
    return false;
  }
}
