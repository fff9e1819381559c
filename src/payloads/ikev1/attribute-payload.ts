import { PayloadType } from '../iana/ikev1.js';
import { decodeDataAttributesV1, encodeDataAttributesV1 } from './attributes.js';
import type { PayloadBodyCodecV1 } from './bodies.js';
import { expectZero } from './reserved.js';
import type { AttributePayloadV1 } from './types.js';
import { uintField } from './fields.js';

/**
 * draft-dukes-ike-mode-cfg-02 section 3.2: Type (1), RESERVED (1), Identifier (2), then Data
 * Attributes in the RFC 2408 section 3.3 format.
 */
export const attributePayloadCodecV1: PayloadBodyCodecV1<AttributePayloadV1> = {
  name: 'Attribute',
  decode(r) {
    const cfgType = r.u8('Type');
    expectZero(r, 1, 'RESERVED');
    const identifier = r.u16('Identifier');
    const attributes = decodeDataAttributesV1(r);
    return { type: PayloadType.ATTRIBUTE, cfgType, identifier, attributes };
  },
  encode(w, p) {
    w.u8(uintField(p.cfgType, 8, 'Type')).u8(0).u16(uintField(p.identifier, 16, 'Identifier'));
    encodeDataAttributesV1(w, p.attributes);
  },
};
