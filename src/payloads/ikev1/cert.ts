/** RFC 2408 sections 3.9 (Certificate) and 3.10 (Certificate Request). */
import { PayloadType } from '../iana/ikev1.js';
import type { PayloadBodyCodecV1 } from './bodies.js';
import type { CertPayloadV1, CertReqPayloadV1 } from './types.js';
import { uintField } from './fields.js';

export const certCodecV1: PayloadBodyCodecV1<CertPayloadV1> = {
  name: 'Certificate',
  decode(r) {
    const encoding = r.u8('Cert Encoding');
    const data = r.rest();
    if (data.length === 0) r.fail('Certificate Data is empty');
    return { type: PayloadType.CERT, encoding, data };
  },
  encode(w, p) {
    w.u8(uintField(p.encoding, 8, 'Cert Encoding')).bytes(p.data);
  },
};

export const certReqCodecV1: PayloadBodyCodecV1<CertReqPayloadV1> = {
  name: 'Certificate Request',
  decode(r) {
    const certType = r.u8('Cert. Type');
    // RFC 2408 section 3.10: an empty Certificate Authority asks for any certificate of that type.
    const authority = r.rest();
    return { type: PayloadType.CR, certType, authority };
  },
  encode(w, p) {
    w.u8(uintField(p.certType, 8, 'Cert. Type')).bytes(p.authority);
  },
};
