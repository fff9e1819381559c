/**
 * ACVP "kdf-components" vector sets for modes ikev1 and ikev2 (NIST ACVP JSON specifications
 * draft-celi-acvp-kdf-ikev1 / -ikev2), in the form that carries inputs and expected values
 * together (tests holding sKeySeed... or sKeyId...). Each test becomes a CAVS-style vector, so one
 * runner checks both formats. Lengths in ACVP groups are in bits, as in CAVS headers.
 */
import { IkeParseError } from '../errors.js';
import type { CavpFile, CavpKind, CavpVector } from './cavp.js';

const WHERE = 'ACVP vector set';

/** ACVP hashAlg names to the CAVS section header that names the same hash. */
const HASH_HEADER: Readonly<Record<string, string>> = {
  'SHA-1': 'SHA-1',
  'SHA2-224': 'SHA-224',
  'SHA2-256': 'SHA-256',
  'SHA2-384': 'SHA-384',
  'SHA2-512': 'SHA-512',
};

/** ACVP test fields to the CAVS record names the runner reads. */
const IKEV2_FIELDS: Readonly<Record<string, string>> = {
  nInit: 'Ni',
  nResp: 'Nr',
  gir: 'g^ir',
  girNew: 'g^ir (new)',
  spiInit: 'SPIi',
  spiResp: 'SPIr',
  sKeySeed: 'SKEYSEED',
  derivedKeyingMaterial: 'DKM',
  derivedKeyingMaterialChild: 'DKM(Child SA)',
  derivedKeyingMaterialDh: 'DKM(Child SA D-H)',
  sKeySeedReKey: 'SKEYSEED(Rekey)',
};

const IKEV1_FIELDS: Readonly<Record<string, string>> = {
  nInit: 'Ni',
  nResp: 'Nr',
  ckyInit: 'CKY_I',
  ckyResp: 'CKY_R',
  gxy: 'g^xy',
  preSharedKey: 'pre-shared-key',
  sKeyId: 'SKEYID',
  sKeyIdD: 'SKEYID_d',
  sKeyIdA: 'SKEYID_a',
  sKeyIdE: 'SKEYID_e',
};

const IKEV1_METHODS: Readonly<Record<string, CavpKind>> = { dsa: 'ikev1-dsa', psk: 'ikev1-psk', pke: 'ikev1-pke' };

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function fail(reason: string): IkeParseError {
  return new IkeParseError('INVALID_SYNTAX', reason, { payload: WHERE });
}

function isObject(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The vector set object: the document itself, or the element of an ACVP message array that has testGroups. */
function vectorSet(doc: Json): { [k: string]: Json } {
  const candidates = Array.isArray(doc) ? doc : [doc];
  const found = candidates.find((c) => isObject(c) && Array.isArray(c.testGroups));
  if (!isObject(found)) throw fail('no object with testGroups');
  return found;
}

/** Converts an ACVP kdf-components ikev1/ikev2 vector set to the runner's vectors. */
export function parseAcvp(text: string): CavpFile {
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (e) {
    throw fail(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const vs = vectorSet(doc);
  const mode = typeof vs.mode === 'string' ? vs.mode.toLowerCase() : '';
  if (vs.algorithm !== 'kdf-components' || (mode !== 'ikev1' && mode !== 'ikev2')) {
    throw fail(`algorithm ${String(vs.algorithm)} mode ${String(vs.mode)} is not kdf-components ikev1/ikev2`);
  }
  const fieldNames = mode === 'ikev2' ? IKEV2_FIELDS : IKEV1_FIELDS;
  const vectors: CavpVector[] = [];
  const kinds = new Set<CavpKind>();
  for (const [gi, group] of (vs.testGroups as Json[]).entries()) {
    if (!isObject(group) || !Array.isArray(group.tests)) throw fail(`testGroups[${gi}] has no tests`);
    const hash = typeof group.hashAlg === 'string' ? HASH_HEADER[group.hashAlg] : undefined;
    if (!hash) throw fail(`testGroups[${gi}].hashAlg ${String(group.hashAlg)} is not a known hash`);
    const headers: Record<string, string> = { [hash]: '' };
    const bits = (name: string, header: string): void => {
      const v = group[name];
      if (v === undefined) return;
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw fail(`testGroups[${gi}].${name} is not a bit length`);
      headers[header] = String(v);
    };
    bits('nInitLength', 'Ni length');
    bits('nRespLength', 'Nr length');
    let kind: CavpKind = 'ikev2';
    if (mode === 'ikev2') {
      bits('dhLength', 'g^ir length');
      bits('derivedKeyingMaterialLength', 'DKM length');
    } else {
      bits('dhLength', 'g^xy length');
      bits('preSharedKeyLength', 'pre-shared-key length');
      const method = typeof group.authenticationMethod === 'string' ? IKEV1_METHODS[group.authenticationMethod.toLowerCase()] : undefined;
      if (!method) throw fail(`testGroups[${gi}].authenticationMethod ${String(group.authenticationMethod)} is not dsa, psk or pke`);
      kind = method;
    }
    kinds.add(kind);
    const section = Object.entries(headers)
      .map(([k, v]) => (v === '' ? `[${k}]` : `[${k} = ${v}]`))
      .join('');
    for (const [ti, test] of group.tests.entries()) {
      if (!isObject(test) || typeof test.tcId !== 'number') throw fail(`testGroups[${gi}].tests[${ti}] has no tcId`);
      const fields: Record<string, string> = {};
      for (const [acvpName, name] of Object.entries(fieldNames)) {
        const v = test[acvpName];
        if (v === undefined) continue;
        if (typeof v !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(v)) throw fail(`test ${test.tcId}: ${acvpName} is not an even-length hex string`);
        fields[name] = v.toLowerCase();
      }
      vectors.push({ count: test.tcId, line: 0, section, headers, fields, kind });
    }
  }
  const fileKind: CavpKind = mode === 'ikev2' ? 'ikev2' : kinds.size === 1 ? [...kinds][0] : 'ikev1';
  return { kind: fileKind, vectors };
}
