import { IdType, PayloadType } from '../iana/ikev1.js';
import type { PayloadBodyCodecV1 } from './bodies.js';
import { expectZero } from './reserved.js';
import type { NatOaPayloadV1 } from './types.js';
import { uintField } from './fields.js';

/**
 * RFC 3947 section 5.2: ID Type (1), RESERVED (1), RESERVED (2), then an IPv4 (ID_IPV4_ADDR) or
 * IPv6 (ID_IPV6_ADDR) address; no other ID type is allowed.
 */
function natOa(type: NatOaPayloadV1['type'], name: string): PayloadBodyCodecV1<NatOaPayloadV1> {
  return {
    name,
    decode(r) {
      const typeAt = r.offset;
      const idType = r.u8('ID Type');
      expectZero(r, 3, 'RESERVED');
      const at = r.offset;
      let want = 0;
      if (idType === IdType.ID_IPV4_ADDR) want = 4;
      else if (idType === IdType.ID_IPV6_ADDR) want = 16;
      else r.fail(`ID Type ${IdType.label(idType)}; RFC 3947 section 5.2 allows ID_IPV4_ADDR or ID_IPV6_ADDR`, 'INVALID_SYNTAX', typeAt);
      const address = r.rest();
      if (address.length !== want) r.fail(`address is ${address.length} octets, expected ${want}`, 'INVALID_SYNTAX', at);
      return { type, idType, address };
    },
    encode(w, p) {
      w.u8(uintField(p.idType, 8, 'ID Type')).u8(0).u16(0).bytes(p.address);
    },
  };
}

export const natOaCodecV1 = natOa(PayloadType.NAT_OA, 'NAT-OA');
export const natOaDraftCodecV1 = natOa(PayloadType.NAT_OA_DRAFT, 'NAT-OA (draft)');
