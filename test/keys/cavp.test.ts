/**
 * NIST CAVP SP 800-135 IKE KDF component vectors (CAVS 17.3 response files, read from the shared
 * folder, never copied): every vector passes through our key schedules on both providers, and the
 * runner reports a vector whose expected value was changed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pureProvider } from '../../src/crypto/pure.js';
import { IkeParseError } from '../../src/errors.js';
import { parseCavp, runCavp } from '../../src/keys/index.js';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import { sharedDir } from '../helpers/shared.js';

const dir = sharedDir('IKESTACK_CAVP_DIR');
const read = (name: string): string => readFileSync(join(dir!, name), 'utf8');

const FILES = [
  { name: 'ikev1_dsa.fax', kind: 'ikev1-dsa', count: 1700 },
  { name: 'ikev1_psk.fax', kind: 'ikev1-psk', count: 1700 },
  { name: 'ikev2.fax', kind: 'ikev2', count: 900 },
] as const;

describe.skipIf(!dir)('NIST CAVP SP 800-135 IKE KDF vectors', () => {
  for (const provider of [pureProvider, nodeProvider]) {
    for (const f of FILES) {
      it(`${f.name}: all ${f.count} vectors pass on the ${provider.name} provider (RFC 2409 section 5 / RFC 7296 sections 2.14, 2.17, 2.18)`, () => {
        const r = runCavp(read(f.name), provider, f.name);
        expect(r.failures).toEqual([]);
        expect(r).toMatchObject({ file: f.name, kind: f.kind, passed: f.count, failed: 0 });
      });
    }
  }

  it('headers state lengths in bits: the parser keeps each record with its own header block', () => {
    const parsed = parseCavp(read('ikev2.fax'));
    expect(parsed.vectors).toHaveLength(900);
    const long = parsed.vectors.filter((v) => v.headers['Ni length'] === '2048');
    expect(long).toHaveLength(400);
    for (const v of long) expect(v.fields.Ni).toHaveLength(2048 / 4);
    expect(parsed.vectors[100].section).toBe(
      '[g^ir length = 256][SHA-1][Ni length = 2048][Nr length = 2048][DKM length = 3072][Child SA DKM length = 3072]',
    );
  });

  it('a mutated expected value in one vector fails exactly that vector, naming the field', () => {
    const text = read('ikev1_psk.fax');
    const target = 'SKEYID_a = 588e957d8d790d093b3a39f121473473af78e9bb';
    expect(text).toContain(target);
    const r = runCavp(text.replace(target, 'SKEYID_a = 588e957d8d790d093b3a39f121473473af78e9bc'), nodeProvider, 'x');
    expect(r.passed).toBe(1699);
    expect(r.failed).toBe(1);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatchObject({ count: 0, field: 'SKEYID_a', expected: '588e957d8d790d093b3a39f121473473af78e9bc' });
  });

  it('a mutated IKEv2 child keymat and a mutated input are both detected', () => {
    const text = read('ikev2.fax');
    const dkm = /DKM\(Child SA D-H\) = ([0-9a-f]+)/.exec(text)![1];
    const flipped = dkm.slice(0, -1) + (dkm.endsWith('0') ? '1' : '0');
    let r = runCavp(text.replace(dkm, flipped), nodeProvider);
    expect([r.passed, r.failed, r.failures[0].field]).toEqual([899, 1, 'DKM(Child SA D-H)']);
    // SPIr enters prf+ but not SKEYSEED (RFC 7296 section 2.14); everything keyed by SK_d follows.
    r = runCavp(text.replace('SPIr = 3ff77d760d2b2199', 'SPIr = 3ff77d760d2b2198'), nodeProvider);
    expect(r.failed).toBe(1);
    expect(r.failures.map((f) => f.field)).toEqual(['DKM', 'DKM(Child SA)', 'DKM(Child SA D-H)', 'SKEYSEED(Rekey)']);
  });

  it('a value whose length contradicts its [... length] header is a failure, not a silent pass', () => {
    const text = read('ikev1_dsa.fax').replace('Ni = 69a62284195f1680', 'Ni = 69a62284195f168000');
    const r = runCavp(text, nodeProvider);
    expect(r.failed).toBe(1);
    expect(r.failures[0].reason).toMatch(/Ni is 72 bits but \[Ni length = 64\]/);
  });

  it('a provider without the PRF fails the vectors instead of skipping them', () => {
    const none = { ...nodeProvider, prf: () => undefined };
    const r = runCavp(read('ikev2.fax'), none);
    expect([r.passed, r.failed]).toEqual([0, 900]);
  });
});

describe('CAVP response file parser (strict)', () => {
  const header = "# CAVS 17.3\r\n# 'IKE v2' information for a\r\n\r\n[g^ir length = 8]\r\n[SHA-1]\r\n\r\n";

  it('detects the kind from the CAVS title, else from the fields', () => {
    expect(parseCavp(header).kind).toBe('ikev2');
    expect(parseCavp('[SHA-1]\nCOUNT = 0\npre-shared-key = 01\ng^xy = 02\n').kind).toBe('ikev1-psk');
    expect(parseCavp('[SHA-1]\nCOUNT = 0\ng^xy = 02\n').kind).toBe('ikev1-dsa');
    expect(() => parseCavp('[SHA-1]\nCOUNT = 0\nfoo = 02\n')).toThrow(IkeParseError);
  });

  it('rejects non-hex values, fields before COUNT, repeated fields and stray lines with the line number', () => {
    for (const [body, reason] of [
      ['COUNT = 0\r\ng^ir = zz\r\n', /line 8: g\^ir is not an even-length hex string/],
      ['COUNT = 0\r\ng^ir = 123\r\n', /line 8: g\^ir is not an even-length hex string/],
      ['g^ir = 12\r\n', /line 7: field g\^ir before any COUNT/],
      ['COUNT = 0\r\nNi = 12\r\nNi = 12\r\n', /line 9: field Ni repeated/],
      ['COUNT = 0\r\nwhat is this\r\n', /line 8: expected 'NAME = value'/],
      ['[SHA-1\r\n', /line 7: malformed section header/],
      ['COUNT = -1\r\n', /line 7: COUNT "-1" is not a number/],
    ] as const) {
      let err: unknown;
      try {
        parseCavp(header + body);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(IkeParseError);
      expect((err as IkeParseError).message).toMatch(reason);
      expect((err as IkeParseError).payload).toBe('CAVP response file');
      expect(typeof (err as IkeParseError).offset).toBe('number');
    }
  });

  it('a record missing its expected outputs fails (a request file cannot pass)', () => {
    const r = runCavp(header + 'COUNT = 0\r\nNi = 00\r\nNr = 00\r\ng^ir = 00\r\ng^ir (new) = 00\r\nSPIi = 0000000000000000\r\nSPIr = 0000000000000000\r\n', pureProvider);
    expect([r.passed, r.failed]).toEqual([0, 1]);
    expect(r.failures[0].reason).toMatch(/missing expected value SKEYSEED/);
  });
});
