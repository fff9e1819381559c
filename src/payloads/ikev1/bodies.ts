/**
 * The registry of ISAKMP payload body codecs, by wire payload type (RFC 2408 section 3.1 and the
 * extensions listed in iana/ikev1.ts). Each payload module exports its codec; this table lists them.
 */
import { PayloadType } from '../iana/ikev1.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { attributePayloadCodecV1 } from './attribute-payload.js';
import { certCodecV1, certReqCodecV1 } from './cert.js';
import { deleteCodecV1 } from './delete.js';
import { fragmentCodecV1 } from './fragment.js';
import { idCodecV1 } from './id.js';
import { keCodecV1 } from './ke.js';
import { natOaCodecV1, natOaDraftCodecV1 } from './nat-oa.js';
import { nonceCodecV1 } from './nonce.js';
import { notifyCodecV1 } from './notify.js';
import { hashCodecV1, natDCodecV1, natDDraftCodecV1, sigCodecV1, vendorIdCodecV1 } from './opaque.js';
import { saCodecV1 } from './sa.js';
import type { KnownPayloadV1 } from './types.js';

export interface PayloadBodyCodecV1<P extends KnownPayloadV1 = KnownPayloadV1> {
  /** RFC name used in errors and traces ("Nonce", "Security Association"). */
  name: string;
  /** Decodes the body (after the 4-octet generic payload header), bounded by Payload Length. */
  decode(r: Reader): P;
  encode(w: Writer, p: P): void;
}

export const BODY_CODECS_V1: ReadonlyMap<number, PayloadBodyCodecV1> = new Map<number, PayloadBodyCodecV1>(
  [
    [PayloadType.SA, saCodecV1],
    [PayloadType.KE, keCodecV1],
    [PayloadType.ID, idCodecV1],
    [PayloadType.CERT, certCodecV1],
    [PayloadType.CR, certReqCodecV1],
    [PayloadType.HASH, hashCodecV1],
    [PayloadType.SIG, sigCodecV1],
    [PayloadType.NONCE, nonceCodecV1],
    [PayloadType.N, notifyCodecV1],
    [PayloadType.D, deleteCodecV1],
    [PayloadType.VID, vendorIdCodecV1],
    [PayloadType.ATTRIBUTE, attributePayloadCodecV1],
    [PayloadType.NAT_D, natDCodecV1],
    [PayloadType.NAT_OA, natOaCodecV1],
    [PayloadType.NAT_D_DRAFT, natDDraftCodecV1],
    [PayloadType.NAT_OA_DRAFT, natOaDraftCodecV1],
    [PayloadType.FRAGMENT, fragmentCodecV1],
  ] as Array<[number, PayloadBodyCodecV1<any>]>,
);
