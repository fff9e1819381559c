/**
 * Payloads whose body is one opaque field: Hash (RFC 2408 section 3.11), Signature (3.12), Vendor
 * ID (3.16) and NAT-D (RFC 3947 section 3.2, and draft number 130). None of them may be empty.
 */
import { PayloadType } from '../iana/ikev1.js';
import type { PayloadBodyCodecV1 } from './bodies.js';
import type { HashPayloadV1, NatDPayloadV1, SigPayloadV1, VendorIdPayloadV1 } from './types.js';

export const hashCodecV1: PayloadBodyCodecV1<HashPayloadV1> = {
  name: 'Hash',
  decode(r) {
    const hash = r.rest();
    if (hash.length === 0) r.fail('Hash Data is empty');
    return { type: PayloadType.HASH, hash };
  },
  encode(w, p) {
    w.bytes(p.hash);
  },
};

export const sigCodecV1: PayloadBodyCodecV1<SigPayloadV1> = {
  name: 'Signature',
  decode(r) {
    const signature = r.rest();
    if (signature.length === 0) r.fail('Signature Data is empty');
    return { type: PayloadType.SIG, signature };
  },
  encode(w, p) {
    w.bytes(p.signature);
  },
};

export const vendorIdCodecV1: PayloadBodyCodecV1<VendorIdPayloadV1> = {
  name: 'Vendor ID',
  decode(r) {
    const vendorId = r.rest();
    if (vendorId.length === 0) r.fail('Vendor ID is empty');
    return { type: PayloadType.VID, vendorId };
  },
  encode(w, p) {
    w.bytes(p.vendorId);
  },
};

function natD(type: NatDPayloadV1['type'], name: string): PayloadBodyCodecV1<NatDPayloadV1> {
  return {
    name,
    decode(r) {
      const hash = r.rest();
      if (hash.length === 0) r.fail('HASH of the address and port is empty');
      return { type, hash };
    },
    encode(w, p) {
      w.bytes(p.hash);
    },
  };
}

export const natDCodecV1 = natD(PayloadType.NAT_D, 'NAT-D');
export const natDDraftCodecV1 = natD(PayloadType.NAT_D_DRAFT, 'NAT-D (draft)');
