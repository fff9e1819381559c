import { PayloadType } from '../iana/ikev2.js';
import type { PayloadBodyCodec } from './bodies.js';
import type { KePayload } from './types.js';

/** RFC 7296 section 3.4: Diffie-Hellman Group Num (2 octets), RESERVED (2), Key Exchange Data. */
export const keCodec: PayloadBodyCodec<KePayload> = {
  name: 'Key Exchange',
  decode(r) {
    const group = r.u16('Diffie-Hellman Group Num');
    r.skip(2, 'RESERVED');
    const keyExchangeData = r.rest();
    if (keyExchangeData.length === 0) r.fail('Key Exchange Data is empty');
    return { type: PayloadType.KE, group, keyExchangeData };
  },
  encode(w, p) {
    w.u16(p.group).u16(0).bytes(p.keyExchangeData);
  },
};
