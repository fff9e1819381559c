/**
 * Behaviour of every key exchange method through the KeyExchange interface: both sides agree
 * (on each provider and across them), received values are refused as RFC 7296 section 3.4,
 * RFC 6989, RFC 5903, RFC 7748 / RFC 8031 and FIPS 203 require, and the catalog matches what the
 * implementations do.
 */
import { modPow } from 'bigint-mod-arith';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keIds, keInfo, pureKeyExchange } from '../../src/crypto/kex/index.js';
import { modpGroup, modpSharedSecret } from '../../src/crypto/kex/modp.js';
import { pureProvider } from '../../src/crypto/pure.js';
import type { KeyExchange, RandomSource } from '../../src/crypto/provider.js';
import { IkeError } from '../../src/errors.js';
import { nodeKeyExchange } from '../../src/node/crypto/kex.js';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import { bytesEqual, concatBytes, fromHex, toHex } from '../../src/util/bytes.js';

/** A deterministic byte stream (not a CSPRNG): exchanges in this file replay exactly. */
function seeded(seed: number): RandomSource {
  let s = seed >>> 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      out[i] = s & 0xff;
    }
    return out;
  };
}

function get(provider: (id: number) => KeyExchange | undefined, id: number): KeyExchange {
  const k = provider(id);
  if (!k) throw new Error(`no key exchange ${id}`);
  return k;
}

const pure = (id: number) => pureProvider.keyExchange(id);
const node = (id: number) => nodeProvider.keyExchange(id);

function expectInvalid(f: () => unknown): void {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(IkeError);
  expect((thrown as IkeError).kind).toBe('INVALID_SYNTAX');
  expect((thrown as IkeError).ikev2Notify).toBe(7);
}

const ALL = keIds();
const DH = ALL.filter((id) => keInfo(id)!.kind === 'dh');
// Pure MODP-8192 costs a few hundred milliseconds an operation: it runs once, in the cross test.
const CHEAP = ALL.filter((id) => id !== 18 && id !== 17);

describe('catalog (IANA Transform Type 4 IDs)', () => {
  it('lists the implemented methods and their lengths match what each provider produces', () => {
    expect(ALL).toEqual([1, 2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 28, 29, 30, 31, 32, 35, 36, 37]);
    for (const id of ALL) {
      const info = keInfo(id)!;
      for (const k of [pure(id), node(id)]) {
        expect(k, `${id}`).toBeDefined();
        expect(k!.id).toBe(id);
        expect(k!.name).toBe(info.name);
        expect(k!.kind).toBe(info.kind);
        expect(k!.publicValueLength).toBe(info.publicValueLength);
        expect(k!.responseLength).toBe(info.responseLength);
      }
    }
  });

  it('names and sizes from the defining RFCs', () => {
    expect(keInfo(14)).toMatchObject({ name: 'MODP_2048', family: 'modp', publicValueLength: 256, sharedSecretLength: 256 });
    expect(keInfo(19)).toMatchObject({ name: 'ECP_256', family: 'ecp', publicValueLength: 64, sharedSecretLength: 32 });
    expect(keInfo(21)).toMatchObject({ publicValueLength: 132, sharedSecretLength: 66 });
    expect(keInfo(31)).toMatchObject({ name: 'CURVE25519', family: 'montgomery', publicValueLength: 32 });
    expect(keInfo(32)).toMatchObject({ name: 'CURVE448', publicValueLength: 56 });
    expect(keInfo(35)).toMatchObject({ kind: 'kem', publicValueLength: 800, responseLength: 768, sharedSecretLength: 32 });
    expect(keInfo(36)).toMatchObject({ kind: 'kem', publicValueLength: 1184, responseLength: 1088 });
    expect(keInfo(37)).toMatchObject({ kind: 'kem', publicValueLength: 1568, responseLength: 1568 });
  });

  it('flags the groups below 112 bits of strength as weak (NIST SP 800-57 Part 1; RFC 8247 section 2.4 demotes 1, 2, 5 and 22)', () => {
    expect(ALL.filter((id) => keInfo(id)!.weak)).toEqual([1, 2, 5, 22, 25]);
  });

  it('has nothing for NONE, unassigned, GOST or Brainpool-224 IDs, on either provider', () => {
    for (const id of [0, 3, 4, 27, 33, 34, 38, 1024, -1]) {
      expect(keInfo(id)).toBeUndefined();
      expect(pure(id)).toBeUndefined();
      expect(node(id)).toBeUndefined();
      expect(nodeKeyExchange(id)).toBeUndefined();
    }
  });

  it('node:crypto handles every Diffie-Hellman method itself and leaves ML-KEM to the pure provider', () => {
    for (const id of DH) expect(nodeKeyExchange(id), `${id}`).toBeDefined();
    for (const id of [35, 36, 37]) {
      expect(nodeKeyExchange(id)).toBeUndefined();
      expect(node(id)).toBe(pureKeyExchange(id));
    }
  });
});

