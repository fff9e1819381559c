/**
 * ML-KEM-512/768/1024 (FIPS 203) as IKEv2 key exchange methods 35-37
 * (draft-ietf-ipsecme-ikev2-mlkem): the initiator sends the encapsulation key, the responder
 * answers with the ciphertext, and the 32-byte shared secret K is the key exchange's output.
 * Randomness is drawn from the caller's source so an exchange can be replayed: the 64-byte
 * seed d || z of ML-KEM.KeyGen_internal and the 32-byte message m of ML-KEM.Encaps_internal.
 */
import { ml_kem1024, ml_kem512, ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { IkeError } from '../../errors.js';
import type { KeyExchange, KeyExchangeState, RandomSource } from '../provider.js';
import { keInfo } from './catalog.js';
import { expectLength, invalidKeyExchangeData, webRandom } from './common.js';

interface Kem {
  keygen(seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array };
  encapsulate(publicKey: Uint8Array, msg: Uint8Array): { cipherText: Uint8Array; sharedSecret: Uint8Array };
  decapsulate(cipherText: Uint8Array, secretKey: Uint8Array): Uint8Array;
}

const KEMS: Readonly<Record<number, Kem>> = { 35: ml_kem512, 36: ml_kem768, 37: ml_kem1024 };

const SEED_LENGTH = 64;
const MESSAGE_LENGTH = 32;

function draw(random: RandomSource, length: number): Uint8Array {
  const b = random(length);
  if (b.length !== length) throw new IkeError('INTERNAL_ERROR', `random source returned ${b.length} bytes, asked for ${length}`);
  return b;
}

export function pureMlKem(id: number): KeyExchange | undefined {
  const kem = KEMS[id];
  const info = keInfo(id);
  if (!kem || !info) return undefined;
  return Object.freeze({
    id,
    name: info.name,
    kind: 'kem' as const,
    publicValueLength: info.publicValueLength,
    responseLength: info.responseLength,
    initiate(random?: RandomSource): KeyExchangeState {
      const seed = draw(random ?? webRandom, SEED_LENGTH);
      const { publicKey, secretKey } = kem.keygen(seed);
      return { publicValue: publicKey, secret: secretKey };
    },
    respond(peerValue: Uint8Array, random?: RandomSource) {
      expectLength(peerValue, info.publicValueLength, 'peer encapsulation key');
      const msg = draw(random ?? webRandom, MESSAGE_LENGTH);
      let out: { cipherText: Uint8Array; sharedSecret: Uint8Array };
      try {
        // Encaps checks the key's coefficients are reduced mod q (FIPS 203 section 7.2).
        out = kem.encapsulate(peerValue, msg);
      } catch (e) {
        throw invalidKeyExchangeData('peer encapsulation key fails the FIPS 203 section 7.2 modulus check', e);
      }
      return { publicValue: out.cipherText, sharedSecret: out.sharedSecret };
    },
    complete(state: KeyExchangeState, peerValue: Uint8Array): Uint8Array {
      expectLength(peerValue, info.responseLength, 'peer ciphertext');
      // A ciphertext of the right length always decapsulates; a forged one yields an unrelated
      // key (implicit rejection, FIPS 203 section 6.3), which later fails authentication.
      return kem.decapsulate(peerValue, state.secret as Uint8Array);
    },
  });
}
