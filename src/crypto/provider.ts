/**
 * The crypto provider interface. Algorithms are named by their IKEv2 transform IDs (RFC 7296
 * section 3.3.2 and the IANA registries in payloads/iana/ikev2.ts); IKEv1 maps its own attribute
 * values onto them. A provider returns undefined for what it cannot do, so that providers can be
 * stacked (node:crypto first, the pure one behind it; or an HSM in front of both).
 */

/** A source of random bytes. Injected so that any exchange can be replayed byte for byte. */
export type RandomSource = (length: number) => Uint8Array;

export type HashName = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** A pseudorandom function (RFC 7296 section 2.13; Transform Type 2). */
export interface Prf {
  readonly id: number;
  readonly name: string;
  /** Output length in bytes. */
  readonly outputLength: number;
  /** The preferred key length in bytes (used for SK_d, SK_pi, SK_pr; RFC 7296 section 2.14). */
  readonly keyLength: number;
  compute(key: Uint8Array, data: Uint8Array): Uint8Array;
}

/** An integrity algorithm (Transform Type 3): a MAC truncated to the ICV length. */
export interface Integrity {
  readonly id: number;
  readonly name: string;
  readonly keyLength: number;
  readonly icvLength: number;
  compute(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** Constant-time check of an ICV. */
  verify(key: Uint8Array, data: Uint8Array, icv: Uint8Array): boolean;
}

interface EncryptionBase {
  readonly id: number;
  readonly name: string;
  /** Cipher key length in bytes, without the salt. */
  readonly keyLength: number;
  /** Salt/nonce bytes appended to the key in the IKE keying material (RFC 5282, RFC 5930, RFC 7634). */
  readonly saltLength: number;
  /** Length of the IV carried in each message. */
  readonly ivLength: number;
  /** Block size that plaintext is padded to (1 for stream modes). */
  readonly blockSize: number;
}

/** A non-AEAD cipher (CBC, CTR, NULL). The caller pads; these never pad. */
export interface Cipher extends EncryptionBase {
  readonly aead: false;
  /** `key` is keyLength + saltLength bytes, as taken from the keying material. */
  encrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array;
  decrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array;
}

/** An AEAD (GCM, CCM, ChaCha20-Poly1305; RFC 5282, RFC 7634). */
export interface Aead extends EncryptionBase {
  readonly aead: true;
  readonly icvLength: number;
  /** Returns ciphertext || ICV. `key` is keyLength + saltLength bytes. */
  seal(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /** Returns the plaintext, or undefined when the ICV does not verify. */
  open(key: Uint8Array, iv: Uint8Array, ciphertextAndIcv: Uint8Array, aad: Uint8Array): Uint8Array | undefined;
}

export type Encryption = Cipher | Aead;

/**
 * A key exchange method (Transform Type 4), KEM-shaped so that Diffie-Hellman and ML-KEM fit the
 * same three steps (RFC 9370 section 2.2):
 *  - the initiator calls `initiate()` and sends `publicValue`;
 *  - the responder calls `respond(peerValue)`, sends its `publicValue` and keeps `sharedSecret`
 *    (DH: its own public value and g^ir; KEM: the ciphertext and the encapsulated key);
 *  - the initiator calls `complete(state, peerValue)` for the shared secret.
 * Received values are validated (RFC 6989, RFC 5903, RFC 7748, FIPS 203); a bad one throws an
 * IkeError of kind INVALID_SYNTAX.
 */
export interface KeyExchange {
  readonly id: number;
  readonly name: string;
  readonly kind: 'dh' | 'kem';
  /** Length of the initiator's public value in bytes. */
  readonly publicValueLength: number;
  /** Length of the responder's public value (differs from the initiator's for a KEM). */
  readonly responseLength: number;
  initiate(random?: RandomSource): KeyExchangeState;
  respond(peerValue: Uint8Array, random?: RandomSource): { publicValue: Uint8Array; sharedSecret: Uint8Array };
  complete(state: KeyExchangeState, peerValue: Uint8Array): Uint8Array;
}

export interface KeyExchangeState {
  readonly publicValue: Uint8Array;
  /** Opaque private material; zeroed by `wipe` where the runtime allows. */
  readonly secret: unknown;
}

export interface CryptoProvider {
  readonly name: string;
  randomBytes(length: number): Uint8Array;
  hash(name: HashName, data: Uint8Array): Uint8Array;
  prf(id: number): Prf | undefined;
  integrity(id: number): Integrity | undefined;
  /** `keyBits` is the Key Length attribute (RFC 7296 section 3.3.5) for variable-length ciphers. */
  encryption(id: number, keyBits?: number): Encryption | undefined;
  keyExchange(id: number): KeyExchange | undefined;
}

/**
 * Stacks providers: each lookup asks them in order and takes the first answer. This is how the
 * node:crypto provider falls back to the pure one, and how a user puts an HSM in front.
 */
export function stackProviders(name: string, ...providers: CryptoProvider[]): CryptoProvider {
  if (providers.length === 0) throw new RangeError('stackProviders needs at least one provider');
  const first = <T>(f: (p: CryptoProvider) => T | undefined): T | undefined => {
    for (const p of providers) {
      const v = f(p);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  return {
    name,
    randomBytes: (n) => providers[0].randomBytes(n),
    hash: (h, d) => providers[0].hash(h, d),
    prf: (id) => first((p) => p.prf(id)),
    integrity: (id) => first((p) => p.integrity(id)),
    encryption: (id, bits) => first((p) => p.encryption(id, bits)),
    keyExchange: (id) => first((p) => p.keyExchange(id)),
  };
}
