/**
 * Known-answer tests for the key exchange methods, transcribed from the RFCs into vectors/*.json
 * and driven through the KeyExchange interface of both providers: the private values are injected
 * through the RandomSource, which each method reads as its private key (RFC 5903 section 8,
 * RFC 5114 Appendix A, RFC 7748 sections 5.2/6.1/6.2, RFC 8031 Appendix A), and for ML-KEM the
 * NIST ACVP FIPS 203 encapsulation vector (the encapsulation message m injected the same way).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pureProvider } from '../../src/crypto/pure.js';
import type { KeyExchange, RandomSource } from '../../src/crypto/provider.js';
import { nodeKeyExchange } from '../../src/node/crypto/kex.js';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import { fromHex, toHex } from '../../src/util/bytes.js';

function vectors<T>(name: string): T {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../../vectors/${name}`, import.meta.url)), 'utf8')) as T;
}

/** A RandomSource that hands out one known private value, and fails the test if asked for another length. */
function fixed(hex: string): RandomSource {
  const bytes = fromHex(hex);
  return (n) => {
    if (n !== bytes.length) throw new Error(`asked for ${n} random bytes, the vector's private value has ${bytes.length}`);
    return bytes.slice();
  };
}

const PROVIDERS: Array<[string, (id: number) => KeyExchange | undefined]> = [
  ['pure', (id) => pureProvider.keyExchange(id)],
  ['node', (id) => nodeProvider.keyExchange(id)],
];

function kex(get: (id: number) => KeyExchange | undefined, id: number): KeyExchange {
  const k = get(id);
  if (!k) throw new Error(`no key exchange ${id}`);
  return k;
}

/** Initiator with private value i, responder with r: both public values and both views of g^ir. */
function checkExchange(k: KeyExchange, i: string, r: string, pubI: string, pubR: string, shared: string): void {
  const state = k.initiate(fixed(i));
  expect(toHex(state.publicValue)).toBe(pubI);
  const response = k.respond(fromHex(pubI), fixed(r));
  expect(toHex(response.publicValue)).toBe(pubR);
  expect(toHex(response.sharedSecret)).toBe(shared);
  expect(toHex(k.complete(state, fromHex(pubR)))).toBe(shared);
}

interface Rfc5903Case {
  section: string;
  group: number;
  i: string;
  gix: string;
  giy: string;
  r: string;
  grx: string;
  gry: string;
  girx: string;
}

interface Rfc5114File {
  modp: Array<{ section: string; group: number; xA: string; yA: string; xB: string; yB: string; Z: string }>;
  ecp: Array<{ section: string; group: number; dA: string; x_qA: string; y_qA: string; dB: string; x_qB: string; y_qB: string; x_Z: string; y_Z: string }>;
}

interface Rfc7748File {
  scalarMult: Array<{ section: string; curve: 'X25519' | 'X448'; note?: string; scalar: string; u: string; output: string }>;
  diffieHellman: Array<{ section: string; curve: 'X25519' | 'X448'; alicePrivate: string; alicePublic: string; bobPrivate: string; bobPublic: string; shared: string }>;
}

interface Rfc8031File {
  randomI: string;
  randomR: string;
  pubI: string;
  pubR: string;
  sharedSecret: string;
}

const rfc5903 = vectors<{ cases: Rfc5903Case[] }>('rfc5903-ecp.json').cases;
const rfc5114 = vectors<Rfc5114File>('rfc5114-modp.json');
const rfc7748 = vectors<Rfc7748File>('rfc7748-x25519-x448.json');
const rfc8031 = vectors<Rfc8031File>('rfc8031-ikev2-curve25519.json');
const CURVE_ID = { X25519: 31, X448: 32 } as const;

interface MlKemFile {
  encapsulation: { group: number; ek: string; m: string; c: string; k: string };
}
const mlkem = vectors<MlKemFile>('mlkem-512-acvp.json');

it('the node provider answers every Diffie-Hellman vector with OpenSSL, not by falling back to pure', () => {
  for (const id of [19, 20, 21, 22, 23, 24, 25, 26, 31, 32]) expect(nodeKeyExchange(id), `group ${id}`).toBeDefined();
});

describe.each(PROVIDERS)('%s provider', (_name, get) => {
  describe('RFC 5903 section 8: ECP groups 19-21, Key Exchange Data is gx || gy, shared secret is x of g^ir (section 7)', () => {
    it.each(rfc5903.map((c) => [c.section, c] as const))('section %s', (_s, c) => {
      checkExchange(kex(get, c.group), c.i, c.r, c.gix + c.giy, c.grx + c.gry, c.girx);
    });
  });

  describe('RFC 5114 Appendix A: MODP groups 22-24 (yA = g^xA, Z = yB^xA, all the length of p)', () => {
    it.each(rfc5114.modp.map((c) => [c.section, c] as const))('Appendix %s', (_s, c) => {
      checkExchange(kex(get, c.group), c.xA, c.xB, c.yA, c.yB, c.Z);
    });
  });

  describe('RFC 5114 Appendix A: ECP groups 25, 26, 19-21 (IKE takes x of Z, RFC 5903 section 7)', () => {
    it.each(rfc5114.ecp.map((c) => [c.section, c] as const))('Appendix %s', (_s, c) => {
      checkExchange(kex(get, c.group), c.dA, c.dB, c.x_qA + c.y_qA, c.x_qB + c.y_qB, c.x_Z);
    });
  });

  describe('RFC 7748 section 5.2: X25519 / X448 scalar multiplication, driven as complete(initiate(k), u)', () => {
    it.each(rfc7748.scalarMult.map((c, n) => [`${c.curve} #${n} ${c.note ?? ''}`, c] as const))('%s', (_s, c) => {
      const k = kex(get, CURVE_ID[c.curve]);
      expect(toHex(k.complete(k.initiate(fixed(c.scalar)), fromHex(c.u)))).toBe(c.output);
    });
  });

  describe('RFC 7748 sections 6.1 / 6.2: Diffie-Hellman between Alice and Bob', () => {
    it.each(rfc7748.diffieHellman.map((c) => [c.section, c] as const))('section %s', (_s, c) => {
      checkExchange(kex(get, CURVE_ID[c.curve]), c.alicePrivate, c.bobPrivate, c.alicePublic, c.bobPublic, c.shared);
    });
  });

  it('RFC 8031 Appendix A: IKEv2 Curve25519 exchange (random bytes are the private keys, clamped by X25519)', () => {
    const v = rfc8031;
    checkExchange(kex(get, 31), v.randomI, v.randomR, v.pubI, v.pubR, v.sharedSecret);
  });

  it('NIST ACVP ML-KEM-512 encapsulation tcId 1: the responder sends c and keeps K = Encaps_internal(ek, m) (FIPS 203 section 6.2)', () => {
    const v = mlkem.encapsulation;
    const { publicValue, sharedSecret } = kex(get, v.group).respond(fromHex(v.ek), fixed(v.m));
    expect(toHex(publicValue)).toBe(v.c.toLowerCase());
    expect(toHex(sharedSecret)).toBe(v.k.toLowerCase());
  });
});