describe('initiator and responder agree (RFC 7296 section 1.2: both compute g^ir)', () => {
  it.each(CHEAP)('method %i on the pure and the node provider', (id) => {
    for (const provider of [pure, node]) {
      const k = get(provider, id);
      const state = k.initiate(seeded(id));
      const response = k.respond(state.publicValue, seeded(id + 1000));
      expect(state.publicValue.length).toBe(k.publicValueLength);
      expect(response.publicValue.length).toBe(k.responseLength);
      expect(response.sharedSecret.length).toBe(keInfo(id)!.sharedSecretLength);
      expect(toHex(k.complete(state, response.publicValue))).toBe(toHex(response.sharedSecret));
    }
  });

  it.each(DH)('method %i: the same random source gives the same values on both providers, and they interoperate', (id) => {
    const p = get(pure, id);
    const n = get(node, id);
    const pi = p.initiate(seeded(id));
    const ni = n.initiate(seeded(id));
    expect(toHex(ni.publicValue)).toBe(toHex(pi.publicValue));
    // pure initiator, node responder
    const nr = n.respond(pi.publicValue, seeded(id + 7));
    expect(toHex(p.complete(pi, nr.publicValue))).toBe(toHex(nr.sharedSecret));
    if (id === 18 || id === 17) return;
    // node initiator, pure responder
    const pr = p.respond(ni.publicValue, seeded(id + 7));
    expect(toHex(pr.publicValue)).toBe(toHex(nr.publicValue));
    expect(toHex(n.complete(ni, pr.publicValue))).toBe(toHex(pr.sharedSecret));
  });

  it('fresh randomness gives fresh values (the default source is used when none is given)', () => {
    for (const provider of [pure, node]) {
      const k = get(provider, 31);
      expect(bytesEqual(k.initiate().publicValue, k.initiate().publicValue)).toBe(false);
    }
  });
});

describe('private values (RFC 3526 section 1: the exponent carries twice the strength in entropy)', () => {
  function askedLengths(k: KeyExchange): number[] {
    const asked: number[] = [];
    const inner = seeded(5);
    k.initiate((n) => {
      asked.push(n);
      return inner(n);
    });
    return asked;
  }

  it.each([
    [2, 20],
    [14, 32],
    [15, 40],
    [22, 20],
    [23, 28],
    [24, 32],
    [19, 32],
    [21, 66],
    [31, 32],
    [32, 56],
    [35, 64],
  ])('method %i draws %i random bytes for its private value', (id, bytes) => {
    for (const provider of [pure, node]) expect(askedLengths(get(provider, id))[0]).toBe(bytes);
  });

  it('a private value out of range is drawn again, and a source that never gives one is an error, not a loop', () => {
    // P-256: 32 bytes of 0xFF exceed the group order n, so the first draw is refused.
    const first = new Uint8Array(32).fill(0xff);
    const second = fromHex('C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433');
    let calls = 0;
    const state = get(pure, 19).initiate(() => (calls++ === 0 ? first.slice() : second.slice()));
    expect(calls).toBe(2);
    expect(toHex(state.publicValue).slice(0, 16)).toBe('dad0b65394221cf9'); // RFC 5903 section 8.1 gix
    for (const provider of [pure, node]) {
      for (const id of [19, 14, 22]) {
        let thrown: unknown;
        try {
          get(provider, id).initiate((n) => new Uint8Array(n)); // always zero: below every range
        } catch (e) {
          thrown = e;
        }
        expect((thrown as IkeError).kind).toBe('INTERNAL_ERROR');
      }
    }
  });
});

