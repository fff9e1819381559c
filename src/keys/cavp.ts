/**
 * NIST CAVP SP 800-135 IKE KDF response files (`.fax` / `.rsp`): a strict parser and a runner that
 * recomputes every vector through this library's key schedules with a given crypto provider.
 *
 * Format (CAVS): `#` comment lines, `[...]` section headers (a block of them precedes each group of
 * records; lengths in headers are in bits), and records of `KEY = hexvalue` lines, each record
 * starting at `COUNT = n`. Files use CRLF line endings.
 */
import { IkeError, IkeParseError } from '../errors.js';
import { PrfId } from '../payloads/iana/ikev2.js';
import { concatBytes, fromHex, toHex } from '../util/bytes.js';
import type { CryptoProvider, HashName, Prf } from '../crypto/provider.js';
import { deriveSkeyids, skeyidPreSharedKey, skeyidPublicKeyEncryption, skeyidSignature } from './ikev1.js';
import { parseAcvp } from './acvp.js';
import { childSaKeymat, deriveIkeSaKeys, prfPlus, rekeySkeyseed, skeyseed } from './ikev2.js';

/** `ikev1` is an ACVP IKEv1 vector set whose groups mix authentication methods. */
export type CavpKind = 'ikev1-dsa' | 'ikev1-psk' | 'ikev1-pke' | 'ikev1' | 'ikev2';

/** How each kind is printed. */
export const CAVP_KIND_LABEL: Readonly<Record<CavpKind, string>> = {
  'ikev1-dsa': 'IKEv1 DSA',
  'ikev1-psk': 'IKEv1 PSK',
  'ikev1-pke': 'IKEv1 PKE',
  ikev1: 'IKEv1',
  ikev2: 'IKEv2',
};

/** The test titles CAVS writes on the second comment line, by kind. */
const TITLES: ReadonlyArray<readonly [RegExp, CavpKind]> = [
  [/'IKE v1 Digital Signature Authentication'/i, 'ikev1-dsa'],
  [/'IKE v1 Pre-shared Key Authentication'/i, 'ikev1-psk'],
  [/'IKE v1 Public Key Encryption'/i, 'ikev1-pke'],
  [/'IKE v2'/i, 'ikev2'],
];

/** The section's hash header, mapped to the HMAC PRF that SP 800-135 section 4.1 uses. */
const HASH_HEADERS: Readonly<Record<string, { prfId: number; hash: HashName }>> = {
  'SHA-1': { prfId: PrfId.PRF_HMAC_SHA1, hash: 'sha1' },
  'SHA-256': { prfId: PrfId.PRF_HMAC_SHA2_256, hash: 'sha256' },
  'SHA-384': { prfId: PrfId.PRF_HMAC_SHA2_384, hash: 'sha384' },
  'SHA-512': { prfId: PrfId.PRF_HMAC_SHA2_512, hash: 'sha512' },
  MD5: { prfId: PrfId.PRF_HMAC_MD5, hash: 'md5' },
};

export interface CavpVector {
  count: number;
  /** 1-based line number of the COUNT line. */
  line: number;
  /** The header block in force, e.g. `[g^xy length = 256][SHA-1][Ni length = 64]...`. */
  section: string;
  /** Header name to value (`'' ` for bare headers such as `[SHA-1]`); lengths are in bits. */
  headers: Readonly<Record<string, string>>;
  /** Record fields as written (hex strings), by name. */
  fields: Record<string, string>;
  /** The vector's own kind where it differs from the file's (ACVP groups name their IKEv1 method). */
  kind?: CavpKind;
}

export interface CavpFile {
  kind: CavpKind;
  vectors: CavpVector[];
}

const WHERE = 'CAVP response file';

function parseError(reason: string, line: number, offset: number): IkeParseError {
  return new IkeParseError('INVALID_SYNTAX', `line ${line}: ${reason}`, { payload: WHERE, offset });
}

function detectKind(text: string, vectors: CavpVector[]): CavpKind | undefined {
  const head = text.slice(0, 4096);
  for (const [re, kind] of TITLES) if (re.test(head)) return kind;
  const first = vectors[0]?.fields;
  if (!first) return undefined;
  if ('g^ir' in first) return 'ikev2';
  if ('pre-shared-key' in first) return 'ikev1-psk';
  if ('g^xy' in first) return 'ikev1-dsa';
  return undefined;
}

/**
 * Parses a CAVS response file, or an ACVP kdf-components ikev1/ikev2 vector set with expected
 * values (see acvp.ts) when the text is JSON. Anything that is not a comment, header or
 * `KEY = hex` record throws IkeParseError.
 */
