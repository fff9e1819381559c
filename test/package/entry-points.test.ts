/**
 * The published entry points: `npm run build` (tsup) gives ESM and CJS for `ikestack` and
 * `ikestack/node`, with declarations, and the core entry pulls in no Node built-ins.
 * .ci/run builds before testing; locally the suite skips when dist/ is absent (CI=true: fails).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const dist = resolve(root, 'dist');
const built = existsSync(resolve(dist, 'index.js'));
if (!built && process.env.CI === 'true') throw new Error('dist/ is missing: .ci/run must build before npm test');

function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
}

describe.skipIf(!built)('package entry points', () => {
  it('ESM: import("ikestack") and import("ikestack/node") give the API', () => {
    const out = node([
      '--input-type=module',
      '-e',
      `const core = await import('ikestack'); const n = await import('ikestack/node');
       console.log(typeof core.decodeMessageV2, typeof core.decodeMessageV1, core.pureProvider.name, n.nodeProvider.name, typeof n.readCaptureFile);`,
    ]);
    expect(out.trim()).toBe('function function pure node function');
  });

  it('CJS: require("ikestack") and require("ikestack/node") give the API', () => {
    const out = node([
      '-e',
      `const core = require('ikestack'); const n = require('ikestack/node');
       console.log(typeof core.encodeMessageV2, core.pureProvider.name, n.nodeProvider.name);`,
    ]);
    expect(out.trim()).toBe('function pure node');
  });

  it('declarations exist for both entries and both formats', () => {
    for (const f of ['index.d.ts', 'index.d.cts', 'node/index.d.ts', 'node/index.d.cts']) {
      expect(existsSync(resolve(dist, f)), f).toBe(true);
    }
  });

  it('the core bundle imports no Node built-ins (it must run in browsers and workers)', () => {
    const esm = readFileSync(resolve(dist, 'index.js'), 'utf8');
    expect(esm).not.toMatch(/from ['"](node:)?(fs|dgram|crypto|zlib|path|os|net|child_process)['"]/);
    expect(esm).not.toMatch(/require\(['"]node:/);
  });

  it('the CLI runs: ike --help lists the commands', () => {
    const out = node([resolve(dist, 'cli/main.js'), '--help']);
    expect(out).toMatch(/demo/);
    expect(out).toMatch(/conformance/);
  });
});
