/**
 * RFC 7296 section 2.21 / house rule: whatever arrives, receive() neither throws nor lets an
 * unauthenticated message change an established SA. Mutations of real datagrams from a session
 * are fed to the responder, then the SA must still answer a genuine request.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import { connect, pair } from './session-harness.js';

describe('mutated datagrams (RFC 7296 section 2.21)', () => {
  it('never throw, never take the established SA down, never stop it answering', () => {
    const net = pair(nodeProvider, { pfs: 'x25519' });
    connect(net);
    const id = net.ep('alice').status()[0].ikeSaId;
    net.take('alice', net.ep('alice').createChildSa(id, net.now));
    net.run();
    const samples = net.log.filter((l) => l.from === 'alice').map((l) => l.data);
    const bob = net.ep('bob');
    const at = { local: { address: '127.0.0.1', port: 16600 }, remote: { address: '127.0.0.1', port: 16500 } };
    fc.assert(
      fc.property(
        fc.nat(samples.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.oneof(fc.constant('flip'), fc.constant('truncate'), fc.constant('extend')),
        (which, flips, how) => {
          let data = samples[which].slice();
          if (how === 'truncate') data = data.subarray(0, flips[0][0] % data.length);
          else if (how === 'extend') data = Uint8Array.from([...data, ...flips.map((f) => f[1])]);
          else for (const [pos, x] of flips) data[pos % data.length] ^= x;
          const out = bob.receive({ data, ...at }, net.now);
          expect(out.events.filter((e) => e.event === 'ike-sa-down' || e.event === 'child-sa-down')).toEqual([]);
        },
      ),
      { numRuns: 400, seed: 7 },
    );
    const established = bob.status().filter((s) => s.state === 'ESTABLISHED');
    expect(established).toHaveLength(1);
    expect(established[0].children).toHaveLength(2);
    net.take('alice', net.ep('alice').checkLiveness(id, net.now));
    net.run();
    expect(net.events('alice', 'ike-sa-down')).toEqual([]);
    expect(net.ep('alice').status()[0].messageIds.nextRequest).toBe(4);
  });
});
