/**
 * Known answers for every PRF and integrity transform, transcribed by hand from the RFCs into
 * vectors/*.json, run through the CryptoProvider interface of the pure provider, the stacked
 * node provider and the node:crypto-only objects, and through the building blocks directly.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  aesCmac,
  aesCmacPrf128,
  aesXcbcMac,
  aesXcbcPrf128,
  hmac,
  pureIntegrity,
  purePrf,
} from '../../src/crypto/mac/index.js';
import { pureProvider } from '../../src/crypto/pure.js';
import type { Integrity, Prf } from '../../src/crypto/provider.js';
import { nodeIntegrity, nodePrf } from '../../src/node/crypto/mac.js';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import { IntegId, PrfId } from '../../src/payloads/iana/ikev2.js';
import { fromHex, toHex, utf8Encode } from '../../src/util/bytes.js';

/** A byte string as the vector files write it: hex, an ASCII string, or a run of one byte. */
type ByteSpec = string | { ascii: string } | { repeat: string; count: number };

interface Output {
  algorithm: string;
  value: string;
  /** The RFC prints only this many leftmost bytes of the full output. */
  truncatedTo?: number;
}

interface VectorCase {
  section: string;
  name: string;
  key: ByteSpec;
  data: ByteSpec;
  outputs: Output[];
}

interface VectorFile {
  source: string;
  cases: VectorCase[];
}

function bytesOf(spec: ByteSpec): Uint8Array {
  if (typeof spec === 'string') return fromHex(spec);
  if ('ascii' in spec) return utf8Encode(spec.ascii);
  return new Uint8Array(spec.count).fill(fromHex(spec.repeat)[0]);
}

