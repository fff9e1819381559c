/** The session's small parts: stateless cookies (RFC 7296 section 2.6) and the virtual IP pool (section 2.19). */
import { describe, expect, it } from 'vitest';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import { AddressPool } from '../../src/ikev2/address-pool.js';
import { CookieJar } from '../../src/ikev2/cookie.js';
import { compareNonces, lowerNonce } from '../../src/ikev2/payloads.js';
import { seededRandom } from './session-harness.js';

const NI = new Uint8Array(32).fill(7);
const SPI = new Uint8Array(8).fill(9);

describe('CookieJar (RFC 7296 section 2.6)', () => {
  it('accepts its own cookie for the same Ni, IPi and SPIi, and nothing else', () => {
    const jar = new CookieJar(nodeProvider, seededRandom('jar'));
    const c = jar.make(0, NI, '192.0.2.1', SPI);
    expect(jar.check(1000, c, NI, '192.0.2.1', SPI)).toBe(true);
    expect(jar.check(1000, c, NI, '192.0.2.2', SPI)).toBe(false);
    expect(jar.check(1000, c, NI.map((b) => b ^ 1), '192.0.2.1', SPI)).toBe(false);
    expect(jar.check(1000, c, NI, '192.0.2.1', SPI.map((b) => b ^ 1))).toBe(false);
    expect(jar.check(1000, new Uint8Array(0), NI, '192.0.2.1', SPI)).toBe(false);
  });

  it('stays valid across one secret change and expires after the second', () => {
    const jar = new CookieJar(nodeProvider, seededRandom('jar2'));
    const c = jar.make(0, NI, '192.0.2.1', SPI);
    expect(jar.check(300_000, c, NI, '192.0.2.1', SPI)).toBe(true);
    expect(jar.check(600_000, c, NI, '192.0.2.1', SPI)).toBe(false);
  });
});

describe('AddressPool (RFC 7296 section 2.19)', () => {
  it('leases the lowest free host addresses, never the network or broadcast address, and takes them back', () => {
    const pool = new AddressPool('10.3.0.0/30');
    expect(pool.lease('a')).toBe('10.3.0.1');
    expect(pool.lease('b')).toBe('10.3.0.2');
    expect(pool.lease('c')).toBeUndefined();
    pool.release('a');
    expect(pool.lease('c')).toBe('10.3.0.1');
  });

  it('refuses what is not an IPv4 prefix it can serve', () => {
    expect(() => new AddressPool('2001:db8::/64')).toThrow(/IPv4/);
    expect(() => new AddressPool('10.0.0.0/31')).toThrow();
  });
});

describe('nonce order (RFC 7296 section 2.8.1)', () => {
  it('compares octet by octet, a prefix being lower', () => {
    expect(compareNonces(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBeLessThan(0);
    expect(compareNonces(Uint8Array.of(2), Uint8Array.of(1, 255))).toBeGreaterThan(0);
    expect(compareNonces(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 0))).toBeLessThan(0);
    expect([...lowerNonce(Uint8Array.of(9, 0), Uint8Array.of(8, 255))]).toEqual([8, 255]);
  });
});

describe('a broken random source', () => {
  it('is reported as an error event instead of hanging or throwing', async () => {
    const { Ikev2Endpoint } = await import('../../src/ikev2/endpoint.js');
    const { config } = await import('./session-harness.js');
    const ep = new Ikev2Endpoint({ provider: nodeProvider, configs: [config('alice')], random: (n) => new Uint8Array(n) });
    const out = ep.initiate(undefined, 0);
    expect(out.datagrams).toEqual([]);
    expect(out.events.map((e) => e.event)).toEqual(['error']);
  });
});
