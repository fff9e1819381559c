/**
 * RFC 7296 section 3.5: the Identification payloads (IDi, IDr), and a text form for IDs
 * ("fqdn:vpn.example", "ipv4:192.0.2.1", "ipv6:2001:db8::1", "rfc822:a@example", "keyid:<hex>",
 * "dn:<hex>", "gn:<hex>", "fc:<hex>", "null:").
 */
import { IkeError } from '../../errors.js';
import { fromHex, toHex, utf8Decode, utf8Encode } from '../../util/bytes.js';
import { bytesToIp, ipToBytes } from '../address.js';
import { IdType, PayloadType } from '../iana/ikev2.js';
import type { Reader } from '../reader.js';
import type { PayloadBodyCodec } from './bodies.js';
import { checkField, invalidPayload } from './invalid.js';
import type { IdPayload } from './types.js';

/** RFC 7296 section 3.5: address IDs are exactly four or sixteen octets. */
function requiredLength(idType: number): number | undefined {
  switch (idType) {
    case IdType.ID_IPV4_ADDR:
      return 4;
    case IdType.ID_IPV6_ADDR:
      return 16;
    default:
      return undefined;
  }
}

/** Why the data cannot be an ID of this type, or undefined when it can. */
function idDataProblem(idType: number, data: Uint8Array): string | undefined {
  const need = requiredLength(idType);
  if (need !== undefined && data.length !== need) {
    return `${IdType.label(idType)} Identification Data is ${data.length} bytes, expected ${need}`;
  }
  return undefined;
}

function makeIdCodec(type: typeof PayloadType.IDi | typeof PayloadType.IDr, name: string): PayloadBodyCodec<IdPayload> {
  return {
    name,
    decode(r: Reader) {
      const idType = r.u8('ID Type');
      r.skip(3, 'RESERVED');
      const at = r.offset;
      const data = r.rest();
      const problem = idDataProblem(idType, data);
      if (problem !== undefined) r.fail(problem, 'INVALID_SYNTAX', at);
      return { type, idType, data };
    },
    encode(w, p) {
      checkField(name, 'ID Type', p.idType, 8);
      const problem = idDataProblem(p.idType, p.data);
      if (problem !== undefined) invalidPayload(name, problem);
      w.u8(p.idType).u8(0).u16(0).bytes(p.data);
    },
  };
}

export const idiCodec = makeIdCodec(PayloadType.IDi, 'Identification - Initiator');
export const idrCodec = makeIdCodec(PayloadType.IDr, 'Identification - Responder');

const PREFIX: Record<string, number> = {
  ipv4: IdType.ID_IPV4_ADDR,
  fqdn: IdType.ID_FQDN,
  rfc822: IdType.ID_RFC822_ADDR,
  ipv6: IdType.ID_IPV6_ADDR,
  dn: IdType.ID_DER_ASN1_DN,
  gn: IdType.ID_DER_ASN1_GN,
  keyid: IdType.ID_KEY_ID,
  fc: IdType.ID_FC_NAME,
  null: IdType.ID_NULL,
};
const PREFIX_OF = new Map(Object.entries(PREFIX).map(([k, v]) => [v, k]));

/** An ID as text: "<kind>:<value>", with hex for binary kinds and "id<N>:<hex>" for unknown types. */
export function formatIdV2(id: { idType: number; data: Uint8Array }): string {
  const prefix = PREFIX_OF.get(id.idType) ?? `id${id.idType}`;
  switch (id.idType) {
    case IdType.ID_IPV4_ADDR:
    case IdType.ID_IPV6_ADDR:
      return `${prefix}:${requiredLength(id.idType) === id.data.length ? bytesToIp(id.data) : toHex(id.data)}`;
    case IdType.ID_FQDN:
    case IdType.ID_RFC822_ADDR:
      return `${prefix}:${utf8Decode(id.data)}`;
    default:
      return `${prefix}:${toHex(id.data)}`;
  }
}

/** The inverse of formatIdV2. */
export function parseIdV2(text: string): { idType: number; data: Uint8Array } {
  const colon = text.indexOf(':');
  if (colon < 0) throw new IkeError('INVALID_ARGUMENT', `"${text.slice(0, 60)}" has no "<kind>:" prefix`, { payload: 'Identification' });
  const kind = text.slice(0, colon).toLowerCase();
  const value = text.slice(colon + 1);
  const unknown = /^id([0-9]{1,3})$/.exec(kind);
  const idType = (Object.hasOwn(PREFIX, kind) ? PREFIX[kind] : undefined) ?? (unknown && Number(unknown[1]) < 256 ? Number(unknown[1]) : undefined);
  if (idType === undefined) throw new IkeError('INVALID_ARGUMENT', `unknown ID kind "${kind.slice(0, 20)}"`, { payload: 'Identification' });
  let data: Uint8Array;
  switch (idType) {
    case IdType.ID_IPV4_ADDR:
    case IdType.ID_IPV6_ADDR:
      data = ipToBytes(value);
      if (data.length !== requiredLength(idType)) {
        throw new IkeError('INVALID_ARGUMENT', `"${value}" is not an ${kind} address`, { payload: 'Identification' });
      }
      break;
    case IdType.ID_FQDN:
    case IdType.ID_RFC822_ADDR:
      data = utf8Encode(value);
      break;
    default:
      try {
        data = fromHex(value);
      } catch {
        throw new IkeError('INVALID_ARGUMENT', `the value of a ${kind} ID is hex`, { payload: 'Identification' });
      }
  }
  const problem = idDataProblem(idType, data);
  if (problem !== undefined) invalidPayload('Identification', problem);
  return { idType, data };
}