export function parseCavp(text: string): CavpFile {
  // JSON: an object, or an ACVP message array of objects; a CAVS file may open with a `[...]` header.
  if (/^\s*(\{|\[\s*[{\]])/.test(text)) return parseAcvp(text);
  const vectors: CavpVector[] = [];
  // Null-prototype maps: names come from the file (a field named __proto__ stays a field).
  const map = (): Record<string, string> => Object.create(null) as Record<string, string>;
  let headers = map();
  let headerLines: string[] = [];
  let afterRecords = false;
  let current: CavpVector | undefined;
  let offset = 0;
  let lineNo = 0;
  for (const raw of text.split('\n')) {
    lineNo++;
    const lineOffset = offset;
    offset += raw.length + 1;
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      const m = /^\[([^\[\]]*)\]$/.exec(line);
      if (!m) throw parseError(`malformed section header ${JSON.stringify(line.slice(0, 60))}`, lineNo, lineOffset);
      if (afterRecords) {
        headers = map();
        headerLines = [];
        afterRecords = false;
      }
      const eq = m[1].indexOf('=');
      if (eq < 0) headers[m[1].trim()] = '';
      else headers[m[1].slice(0, eq).trim()] = m[1].slice(eq + 1).trim();
      headerLines.push(`[${m[1].trim()}]`);
      current = undefined;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw parseError(`expected 'NAME = value', got ${JSON.stringify(line.slice(0, 60))}`, lineNo, lineOffset);
    const name = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    afterRecords = true;
    if (name === 'COUNT') {
      if (!/^\d{1,9}$/.test(value)) throw parseError(`COUNT ${JSON.stringify(value.slice(0, 20))} is not a number`, lineNo, lineOffset);
      current = { count: Number(value), line: lineNo, section: headerLines.join(''), headers: Object.assign(map(), headers), fields: map() };
      vectors.push(current);
      continue;
    }
    if (!current) throw parseError(`field ${name} before any COUNT`, lineNo, lineOffset);
    if (Object.hasOwn(current.fields, name)) throw parseError(`field ${name} repeated in COUNT ${current.count}`, lineNo, lineOffset);
    if (!/^([0-9a-fA-F]{2})*$/.test(value)) throw parseError(`${name} is not an even-length hex string`, lineNo, lineOffset);
    current.fields[name] = value.toLowerCase();
  }
  const kind = detectKind(text, vectors);
  if (!kind) throw new IkeParseError('INVALID_SYNTAX', 'not an IKEv1 or IKEv2 KDF response file (no known title or fields)', { payload: WHERE });
  return { kind, vectors };
}

export interface CavpFailure {
  count: number;
  line: number;
  section: string;
  /** The field that did not match, or the stage that could not run. */
  field: string;
  reason: string;
  expected?: string;
  actual?: string;
}

export interface CavpResult {
  file: string;
  kind: CavpKind;
  passed: number;
  failed: number;
  failures: CavpFailure[];
}

/** Thrown inside a vector to record it as failed without a comparison. */
class VectorProblem extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(reason);
  }
}

interface VectorContext {
  v: CavpVector;
  /** Mismatches found in this vector. */
  mismatches: CavpFailure[];
}

function input(ctx: VectorContext, name: string, lengthHeader?: string): Uint8Array {
  const hex = ctx.v.fields[name];
  if (hex === undefined) throw new VectorProblem(name, `missing field ${name}`);
  const bytes = fromHex(hex);
  const bits = lengthHeader === undefined ? undefined : ctx.v.headers[lengthHeader];
  if (bits !== undefined && bits !== '' && Number(bits) !== bytes.length * 8) {
    throw new VectorProblem(name, `${name} is ${bytes.length * 8} bits but [${lengthHeader} = ${bits}]`);
  }
  return bytes;
}

/** Output length in bytes: from the `[... length = bits]` header, else from the expected value. */
function outputLength(ctx: VectorContext, name: string, lengthHeader: string): number {
  const expected = ctx.v.fields[name];
  if (expected === undefined) throw new VectorProblem(name, `missing expected value ${name}`);
  const bits = ctx.v.headers[lengthHeader];
  if (bits === undefined || bits === '') return expected.length / 2;
  const n = Number(bits);
  if (!Number.isSafeInteger(n) || n <= 0 || n % 8 !== 0) throw new VectorProblem(name, `[${lengthHeader} = ${bits}] is not a whole number of bytes`);
  return n / 8;
}

function check(ctx: VectorContext, name: string, actual: Uint8Array): void {
  const expected = ctx.v.fields[name];
  if (expected === undefined) throw new VectorProblem(name, `missing expected value ${name}`);
  const got = toHex(actual);
  if (got !== expected) {
    ctx.mismatches.push({
      count: ctx.v.count,
      line: ctx.v.line,
      section: ctx.v.section,
      field: name,
      reason: `${name} differs`,
      expected,
      actual: got,
    });
  }
}

