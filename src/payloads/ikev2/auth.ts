/** RFC 7296 section 3.8: Authentication. */
import { PayloadType } from '../iana/ikev2.js';
import type { PayloadBodyCodec } from './bodies.js';
import { checkField } from './invalid.js';
import type { AuthPayload } from './types.js';

/** Auth Method (1 octet), RESERVED (3), Authentication Data. */
export const authCodec: PayloadBodyCodec<AuthPayload> = {
  name: 'Authentication',
  decode(r) {
    const method = r.u8('Auth Method');
    r.skip(3, 'RESERVED');
    return { type: PayloadType.AUTH, method, authData: r.rest() };
  },
  encode(w, p) {
    checkField('Authentication', 'Auth Method', p.method, 8);
    w.u8(p.method).u8(0).u16(0).bytes(p.authData);
  },
};
