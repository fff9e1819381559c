import { describe, expect, it } from 'vitest';
import { pureProvider } from '../../src/crypto/pure.js';
import { Ikev2Endpoint } from '../../src/ikev2/endpoint.js';
import { config, seededRandom } from '../ikev2/session-harness.js';


function firstOctets(index: number, count: number, n: number, seed: string): number[] {
  const ep = new Ikev2Endpoint({ provider: pureProvider, configs: [config('alice')], random: seededRandom(seed), spiPartition: { index, count } });
  for (let i = 0; i < n; i++) ep.initiate(undefined, 0);
  return ep.status().map((s) => Number.parseInt(s.localSpi!.slice(0, 2), 16));
}

describe('EndpointOptions.spiPartition: IKE SPIs (RFC 7296 section 3.1) drawn inside a partition', () => {
  it('every SPI of ours has its first octet congruent to index modulo count, and every such octet occurs', () => {
    const octets = firstOctets(1, 3, 1500, 'partition-1-of-3');
    expect(octets).toHaveLength(1500);
    for (const o of octets) expect(o % 3).toBe(1);
    // 85 octets (1, 4, ..., 253), about 18 draws each: a uniform draw reaches all of them.
    expect(new Set(octets).size).toBe(85);
  });

  it('two partitions never share a first octet', () => {
    const a = new Set(firstOctets(0, 2, 200, 'p0'));
    const b = new Set(firstOctets(1, 2, 200, 'p1'));
    for (const o of a) expect(b.has(o)).toBe(false);
  });

  it('a partition outside 1 <= count <= 256, 0 <= index < count is refused', () => {
    for (const spiPartition of [{ index: 2, count: 2 }, { index: 0, count: 0 }, { index: 0, count: 257 }, { index: -1, count: 2 }, { index: 0.5, count: 2 }]) {
      expect(() => new Ikev2Endpoint({ provider: pureProvider, configs: [config('alice')], spiPartition })).toThrow(/spiPartition/);
    }
  });
});