function sectionPrf(ctx: VectorContext, provider: CryptoProvider): { prf: Prf; hash: HashName } {
  const hashes = Object.keys(ctx.v.headers).filter((h) => ctx.v.headers[h] === '' && /^(SHA|MD5)/i.test(h));
  if (hashes.length !== 1) throw new VectorProblem('section', `expected one hash header, found ${hashes.length}`);
  const known = HASH_HEADERS[hashes[0].toUpperCase()];
  if (known === undefined) throw new VectorProblem('section', `hash ${hashes[0]} has no IKE PRF`);
  const prf = provider.prf(known.prfId);
  if (!prf) throw new VectorProblem('section', `provider ${provider.name} has no ${PrfId.label(known.prfId)}`);
  return { prf, hash: known.hash };
}

/** SP 800-135 section 4.1 (RFC 2409 section 5): SKEYID by authentication method, then SKEYID_d/a/e. */
function runIkev1(ctx: VectorContext, provider: CryptoProvider, kind: CavpKind): void {
  if (kind === 'ikev1') throw new VectorProblem('section', 'no IKEv1 authentication method for this vector');
  const { prf, hash } = sectionPrf(ctx, provider);
  const ckyI = input(ctx, 'CKY_I');
  const ckyR = input(ctx, 'CKY_R');
  const ni = input(ctx, 'Ni', 'Ni length');
  const nr = input(ctx, 'Nr', 'Nr length');
  const gxy = input(ctx, 'g^xy', 'g^xy length');
  let SKEYID: Uint8Array;
  if (kind === 'ikev1-dsa') SKEYID = skeyidSignature(prf, ni, nr, gxy);
  else if (kind === 'ikev1-psk') SKEYID = skeyidPreSharedKey(prf, input(ctx, 'pre-shared-key', 'pre-shared-key length'), ni, nr);
  else SKEYID = skeyidPublicKeyEncryption(prf, (d) => provider.hash(hash, d), ni, nr, ckyI, ckyR);
  check(ctx, 'SKEYID', SKEYID);
  const k = deriveSkeyids(prf, SKEYID, gxy, ckyI, ckyR);
  check(ctx, 'SKEYID_d', k.SKEYID_d);
  check(ctx, 'SKEYID_a', k.SKEYID_a);
  check(ctx, 'SKEYID_e', k.SKEYID_e);
}

/** SP 800-135 section 4.2 (RFC 7296 sections 2.14, 2.17, 2.18). */
function runIkev2(ctx: VectorContext, provider: CryptoProvider): void {
  const { prf } = sectionPrf(ctx, provider);
  const ni = input(ctx, 'Ni', 'Ni length');
  const nr = input(ctx, 'Nr', 'Nr length');
  const gir = input(ctx, 'g^ir', 'g^ir length');
  const girNew = input(ctx, 'g^ir (new)', 'g^ir length');
  const spiI = input(ctx, 'SPIi');
  const spiR = input(ctx, 'SPIr');
  const SKEYSEED = skeyseed(prf, ni, nr, gir);
  check(ctx, 'SKEYSEED', SKEYSEED);
  check(ctx, 'DKM', prfPlus(prf, SKEYSEED, concatBytes(ni, nr, spiI, spiR), outputLength(ctx, 'DKM', 'DKM length')));
  const { SK_d } = deriveIkeSaKeys(prf, SKEYSEED, ni, nr, spiI, spiR, { integKeyLength: 0, encrKeyLength: 0 });
  const childLength = outputLength(ctx, 'DKM(Child SA)', 'Child SA DKM length');
  check(ctx, 'DKM(Child SA)', childSaKeymat(prf, SK_d, ni, nr, childLength));
  const childDhLength = outputLength(ctx, 'DKM(Child SA D-H)', 'Child SA DKM length');
  check(ctx, 'DKM(Child SA D-H)', childSaKeymat(prf, SK_d, ni, nr, childDhLength, girNew));
  check(ctx, 'SKEYSEED(Rekey)', rekeySkeyseed(prf, SK_d, girNew, ni, nr));
}

/** Runs every vector of a parsed file through this library with `provider`. */
export function runCavpFile(parsed: CavpFile, provider: CryptoProvider, file = '(input)'): CavpResult {
  const result: CavpResult = { file, kind: parsed.kind, passed: 0, failed: 0, failures: [] };
  for (const v of parsed.vectors) {
    const ctx: VectorContext = { v, mismatches: [] };
    try {
      const kind = v.kind ?? parsed.kind;
      if (kind === 'ikev2') runIkev2(ctx, provider);
      else runIkev1(ctx, provider, kind);
    } catch (e) {
      if (!(e instanceof VectorProblem || e instanceof IkeError)) throw e;
      ctx.mismatches.push({
        count: v.count,
        line: v.line,
        section: v.section,
        field: e instanceof VectorProblem ? e.field : 'computation',
        reason: e.message,
      });
    }
    if (ctx.mismatches.length === 0) result.passed++;
    else {
      result.failed++;
      result.failures.push(...ctx.mismatches);
    }
  }
  return result;
}

/** Parses and runs one CAVS IKE KDF response file (see `parseCavp`, `runCavpFile`). */
export function runCavp(text: string, provider: CryptoProvider, file = '(input)'): CavpResult {
  return runCavpFile(parseCavp(text), provider, file);
}
