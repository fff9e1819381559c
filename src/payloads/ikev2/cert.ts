/** RFC 7296 sections 3.6 and 3.7: Certificate and Certificate Request. */
import { PayloadType } from '../iana/ikev2.js';
import type { PayloadBodyCodec } from './bodies.js';
import { checkField } from './invalid.js';
import type { CertPayload, CertReqPayload } from './types.js';

/** RFC 7296 section 3.6: Cert Encoding (1 octet), Certificate Data. */
export const certCodec: PayloadBodyCodec<CertPayload> = {
  name: 'Certificate',
  decode(r) {
    const encoding = r.u8('Cert Encoding');
    return { type: PayloadType.CERT, encoding, data: r.rest() };
  },
  encode(w, p) {
    checkField('Certificate', 'Cert Encoding', p.encoding, 8);
    w.u8(p.encoding).bytes(p.data);
  },
};

/** RFC 7296 section 3.7: Cert Encoding (1 octet), Certification Authority. */
export const certReqCodec: PayloadBodyCodec<CertReqPayload> = {
  name: 'Certificate Request',
  decode(r) {
    const encoding = r.u8('Cert Encoding');
    return { type: PayloadType.CERTREQ, encoding, authority: r.rest() };
  },
  encode(w, p) {
    checkField('Certificate Request', 'Cert Encoding', p.encoding, 8);
    w.u8(p.encoding).bytes(p.authority);
  },
};

/** RFC 7296 section 3.7: for X.509 encodings the Certification Authority is a list of 20-byte SHA-1 key hashes. */
export const CA_HASH_LENGTH = 20;

/** The CA key hashes of an X.509 CERTREQ, or undefined when its length is not a multiple of 20. */
export function certReqAuthorities(p: CertReqPayload): Uint8Array[] | undefined {
  if (p.authority.length % CA_HASH_LENGTH !== 0) return undefined;
  const out: Uint8Array[] = [];
  for (let i = 0; i < p.authority.length; i += CA_HASH_LENGTH) out.push(p.authority.subarray(i, i + CA_HASH_LENGTH));
  return out;
}