describe('MODP public values are checked (RFC 7296 section 3.4, RFC 6989 section 2.1 and 2.2)', () => {
  const be = (x: bigint, len: number) => fromHex(x.toString(16).padStart(len * 2, '0'));

  it.each([1, 2, 14, 22, 23, 24])('group %i refuses 0, 1, p-1, p, 2^n-1 and wrong lengths on both providers', (id) => {
    const g = modpGroup(id)!;
    const bad = [
      be(0n, g.length),
      be(1n, g.length),
      be(g.p - 1n, g.length),
      be(g.p, g.length),
      new Uint8Array(g.length).fill(0xff),
      new Uint8Array(g.length - 1).fill(0x55),
      new Uint8Array(g.length + 1).fill(0x55),
      new Uint8Array(0),
    ];
    for (const provider of [pure, node]) {
      const k = get(provider, id);
      const state = k.initiate(seeded(3));
      for (const value of bad) {
        expectInvalid(() => k.complete(state, value));
        expectInvalid(() => k.respond(value, seeded(4)));
      }
      // the smallest and largest values in range are taken (groups 22-24 also ask for subgroup membership)
      if (g.q === undefined) {
        expect(k.complete(state, be(2n, g.length)).length).toBe(g.length);
        expect(k.complete(state, be(g.p - 2n, g.length)).length).toBe(g.length);
      }
    }
  });

  it.each([22, 23, 24])('group %i refuses a value in range but outside the order-q subgroup (y^q != 1)', (id) => {
    const g = modpGroup(id)!;
    const y = 2n;
    expect(modPow(y, g.q!, g.p)).not.toBe(1n);
    for (const provider of [pure, node]) {
      const k = get(provider, id);
      expectInvalid(() => k.complete(k.initiate(seeded(9)), be(y, g.length)));
    }
  });

  it('a degenerate g^ir (0, 1 or p-1) is never returned as a shared secret', () => {
    const g = modpGroup(14)!;
    for (const z of [0n, 1n, g.p - 1n]) expectInvalid(() => modpSharedSecret(g, z));
    expect(modpSharedSecret(g, 2n)).toEqual(be(2n, 256));
  });

  it('public values and g^ir keep their leading zero bytes: always the length of p (RFC 7296 section 2.14)', () => {
    // x = 2 gives g^x = 4: one significant byte, sent as 128 bytes; its peer's g^xy = y^2 likewise.
    const two = () => be(2n, 20);
    for (const provider of [pure, node]) {
      const k = get(provider, 2);
      const state = k.initiate(two);
      expect(toHex(state.publicValue)).toBe('00'.repeat(127) + '04');
      const { publicValue, sharedSecret } = k.respond(be(3n, 128), two);
      expect(toHex(publicValue)).toBe('00'.repeat(127) + '04');
      expect(toHex(sharedSecret)).toBe('00'.repeat(127) + '09');
      expect(toHex(k.complete(state, be(3n, 128)))).toBe('00'.repeat(127) + '09');
    }
  });
});

describe('ECP public values are points on the curve (RFC 5903 section 7, RFC 6989 section 2.3)', () => {
  const rfc5903gi = fromHex(
    'DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180' +
      '5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3',
  );
  const p256 = fromHex('FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF');

  it.each([19, 20, 21, 25, 26, 28, 29, 30])('group %i refuses off-curve points, (0, 0) and wrong lengths', (id) => {
    for (const provider of [pure, node]) {
      const k = get(provider, id);
      const state = k.initiate(seeded(11));
      const len = k.publicValueLength;
      const good = state.publicValue;
      const offCurve = good.slice();
      offCurve[len - 1] ^= 1; // y changed by one: not on the curve
      const bad = [
        offCurve,
        new Uint8Array(len),
        new Uint8Array(len).fill(0xaa),
        concatBytes(Uint8Array.of(0x04), good), // the SEC 1 form is not the IKE form
        good.subarray(0, len / 2), // x alone
        good.subarray(1),
      ];
      for (const value of bad) {
        expectInvalid(() => k.complete(state, value));
        expectInvalid(() => k.respond(value, seeded(12)));
      }
      expect(k.complete(state, good).length).toBe(len / 2);
    }
  });

  it('group 19 refuses a coordinate equal to p (a point encoded out of range)', () => {
    const y = rfc5903gi.subarray(32);
    for (const provider of [pure, node]) {
      const k = get(provider, 19);
      expectInvalid(() => k.complete(k.initiate(seeded(1)), concatBytes(p256, y)));
    }
  });
});

