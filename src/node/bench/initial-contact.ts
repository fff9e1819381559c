/**
 * A load generator opens many IKE SAs between the same two identities, many at once. RFC 7296
 * section 2.4 has the responder delete every other IKE SA with that identity when it sees
 * INITIAL_CONTACT, and our initiator sends it whenever no other SA of the config is established
 * yet, which is true of every SA in the first concurrent batch: those would replace each other,
 * and the responder would spend the measured time deleting them. strongSwan's load-tester does not
 * send it either.
 *
 * This wrapper takes the notify out of the IKE_AUTH request's plaintext just before it is
 * encrypted, and pads the freed bytes (RFC 7296 section 3.14 allows up to 255 octets of padding),
 * so lengths, AAD and the AUTH payload (computed over IKE_SA_INIT, section 2.15) are untouched. It
 * recognizes the request by its first payload, IDi (section 1.2); any other plaintext passes through.
 */
import type { CryptoProvider, Encryption } from '../../crypto/provider.js';
import { NotifyType, PayloadType } from '../../payloads/iana/ikev2.js';
import { decodePayloadChainV2, encodePayloadChainV2 } from '../../payloads/ikev2/message.js';
import { Reader } from '../../payloads/reader.js';
import { Writer } from '../../payloads/writer.js';

/** The plaintext with INITIAL_CONTACT replaced by padding, or the same plaintext when it holds none. */
export function stripInitialContact(plaintext: Uint8Array): Uint8Array {
  if (plaintext.length === 0 || plaintext[0] === PayloadType.NONE) return plaintext;
  const padLength = plaintext[plaintext.length - 1];
  const chainLength = plaintext.length - 1 - padLength;
  if (chainLength <= 0) return plaintext;
  let payloads;
  try {
    payloads = decodePayloadChainV2(Reader.of(plaintext.subarray(0, chainLength), 'SK plaintext'), PayloadType.IDi);
  } catch {
    return plaintext;
  }
  const kept = payloads.filter((p) => !(p.type === PayloadType.N && p.notifyType === NotifyType.INITIAL_CONTACT));
  if (kept.length === payloads.length || kept.length === 0 || kept[0].type !== PayloadType.IDi) return plaintext;
  const w = new Writer(chainLength);
  encodePayloadChainV2(w, kept);
  const chain = w.finish();
  const newPad = plaintext.length - 1 - chain.length;
  if (newPad > 255) return plaintext;
  const out = new Uint8Array(plaintext.length);
  out.set(chain, 0);
  out[out.length - 1] = newPad;
  return out;
}

/** The provider with its ciphers applying stripInitialContact to what they encrypt. */
export function withoutInitialContact(provider: CryptoProvider): CryptoProvider {
  const wrap = (e: Encryption | undefined): Encryption | undefined => {
    if (!e) return e;
    // Object.create keeps whatever the algorithm object has (it may be frozen, so no assignment).
    if (e.aead) {
      const seal = (k: Uint8Array, iv: Uint8Array, p: Uint8Array, aad: Uint8Array) => e.seal(k, iv, stripInitialContact(p), aad);
      return Object.create(e, { seal: { value: seal } }) as Encryption;
    }
    const encrypt = (k: Uint8Array, iv: Uint8Array, p: Uint8Array) => e.encrypt(k, iv, stripInitialContact(p));
    return Object.create(e, { encrypt: { value: encrypt } }) as Encryption;
  };
  const cache = new Map<string, Encryption | undefined>();
  const encryption = (id: number, bits?: number) => {
    const key = `${id}/${bits}`;
    if (!cache.has(key)) cache.set(key, wrap(provider.encryption(id, bits)));
    return cache.get(key);
  };
  return Object.create(provider, { encryption: { value: encryption } }) as CryptoProvider;
}
