/**
 * Regression tests for what the IKEv1 fuzzer (fuzz/ikev1.ts) found.
 */
import { describe, expect, it } from 'vitest';
import { record, replayV1 } from '../../fuzz/ikev1.js';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import { toHex } from '../../src/util/bytes.js';

describe('IKEv1 fuzz findings', () => {
  for (const [mode, n, what] of [
    ['aggressive', 4, 'Quick Mode response'],
    ['main', 7, 'Quick Mode response'],
    ['aggressive', 6, 'Informational Delete'],
  ] as const) {
    it(`RFC 2408 sections 2.5.3 and 3.1: a ${what} (${mode} mode) with the responder cookie zeroed is dropped; the genuine one is taken`, () => {
      const log = record(nodeProvider, mode, `v1-${mode}`);
      const real = log[n].d.data;
      const forged = real.slice();
      forged.fill(0, 8, 16);
      const bad = replayV1(nodeProvider, { mode, message: n, input: toHex(forged) });
      expect(bad.after).toEqual(bad.before);
      expect(bad.out.events.filter((e) => e.event === 'child-sa-up' || e.event === 'child-sa-down')).toEqual([]);
      const good = replayV1(nodeProvider, { mode, message: n, input: toHex(real) });
      expect(good.after).not.toEqual(good.before);
    });
  }
});
