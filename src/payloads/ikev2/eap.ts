/** RFC 7296 section 3.16: the EAP payload, carrying one EAP message in RFC 3748 section 4 format. */
import { EapCode, PayloadType } from '../iana/ikev2.js';
import type { PayloadBodyCodec } from './bodies.js';
import { checkField, invalidPayload } from './invalid.js';
import type { EapPayload } from './types.js';

const EAP_HEADER = 4;

/** RFC 3748 section 4 (and RFC 6696 section 5.3 for Initiate/Finish): codes whose message carries a Type octet. */
function hasType(code: number): boolean {
  return code === EapCode.Request || code === EapCode.Response || code === EapCode.Initiate || code === EapCode.Finish;
}

/** RFC 3748 section 4.2: Success and Failure are exactly the 4-byte header. */
function isBare(code: number): boolean {
  return code === EapCode.Success || code === EapCode.Failure;
}

/** Code (1), Identifier (1), Length (2), then Type (1) and Type-Data for requests and responses. */
export const eapCodec: PayloadBodyCodec<EapPayload> = {
  name: 'Extensible Authentication',
  decode(r) {
    const total = r.remaining;
    const code = r.u8('Code');
    const identifier = r.u8('Identifier');
    const lengthAt = r.offset;
    const length = r.u16('Length');
    // RFC 7296 section 3.16: the EAP message fills the payload, so its Length is the payload's rest.
    if (length !== total) r.fail(`EAP Length ${length} but the payload carries ${total} byte(s)`, 'INVALID_SYNTAX', lengthAt);
    if (isBare(code) && length !== EAP_HEADER) r.fail(`EAP ${EapCode.label(code)} has Length ${length}, expected 4`, 'INVALID_SYNTAX', lengthAt);
    if (hasType(code)) {
      const eapType = r.u8('Type');
      return { type: PayloadType.EAP, code, identifier, eapType, data: r.rest() };
    }
    return { type: PayloadType.EAP, code, identifier, data: r.rest() };
  },
  encode(w, p) {
    const name = 'Extensible Authentication';
    checkField(name, 'Code', p.code, 8);
    checkField(name, 'Identifier', p.identifier, 8);
    const typed = hasType(p.code);
    if (typed !== (p.eapType !== undefined)) {
      invalidPayload(name, typed ? `EAP ${EapCode.label(p.code)} needs a Type` : `EAP ${EapCode.label(p.code)} has no Type`);
    }
    if (isBare(p.code) && p.data.length) invalidPayload(name, `EAP ${EapCode.label(p.code)} carries no data`);
    const length = EAP_HEADER + (typed ? 1 : 0) + p.data.length;
    checkField(name, 'Length', length, 16);
    w.u8(p.code).u8(p.identifier).u16(length);
    if (p.eapType !== undefined) {
      checkField(name, 'Type', p.eapType, 8);
      w.u8(p.eapType);
    }
    w.bytes(p.data);
  },
};
