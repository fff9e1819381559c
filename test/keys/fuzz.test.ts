/**
 * Strict decoding (house rule): whatever text the CAVP/ACVP runner is given, it either returns
 * results or throws IkeParseError, never a RangeError/TypeError; prf+ output is a prefix-stable
 * stream (RFC 7296 section 2.13: the keys are "taken in order from the generated bits").
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pureProvider } from '../../src/crypto/pure.js';
import { IkeParseError } from '../../src/errors.js';
import { prfPlus, runCavp } from '../../src/keys/index.js';
import { toHex } from '../../src/util/bytes.js';

const line = fc.oneof(
  fc.constantFrom('COUNT = 0', 'COUNT = 1', '[SHA-1]', '[SHA-256]', '[SHA-7]', '[Ni length = 64]', '[g^ir length = 8]', "# 'IKE v2' x", "# 'IKE v1 Pre-shared Key Authentication'", ''),
  fc.tuple(fc.constantFrom('Ni', 'Nr', 'g^ir', 'g^ir (new)', 'SPIi', 'SPIr', 'SKEYSEED', 'DKM', 'g^xy', 'CKY_I', 'CKY_R', 'pre-shared-key', 'SKEYID', '__proto__'), fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), maxLength: 20 }), fc.string({ maxLength: 6 }))).map(([k, v]) => `${k} = ${v}`),
  fc.string({ maxLength: 30 }),
);

describe('CAVP/ACVP runner on arbitrary input', () => {
  it('returns results or throws IkeParseError, nothing else', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.constantFrom('\n', '\r\n'), (lines, eol) => {
        try {
          const r = runCavp(lines.join(eol), pureProvider);
          expect(r.passed + r.failed).toBeGreaterThanOrEqual(0);
        } catch (e) {
          expect(e).toBeInstanceOf(IkeParseError);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('JSON that is not a well-formed ACVP set also throws IkeParseError only', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), (json) => {
        try {
          runCavp(json.trimStart().startsWith('{') || json.trimStart().startsWith('[') ? json : `{"x":${json}}`, pureProvider);
        } catch (e) {
          expect(e).toBeInstanceOf(IkeParseError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('prf+ (RFC 7296 section 2.13)', () => {
  it('a shorter output is a prefix of a longer one', () => {
    const prf = pureProvider.prf(5)!;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), fc.nat(300), fc.nat(300), (k, s, a, b) => {
        const [n, m] = a < b ? [a, b] : [b, a];
        expect(toHex(prfPlus(prf, k, s, m)).slice(0, 2 * n)).toBe(toHex(prfPlus(prf, k, s, n)));
      }),
      { numRuns: 100 },
    );
  });
});
