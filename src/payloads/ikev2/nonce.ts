import { PayloadType } from '../iana/ikev2.js';
import type { PayloadBodyCodec } from './bodies.js';
import type { NoncePayload } from './types.js';

/** RFC 7296 section 3.9: Nonce Data is between 16 and 256 octets. */
export const NONCE_MIN = 16;
export const NONCE_MAX = 256;

export const nonceCodec: PayloadBodyCodec<NoncePayload> = {
  name: 'Nonce',
  decode(r) {
    const at = r.offset;
    const nonce = r.rest();
    if (nonce.length < NONCE_MIN || nonce.length > NONCE_MAX) {
      r.fail(`Nonce Data is ${nonce.length} bytes; RFC 7296 section 3.9 allows ${NONCE_MIN} to ${NONCE_MAX}`, 'INVALID_SYNTAX', at);
    }
    return { type: PayloadType.NONCE, nonce };
  },
  encode(w, p) {
    w.bytes(p.nonce);
  },
};
