import { describe, expect, it } from 'vitest';
import { hashInitiator, workerFor } from '../../src/node/cluster/route.js';
import { fromHex } from '../../src/util/bytes.js';

/** An IKE header (RFC 7296 section 3.1) with the given SPIs and Flags octet, and an empty body. */
function header(spiI: string, spiR: string, flags: number): Uint8Array {
  const h = new Uint8Array(28);
  h.set(fromHex(spiI), 0);
  h.set(fromHex(spiR), 8);
  h[16] = 0; // next payload
  h[17] = 0x20; // version 2.0
  h[18] = 34; // IKE_SA_INIT
  h[19] = flags;
  h[27] = 28;
  return h;
}

const peer = { address: '192.0.2.7', port: 500 };
const I = 0x08;
const R = 0x20;

describe('workerFor: the worker of a datagram from the SPI its receiver chose (RFC 7296 section 3.1)', () => {
  it('from the original initiator (I flag set), SPIr names the worker: its first octet modulo the worker count', () => {
    expect(workerFor(header('0102030405060708', '0300000000000001', I), peer, 2)).toBe(1);
    expect(workerFor(header('0102030405060708', '0400000000000001', I), peer, 2)).toBe(0);
    expect(workerFor(header('0102030405060708', '0500000000000001', I | R), peer, 3)).toBe(2);
  });

  it('from the original responder (I flag clear), SPIi names the worker, even with SPIr zero (an IKE_SA_INIT error response)', () => {
    expect(workerFor(header('0702030405060708', '1000000000000000', R), peer, 4)).toBe(3);
    expect(workerFor(header('0602030405060708', '0000000000000000', R), peer, 4)).toBe(2);
    expect(workerFor(header('0602030405060708', '1100000000000000', 0), peer, 4)).toBe(2);
  });

  it('an IKE_SA_INIT request (SPIr zero) goes by a hash of SPIi and the sender: the same worker for each retransmission', () => {
    const spread = new Set<number>();
    for (let k = 0; k < 64; k++) {
      const spiI = k.toString(16).padStart(2, '0').repeat(8);
      const d = header(spiI, '0000000000000000', I);
      const w = workerFor(d, peer, 2);
      expect(workerFor(d.slice(), { ...peer }, 2)).toBe(w);
      expect(w).toBe(hashInitiator(d, peer) % 2);
      spread.add(w);
    }
    // Not every request to one worker.
    expect(spread).toEqual(new Set([0, 1]));
    // The sender's port is part of the hash.
    const d = header('a1a2a3a4a5a6a7a8', '0000000000000000', I);
    expect(hashInitiator(d, peer)).not.toBe(hashInitiator(d, { ...peer, port: 4500 }));
  });

  it('one worker takes everything; a runt (shorter than an IKE header) still gets a worker in range', () => {
    expect(workerFor(header('0102030405060708', '0300000000000001', I), peer, 1)).toBe(0);
    for (const len of [0, 1, 16, 27]) {
      const w = workerFor(new Uint8Array(len).fill(9), peer, 3);
      expect(w).toBeGreaterThanOrEqual(0);
      expect(w).toBeLessThan(3);
    }
  });
});
