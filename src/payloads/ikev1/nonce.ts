import { PayloadType } from '../iana/ikev1.js';
import type { PayloadBodyCodecV1 } from './bodies.js';
import type { NoncePayloadV1 } from './types.js';

/** RFC 2409 section 5: the Nonce payload length MUST be between 8 and 256 bytes inclusive. */
export const NONCE_MIN_V1 = 8;
export const NONCE_MAX_V1 = 256;

export const nonceCodecV1: PayloadBodyCodecV1<NoncePayloadV1> = {
  name: 'Nonce',
  decode(r) {
    const at = r.offset;
    const nonce = r.rest();
    if (nonce.length < NONCE_MIN_V1 || nonce.length > NONCE_MAX_V1) {
      r.fail(`Nonce Data is ${nonce.length} bytes; RFC 2409 section 5 allows ${NONCE_MIN_V1} to ${NONCE_MAX_V1}`, 'INVALID_SYNTAX', at);
    }
    return { type: PayloadType.NONCE, nonce };
  },
  encode(w, p) {
    w.bytes(p.nonce);
  },
};
