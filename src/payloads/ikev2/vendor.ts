/** RFC 7296 section 3.12: Vendor ID. */
import { PayloadType } from '../iana/ikev2.js';
import type { PayloadBodyCodec } from './bodies.js';
import type { VendorIdPayload } from './types.js';

export const vendorIdCodec: PayloadBodyCodec<VendorIdPayload> = {
  name: 'Vendor ID',
  decode(r) {
    return { type: PayloadType.V, vendorId: r.rest() };
  },
  encode(w, p) {
    w.bytes(p.vendorId);
  },
};