function load(name: string): VectorFile {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../../vectors/${name}`, import.meta.url)), 'utf8')) as VectorFile;
}

/** Where each RFC algorithm name is reachable: PRF and integrity transform IDs, and the building block. */
interface Route {
  prf?: number;
  integ?: number;
  block?: (key: Uint8Array, data: Uint8Array) => Uint8Array;
}

const routes: Record<string, Route> = {
  // RFC 4595: AUTH_HMAC_MD5_128 and AUTH_HMAC_SHA1_160 are the untruncated HMACs.
  'HMAC-MD5': { prf: PrfId.PRF_HMAC_MD5, integ: IntegId.AUTH_HMAC_MD5_128, block: (k, d) => hmac('md5', k, d) },
  'HMAC-MD5-96': { integ: IntegId.AUTH_HMAC_MD5_96 },
  'HMAC-SHA-1': { prf: PrfId.PRF_HMAC_SHA1, integ: IntegId.AUTH_HMAC_SHA1_160, block: (k, d) => hmac('sha1', k, d) },
  'HMAC-SHA-1-96': { integ: IntegId.AUTH_HMAC_SHA1_96 },
  'HMAC-SHA-256': { prf: PrfId.PRF_HMAC_SHA2_256, block: (k, d) => hmac('sha256', k, d) },
  'HMAC-SHA-384': { prf: PrfId.PRF_HMAC_SHA2_384, block: (k, d) => hmac('sha384', k, d) },
  'HMAC-SHA-512': { prf: PrfId.PRF_HMAC_SHA2_512, block: (k, d) => hmac('sha512', k, d) },
  'PRF-HMAC-SHA-256': { prf: PrfId.PRF_HMAC_SHA2_256, block: (k, d) => hmac('sha256', k, d) },
  'PRF-HMAC-SHA-384': { prf: PrfId.PRF_HMAC_SHA2_384, block: (k, d) => hmac('sha384', k, d) },
  'PRF-HMAC-SHA-512': { prf: PrfId.PRF_HMAC_SHA2_512, block: (k, d) => hmac('sha512', k, d) },
  'HMAC-SHA-256-128': { integ: IntegId.AUTH_HMAC_SHA2_256_128 },
  'HMAC-SHA-384-192': { integ: IntegId.AUTH_HMAC_SHA2_384_192 },
  'HMAC-SHA-512-256': { integ: IntegId.AUTH_HMAC_SHA2_512_256 },
  // RFC 4434 section 2: with a 16-byte key the PRF is the untruncated AES-XCBC-MAC.
  'AES-XCBC-MAC': { prf: PrfId.PRF_AES128_XCBC, block: aesXcbcMac },
  'AES-XCBC-MAC-96': { integ: IntegId.AUTH_AES_XCBC_96 },
  'AES-XCBC-PRF-128': { prf: PrfId.PRF_AES128_XCBC, block: aesXcbcPrf128 },
  // RFC 4615 section 3: with a 16-byte key the PRF is plain AES-CMAC.
  'AES-CMAC': { prf: PrfId.PRF_AES128_CMAC, block: aesCmac },
  'AES-CMAC-96': { integ: IntegId.AUTH_AES_CMAC_96 },
  'AES-CMAC-PRF-128': { prf: PrfId.PRF_AES128_CMAC, block: aesCmacPrf128 },
};

/** The sources every PRF/integrity case runs on. `node:crypto` is OpenSSL alone, without the pure fallback. */
const sources: Array<{ name: string; prf(id: number): Prf | undefined; integrity(id: number): Integrity | undefined }> = [
  { name: 'pure provider', prf: (id) => pureProvider.prf(id), integrity: (id) => pureProvider.integrity(id) },
  { name: 'node provider', prf: (id) => nodeProvider.prf(id), integrity: (id) => nodeProvider.integrity(id) },
  { name: 'node:crypto', prf: nodePrf, integrity: nodeIntegrity },
  { name: 'pure module', prf: purePrf, integrity: pureIntegrity },
];

const files = [
  'rfc2202-hmac.json',
  'rfc4231-hmac-sha2.json',
  'rfc4868-ikev2-hmac-sha2.json',
  'rfc3566-aes-xcbc.json',
  'rfc4434-aes-xcbc-prf.json',
  'rfc4493-aes-cmac.json',
  'rfc4494-aes-cmac-96.json',
  'rfc4615-aes-cmac-prf.json',
];

interface Row {
  title: string;
  key: Uint8Array;
  data: Uint8Array;
  expected: Uint8Array;
  truncated: boolean;
  route: Route;
}

function rowsOf(file: VectorFile): Row[] {
  const rows: Row[] = [];
  for (const c of file.cases) {
    for (const o of c.outputs) {
      const route = routes[o.algorithm];
      if (!route) throw new Error(`no route for ${o.algorithm}`);
      rows.push({
        title: `${file.source.split(',')[0]} section ${c.section}, ${c.name}: ${o.algorithm}`,
        key: bytesOf(c.key),
        data: bytesOf(c.data),
        expected: fromHex(o.value),
        truncated: o.truncatedTo !== undefined,
        route,
      });
    }
  }
  return rows;
}

/** The output compared to the RFC's value: all of it, or the leftmost bytes when the RFC truncates. */
function shown(out: Uint8Array, row: Row): string {
  return toHex(row.truncated ? out.subarray(0, row.expected.length) : out);
}

for (const name of files) {
  const file = load(name);
  const rows = rowsOf(file);

  describe(`${name}: ${file.source}`, () => {
    it('has the cases the RFC lists', () => {
      expect(rows.length).toBeGreaterThan(0);
    });

    const blockRows = rows.filter((r) => r.route.block);
    if (blockRows.length > 0) {
      it.each(blockRows.map((r) => [r.title, r] as const))('building block: %s', (_t, row) => {
        expect(shown(row.route.block!(row.key, row.data), row)).toBe(toHex(row.expected));
      });
    }

    for (const source of sources) {
      const prfRows = rows.filter((r) => r.route.prf !== undefined);
      if (prfRows.length > 0) {
        it.each(prfRows.map((r) => [r.title, r] as const))(`${source.name} PRF: %s`, (_t, row) => {
          const prf = source.prf(row.route.prf!);
          if (source.name === 'node:crypto' && prf === undefined) {
            // node:crypto has no XCBC/CMAC; the stacked provider falls back to pure (checked above).
            expect(nodeProvider.prf(row.route.prf!)).toBe(pureProvider.prf(row.route.prf!));
            return;
          }
          expect(prf, `PRF ${row.route.prf}`).toBeDefined();
          expect(shown(prf!.compute(row.key, row.data), row)).toBe(toHex(row.expected));
        });
      }

      // An integrity transform only takes keys of its own length (RFC 2404 section 3, RFC 4868
      // section 2.1.1); the HMAC cases with other key lengths are for the PRF only.
      const integRows = rows.filter((r) => {
        if (r.route.integ === undefined) return false;
        const integ = pureProvider.integrity(r.route.integ);
        return integ !== undefined && integ.keyLength === r.key.length && (!r.truncated || r.expected.length >= integ.icvLength);
      });
      if (integRows.length > 0) {
        it.each(integRows.map((r) => [r.title, r] as const))(`${source.name} integrity: %s`, (_t, row) => {
          const integ = source.integrity(row.route.integ!);
          if (source.name === 'node:crypto' && integ === undefined) {
            expect(nodeProvider.integrity(row.route.integ!)).toBe(pureProvider.integrity(row.route.integ!));
            return;
          }
          expect(integ, `INTEG ${row.route.integ}`).toBeDefined();
          // RFC 2104 section 5: the ICV is the leftmost icvLength bytes of the MAC.
          const icv = integ!.compute(row.key, row.data);
          expect(icv.length).toBe(integ!.icvLength);
          expect(toHex(icv)).toBe(toHex(row.expected.subarray(0, integ!.icvLength)));
          expect(integ!.verify(row.key, row.data, row.expected.subarray(0, integ!.icvLength))).toBe(true);
          // One flipped bit anywhere in the ICV, or in the data, must fail verification.
          for (let i = 0; i < icv.length; i++) {
            const bad = row.expected.slice(0, integ!.icvLength);
            bad[i] ^= 1 << i % 8;
            expect(integ!.verify(row.key, row.data, bad)).toBe(false);
          }
          const data = row.data.length > 0 ? row.data.slice() : new Uint8Array([0]);
          if (row.data.length > 0) data[data.length - 1] ^= 0x80;
          expect(integ!.verify(row.key, data, row.expected.subarray(0, integ!.icvLength))).toBe(false);
        });
      }
    }
  });
}

describe('vector coverage', () => {
  it('every RFC case list is complete (RFC 2202: 7+7, RFC 4231: 7, RFC 4868: 5 PRF + 12 AUTH, RFC 3566: 7, RFC 4434: 3, RFC 4493: 4, RFC 4494: 4, RFC 4615: 3)', () => {
    const counts = Object.fromEntries(files.map((f) => [f, load(f).cases.length]));
    expect(counts).toEqual({
      'rfc2202-hmac.json': 14,
      'rfc4231-hmac-sha2.json': 7,
      'rfc4868-ikev2-hmac-sha2.json': 17,
      'rfc3566-aes-xcbc.json': 7,
      'rfc4434-aes-xcbc-prf.json': 3,
      'rfc4493-aes-cmac.json': 4,
      'rfc4494-aes-cmac-96.json': 4,
      'rfc4615-aes-cmac-prf.json': 3,
    });
  });

  it('every integrity transform with an implementation is exercised by some RFC case with a key of its length', () => {
    const exercised = new Set<number>();
    for (const f of files) {
      for (const row of rowsOf(load(f))) {
        const id = row.route.integ;
        if (id !== undefined && pureProvider.integrity(id)?.keyLength === row.key.length) exercised.add(id);
      }
    }
    for (const id of [1, 2, 5, 6, 7, 8, 12, 13, 14]) expect(exercised.has(id), `INTEG ${id}`).toBe(true);
  });
});
