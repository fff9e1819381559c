/**
 * ACVP kdf-components ikev1/ikev2 vector sets (draft-celi-acvp-kdf-ikev1 / -ikev2 field names).
 * No ACVP files are in the shared folder, so the NIST CAVS vectors are re-expressed as ACVP JSON
 * here (same NIST values, ACVP names) and must give the same verdicts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IkeParseError } from '../../src/errors.js';
import { parseCavp, runCavp, type CavpVector } from '../../src/keys/index.js';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import { sharedDir } from '../helpers/shared.js';

const dir = sharedDir('IKESTACK_CAVP_DIR');

const ACVP_HASH: Record<string, string> = { 'SHA-1': 'SHA-1', 'SHA-256': 'SHA2-256', 'SHA-384': 'SHA2-384', 'SHA-512': 'SHA2-512' };
const V2: Record<string, string> = {
  Ni: 'nInit', Nr: 'nResp', 'g^ir': 'gir', 'g^ir (new)': 'girNew', SPIi: 'spiInit', SPIr: 'spiResp', SKEYSEED: 'sKeySeed',
  DKM: 'derivedKeyingMaterial', 'DKM(Child SA)': 'derivedKeyingMaterialChild', 'DKM(Child SA D-H)': 'derivedKeyingMaterialDh', 'SKEYSEED(Rekey)': 'sKeySeedReKey',
};
const V1: Record<string, string> = {
  Ni: 'nInit', Nr: 'nResp', CKY_I: 'ckyInit', CKY_R: 'ckyResp', 'g^xy': 'gxy', 'pre-shared-key': 'preSharedKey',
  SKEYID: 'sKeyId', SKEYID_d: 'sKeyIdD', SKEYID_a: 'sKeyIdA', SKEYID_e: 'sKeyIdE',
};

function groups(vectors: CavpVector[], method?: string): object[] {
  const bySection = new Map<string, CavpVector[]>();
  for (const v of vectors) bySection.set(v.section, [...(bySection.get(v.section) ?? []), v]);
  return [...bySection.values()].map((vs) => {
    const h = vs[0].headers;
    const hash = Object.keys(h).find((k) => k.startsWith('SHA'))!;
    const names = method ? V1 : V2;
    return {
      hashAlg: ACVP_HASH[hash],
      ...(method ? { authenticationMethod: method } : {}),
      nInitLength: Number(h['Ni length']),
      nRespLength: Number(h['Nr length']),
      dhLength: Number(h['g^ir length'] ?? h['g^xy length']),
      ...(h['DKM length'] ? { derivedKeyingMaterialLength: Number(h['DKM length']) } : {}),
      ...(h['pre-shared-key length'] ? { preSharedKeyLength: Number(h['pre-shared-key length']) } : {}),
      tests: vs.map((v) => ({
        tcId: (method === 'psk' ? 10000 : 0) + v.count + 100 * [...bySection.keys()].indexOf(v.section),
        ...Object.fromEntries(Object.entries(v.fields).map(([k, x]) => [names[k], x.toUpperCase()])),
      })),
    };
  });
}

describe.skipIf(!dir)('ACVP kdf-components vector sets', () => {
  const read = (n: string) => readFileSync(join(dir!, n), 'utf8');

  it('ikev2: the 900 NIST vectors as an ACVP vector set all pass, and a changed value fails', () => {
    const doc = [{ acvVersion: '1.0' }, { vsId: 1, algorithm: 'kdf-components', mode: 'ikev2', revision: '1.0', testGroups: groups(parseCavp(read('ikev2.fax')).vectors) }];
    const text = JSON.stringify(doc);
    const r = runCavp(text, nodeProvider, 'ikev2.json');
    expect(r.failures).toEqual([]);
    expect(r).toMatchObject({ kind: 'ikev2', passed: 900, failed: 0 });
    const bad = runCavp(text.replace('A9A7B222B59F8F48645F28A1DB5B5F5D7479CBA7', 'A9A7B222B59F8F48645F28A1DB5B5F5D7479CBA8'), nodeProvider);
    expect([bad.passed, bad.failed, bad.failures[0].field]).toEqual([899, 1, 'SKEYSEED']);
  });

  it('ikev1: groups name their authentication method (dsa, psk) and may mix them in one set', () => {
    const testGroups = [...groups(parseCavp(read('ikev1_dsa.fax')).vectors, 'dsa'), ...groups(parseCavp(read('ikev1_psk.fax')).vectors, 'psk')];
    const r = runCavp(JSON.stringify({ algorithm: 'kdf-components', mode: 'ikev1', testGroups }), nodeProvider);
    expect(r.failures).toEqual([]);
    expect(r).toMatchObject({ kind: 'ikev1', passed: 3400, failed: 0 });
    // The same PSK vectors run as signature vectors must fail: the method really selects the SKEYID rule.
    const swapped = testGroups.map((g) => ({ ...g, authenticationMethod: 'dsa' }));
    const s = runCavp(JSON.stringify({ algorithm: 'kdf-components', mode: 'ikev1', testGroups: swapped }), nodeProvider);
    expect([s.passed, s.failed]).toEqual([1700, 1700]);
  });
});

describe('ACVP vector set parsing (strict)', () => {
  it('rejects bad JSON, other algorithms, unknown hashes and methods, and non-hex values', () => {
    const group = { hashAlg: 'SHA-1', authenticationMethod: 'psk', tests: [{ tcId: 1, nInit: '00' }] };
    for (const text of [
      '{"algorithm": ',
      JSON.stringify({ algorithm: 'kdf-components', mode: 'tls', testGroups: [] }),
      JSON.stringify({ algorithm: 'kdf-components', mode: 'ikev1', testGroups: [{ ...group, hashAlg: 'MD4' }] }),
      JSON.stringify({ algorithm: 'kdf-components', mode: 'ikev1', testGroups: [{ ...group, authenticationMethod: 'rsa' }] }),
      JSON.stringify({ algorithm: 'kdf-components', mode: 'ikev1', testGroups: [{ ...group, tests: [{ tcId: 1, nInit: 'xyz' }] }] }),
      JSON.stringify({ algorithm: 'kdf-components', mode: 'ikev1', testGroups: [{ ...group, nInitLength: -8 }] }),
    ]) {
      expect(() => parseCavp(text)).toThrow(IkeParseError);
    }
    expect(parseCavp(JSON.stringify({ algorithm: 'kdf-components', mode: 'ikev1', testGroups: [group] })).kind).toBe('ikev1-psk');
  });
});
