/** Rebuilds a finding's target and delivers its datagrams again: what a regression test does. */
import type { CryptoProvider } from '../src/crypto/provider.js';
import type { Output } from '../src/ikev2/types.js';
import { fromHex } from '../src/util/bytes.js';
import type { Finding } from './engine.js';
import { build, VARIANTS, type Action, type Built } from './ikev2-targets.js';

export function replay(provider: CryptoProvider, f: Pick<Finding, 'state' | 'variant' | 'action' | 'buildSeed' | 'input' | 'before'>): { built: Built; before: Output[]; out: Output } {
  const variant = VARIANTS.find((v) => v.name === f.variant)!;
  const built = build(provider, f.state, variant, (f.action ?? 'dpd') as Action, f.buildSeed);
  const at = built.seeds[0];
  const before = (f.before ?? []).map((h) => built.ep.receive({ ...at, data: fromHex(h) }, built.net.now));
  const out = built.ep.receive({ ...at, data: fromHex(f.input) }, built.net.now);
  return { built, before, out };
}
