import { PayloadType } from '../iana/ikev1.js';
import type { PayloadBodyCodecV1 } from './bodies.js';
import type { KePayloadV1 } from './types.js';

/** RFC 2408 section 3.7: the body is the Key Exchange Data alone (the group comes from the SA). */
export const keCodecV1: PayloadBodyCodecV1<KePayloadV1> = {
  name: 'Key Exchange',
  decode(r) {
    const keyExchangeData = r.rest();
    if (keyExchangeData.length === 0) r.fail('Key Exchange Data is empty');
    return { type: PayloadType.KE, keyExchangeData };
  },
  encode(w, p) {
    w.bytes(p.keyExchangeData);
  },
};
