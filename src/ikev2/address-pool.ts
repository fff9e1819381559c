/**
 * Virtual IPv4 addresses handed out in CFG_REPLY (RFC 7296 sections 2.19 and 3.15): a prefix,
 * one address per IKE SA, given back when the SA ends.
 */
import { IkeError } from '../errors.js';
import { bytesToIp, ipToBytes } from '../payloads/address.js';

export class AddressPool {
  private readonly base: number;
  private readonly size: number;
  private readonly leased = new Map<number, string>();

  constructor(prefix: string) {
    const [addr, bitsText] = prefix.split('/');
    const bytes = ipToBytes(addr);
    const bits = Number(bitsText ?? 32);
    if (bytes.length !== 4 || !Number.isInteger(bits) || bits < 8 || bits > 30) {
      throw new IkeError('INVALID_ARGUMENT', `address pool "${prefix}" is not an IPv4 prefix of /8 to /30`);
    }
    const value = ((bytes[0] << 24) >>> 0) + (bytes[1] << 16) + (bytes[2] << 8) + bytes[3];
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    this.base = (value & mask) >>> 0;
    this.size = 2 ** (32 - bits);
  }

  /** The lowest free address (the network and broadcast addresses are never given out), or undefined. */
  lease(holder: string): string | undefined {
    for (let i = 1; i < this.size - 1; i++) {
      if (this.leased.has(i)) continue;
      this.leased.set(i, holder);
      const v = this.base + i;
      return bytesToIp(new Uint8Array([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]));
    }
    return undefined;
  }

  /** Gives back every address `holder` leased. */
  release(holder: string): void {
    for (const [i, h] of this.leased) if (h === holder) this.leased.delete(i);
  }
}