describe('Curve25519 / Curve448 (RFC 8031 section 2, RFC 7748 section 6)', () => {
  const zero32 = new Uint8Array(32);
  const one32 = fromHex('01' + '00'.repeat(31));

  it('X25519 refuses low-order points, whose shared secret would be all zero', () => {
    for (const provider of [pure, node]) {
      const k = get(provider, 31);
      const state = k.initiate(seeded(2));
      for (const u of [zero32, one32]) {
        expectInvalid(() => k.complete(state, u));
        expectInvalid(() => k.respond(u, seeded(3)));
      }
    }
  });

  it('X448 refuses the point u = 0', () => {
    for (const provider of [pure, node]) {
      const k = get(provider, 32);
      expectInvalid(() => k.complete(k.initiate(seeded(2)), new Uint8Array(56)));
    }
  });

  it('wrong lengths are refused', () => {
    for (const provider of [pure, node]) {
      for (const [id, len] of [
        [31, 32],
        [32, 56],
      ]) {
        const k = get(provider, id);
        const state = k.initiate(seeded(8));
        for (const n of [0, len - 1, len + 1, 64]) expectInvalid(() => k.complete(state, new Uint8Array(n).fill(9)));
      }
    }
  });
});

describe('ML-KEM (FIPS 203, draft-ietf-ipsecme-ikev2-mlkem)', () => {
  it.each([35, 36, 37])('method %i: keygen seed and encapsulation message come from the random source', (id) => {
    const k = get(node, id);
    const a = k.initiate(seeded(21));
    const b = k.initiate(seeded(21));
    expect(toHex(a.publicValue)).toBe(toHex(b.publicValue));
    const r1 = k.respond(a.publicValue, seeded(22));
    const r2 = k.respond(a.publicValue, seeded(22));
    expect(toHex(r1.publicValue)).toBe(toHex(r2.publicValue));
    expect(toHex(r1.sharedSecret)).toBe(toHex(r2.sharedSecret));
    expect(toHex(k.complete(a, r1.publicValue))).toBe(toHex(r1.sharedSecret));
  });

  it.each([35, 36, 37])('method %i: a tampered ciphertext decapsulates to a different key, without an error (implicit rejection)', (id) => {
    const k = get(pure, id);
    const state = k.initiate(seeded(31));
    const { publicValue, sharedSecret } = k.respond(state.publicValue, seeded(32));
    const tampered = publicValue.slice();
    tampered[10] ^= 0x01;
    const other = k.complete(state, tampered);
    expect(other.length).toBe(32);
    expect(toHex(other)).not.toBe(toHex(sharedSecret));
  });

  it.each([35, 36, 37])('method %i: wrong lengths of encapsulation key and ciphertext are refused', (id) => {
    const k = get(pure, id);
    const state = k.initiate(seeded(41));
    expectInvalid(() => k.respond(state.publicValue.subarray(1), seeded(1)));
    expectInvalid(() => k.respond(concatBytes(state.publicValue, Uint8Array.of(0)), seeded(1)));
    const { publicValue } = k.respond(state.publicValue, seeded(42));
    expectInvalid(() => k.complete(state, publicValue.subarray(1)));
    expectInvalid(() => k.complete(state, concatBytes(publicValue, Uint8Array.of(0))));
    expectInvalid(() => k.complete(state, new Uint8Array(0)));
  });

  it.each([35, 36, 37])('method %i: an encapsulation key with a coefficient not reduced mod q is refused (FIPS 203 section 7.2)', (id) => {
    const k = get(pure, id);
    const ek = k.initiate(seeded(51)).publicValue.slice();
    // The first 12-bit coefficient set to 4095, which is >= q = 3329.
    ek[0] = 0xff;
    ek[1] |= 0x0f;
    expectInvalid(() => k.respond(ek, seeded(52)));
  });
});

describe('arbitrary received bytes give a shared secret of the right length or an IkeError, never another exception', () => {
  it.each([1, 2, 22, 19, 21, 25, 28, 31, 32, 35])('method %i, both providers', (id) => {
    for (const provider of [pure, node]) {
      const k = get(provider, id);
      const state = k.initiate(seeded(id * 3));
      const len = k.responseLength;
      fc.assert(
        fc.property(
          fc.oneof(
            fc.uint8Array({ minLength: len, maxLength: len }),
            fc.uint8Array({ minLength: 0, maxLength: len + 2 }),
            fc.constantFrom(new Uint8Array(len), new Uint8Array(len).fill(0xff)),
          ),
          (value) => {
            try {
              expect(k.complete(state, value).length).toBe(keInfo(id)!.sharedSecretLength);
            } catch (e) {
              expect(e).toBeInstanceOf(IkeError);
            }
          },
        ),
        { numRuns: 25, seed: id },
      );
    }
  });
});
