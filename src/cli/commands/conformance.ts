/**
 * `ike conformance --cavp FILE... [--provider pure|node]`: runs NIST CAVP SP 800-135 IKE KDF
 * response files (or ACVP kdf-components ikev1/ikev2 JSON with expected values) through the key
 * schedules and prints one line per file and a total. Exit code 1
 * when any vector fails or a file cannot be read or parsed, 2 on a usage error.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { pureProvider } from '../../crypto/pure.js';
import type { CryptoProvider } from '../../crypto/provider.js';
import { CAVP_KIND_LABEL, runCavp } from '../../keys/cavp.js';
import { nodeProvider } from '../../node/crypto/provider.js';

const USAGE = 'usage: ike conformance --cavp FILE... [--provider pure|node]';

/** Failures shown per file; the rest are counted only. */
const SHOWN_FAILURES = 5;

const PROVIDERS: Record<string, CryptoProvider> = { pure: pureProvider, node: nodeProvider };

interface Options {
  files: string[];
  provider: CryptoProvider;
}

function parseArgs(args: string[]): Options | string {
  const files: string[] = [];
  let provider = nodeProvider;
  let inFiles = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-h' || a === '--help') return USAGE;
    if (a === '--cavp') {
      inFiles = true;
    } else if (a === '--provider') {
      const name = args[++i];
      const p = name === undefined ? undefined : PROVIDERS[name];
      if (!p) return `ike conformance: --provider takes pure or node, got ${name ?? 'nothing'}\n${USAGE}`;
      provider = p;
      inFiles = false;
    } else if (a.startsWith('--')) {
      return `ike conformance: unknown option ${a}\n${USAGE}`;
    } else if (inFiles) {
      files.push(a);
    } else {
      return `ike conformance: unexpected argument ${a}\n${USAGE}`;
    }
  }
  if (files.length === 0) return `ike conformance: no files given\n${USAGE}`;
  return { files, provider };
}

export async function run(args: string[]): Promise<number> {
  const opts = parseArgs(args);
  if (typeof opts === 'string') {
    if (opts === USAGE) {
      console.log(USAGE);
      return 0;
    }
    console.error(opts);
    return 2;
  }
  let passed = 0;
  let failed = 0;
  let broken = false;
  for (const path of opts.files) {
    const name = basename(path);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      console.log(`${name}: cannot read: ${e instanceof Error ? e.message : String(e)}`);
      broken = true;
      continue;
    }
    let r;
    try {
      r = runCavp(text, opts.provider, name);
    } catch (e) {
      console.log(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      broken = true;
      continue;
    }
    console.log(`${name}: ${CAVP_KIND_LABEL[r.kind]} ${r.passed} passed, ${r.failed} failed`);
    if (r.passed + r.failed === 0) {
      console.log(`${name}: no vectors`);
      broken = true;
    }
    for (const f of r.failures.slice(0, SHOWN_FAILURES)) {
      const detail = f.expected !== undefined ? ` (expected ${f.expected.slice(0, 40)}, got ${(f.actual ?? '').slice(0, 40)})` : '';
      const where = f.line > 0 ? `${name}:${f.line} COUNT = ${f.count}` : `${name} tcId ${f.count}`;
      console.error(`  ${where} ${f.section}: ${f.reason}${detail}`);
    }
    if (r.failures.length > SHOWN_FAILURES) console.error(`  ... ${r.failures.length - SHOWN_FAILURES} more mismatches`);
    passed += r.passed;
    failed += r.failed;
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 || broken ? 1 : 0;
}
