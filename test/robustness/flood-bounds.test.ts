/**
 * Bounds on responder state (RFC 7296 section 2.6) in the in-memory harness: maxHalfOpen is a
 * hard limit even for initiators that return a valid COOKIE (a flooder with real addresses can
 * return cookies), and those above it are asked for a cookie again, not given state.
 */
import { describe, expect, it } from 'vitest';
import { Ikev2Endpoint } from '../../src/ikev2/endpoint.js';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import { config, Net, seededRandom } from '../ikev2/session-harness.js';

function halfOpen(ep: Ikev2Endpoint): number {
  return ep.status().filter((s) => !s.initiator && s.state === 'INIT_DONE').length;
}

describe('half-open bound with cookies (RFC 7296 section 2.6)', () => {
  it('initiators returning valid cookies never take the responder above maxHalfOpen', () => {
    const net = new Net();
    const bobConfig = config('bob');
    net.add('bob', { provider: nodeProvider, configs: [bobConfig], random: seededRandom('bob'), cookieThreshold: 2, maxHalfOpen: 4 }, [16600, 16601]);
    const initiators: string[] = [];
    for (let i = 0; i < 10; i++) {
      const name = `alice${i}`;
      const c = config('alice');
      c.local = { ...c.local, port: 17000 + 2 * i };
      net.add(name, { provider: nodeProvider, configs: [c], random: seededRandom(name), retransmitTries: 0 }, [c.local.port, c.local.port + 1]);
      initiators.push(name);
    }
    // Their IKE_AUTH requests are lost: Bob's SAs stay half open.
    net.drop = (d) => d.data[18] === 35;
    for (const name of initiators) {
      net.take(name, net.ep(name).initiate(undefined, net.now));
      net.run();
      expect(halfOpen(net.ep('bob'))).toBeLessThanOrEqual(4);
    }
    expect(halfOpen(net.ep('bob'))).toBe(4);
    // The ones above the bound got COOKIE answers (and gave up after their retries), never an SA.
    const withSa = initiators.filter((n) => net.ep(n).status().some((s) => s.state === 'AUTH_SENT'));
    expect(withSa).toHaveLength(4);
  });

  it('maxHalfOpenPerPeer: one address cannot take the whole table; another address still gets in', () => {
    const net = new Net();
    net.add('bob', { provider: nodeProvider, configs: [config('bob')], random: seededRandom('bob'), maxHalfOpen: 100, maxHalfOpenPerPeer: 3 }, [16600, 16601]);
    const start = (name: string, address: string, port: number) => {
      const c = config('alice');
      c.local = { ...c.local, address, port };
      net.add(name, { provider: nodeProvider, configs: [c], random: seededRandom(name), retransmitTries: 0 }, [
        { address, port },
        { address, port: port + 1 },
      ]);
      net.take(name, net.ep(name).initiate(undefined, net.now));
      net.run();
    };
    net.drop = (d) => d.data[18] === 35;
    for (let i = 0; i < 6; i++) start(`alice${i}`, '127.0.0.1', 17000 + 2 * i);
    expect(halfOpen(net.ep('bob'))).toBe(3);
    start('carol', '127.0.0.3', 18000);
    expect(halfOpen(net.ep('bob'))).toBe(4);
    expect(net.ep('carol').status()[0].state).toBe('AUTH_SENT');
  });
});
