/** `ike conformance --cavp`: one line per file, the total last, exit code 1 on any failure. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/commands/conformance.js';
import { sharedDir } from '../helpers/shared.js';

const dir = sharedDir('IKESTACK_CAVP_DIR');
const FILES = ['ikev1_dsa.fax', 'ikev1_psk.fax', 'ikev2.fax'];

async function capture(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { code: await run(args), out, err };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe.skipIf(!dir)('ike conformance on the NIST CAVP IKE KDF files', () => {
  let tmp: string | undefined;
  afterEach(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    tmp = undefined;
  });

  it('passes all 4300 vectors with the pure provider and exits 0', async () => {
    const { code, out } = await capture(['--cavp', ...FILES.map((f) => join(dir!, f)), '--provider', 'pure']);
    expect(out).toEqual([
      'ikev1_dsa.fax: IKEv1 DSA 1700 passed, 0 failed',
      'ikev1_psk.fax: IKEv1 PSK 1700 passed, 0 failed',
      'ikev2.fax: IKEv2 900 passed, 0 failed',
      '4300 passed, 0 failed',
    ]);
    expect(code).toBe(0);
  });

  it('a tampered copy (one SKEYSEED digit changed) exits 1 and is counted', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'ike-cavp-'));
    const text = readFileSync(join(dir!, 'ikev2.fax'), 'utf8');
    const target = 'SKEYSEED = a9a7b222b59f8f48645f28a1db5b5f5d7479cba7';
    expect(text).toContain(target);
    const copy = join(tmp, 'ikev2.fax');
    writeFileSync(copy, text.replace(target, 'SKEYSEED = a9a7b222b59f8f48645f28a1db5b5f5d7479cba8'));
    const { code, out, err } = await capture(['--cavp', copy, '--provider', 'node']);
    expect(out).toEqual(['ikev2.fax: IKEv2 899 passed, 1 failed', '899 passed, 1 failed']);
    expect(err.join('\n')).toMatch(/COUNT = 0 .*SKEYSEED differs/);
    expect(code).toBe(1);
  });
});

describe('ike conformance arguments', () => {
  it('exits 2 without files or with an unknown provider', async () => {
    expect((await capture([])).code).toBe(2);
    expect((await capture(['--cavp', 'x.fax', '--provider', 'openssl'])).code).toBe(2);
  });

  it('exits 1 when a file cannot be read or is not a CAVP file', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'ike-cavp-'));
    try {
      const junk = join(tmp, 'junk.fax');
      writeFileSync(junk, 'hello\n');
      const r = await capture(['--cavp', join(tmp, 'missing.fax'), junk]);
      expect(r.code).toBe(1);
      expect(r.out.at(-1)).toBe('0 passed, 0 failed');
      expect(r.out[1]).toMatch(/^junk.fax: .*line 1/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
