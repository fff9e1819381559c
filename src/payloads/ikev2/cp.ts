/** RFC 7296 section 3.15: the Configuration payload and its attributes (3.15.1). */
import { CfgAttributeType as A, PayloadType } from '../iana/ikev2.js';
import type { Reader } from '../reader.js';
import type { PayloadBodyCodec } from './bodies.js';
import { checkField, invalidPayload } from './invalid.js';
import type { CfgAttribute, CpPayload } from './types.js';

/**
 * RFC 7296 section 3.15.1 (and RFC 5026, 5739, 7651 for the later ones): the value lengths each
 * attribute allows. Zero length is a request for a value. Types not listed take any length.
 */
const LENGTHS: ReadonlyMap<number, (n: number) => boolean> = new Map([
  [A.INTERNAL_IP4_ADDRESS, (n) => n === 0 || n === 4],
  [A.INTERNAL_IP4_NETMASK, (n) => n === 0 || n === 4],
  [A.INTERNAL_IP4_DNS, (n) => n === 0 || n === 4],
  [A.INTERNAL_IP4_NBNS, (n) => n === 0 || n === 4],
  [A.INTERNAL_IP4_DHCP, (n) => n === 0 || n === 4],
  [A.INTERNAL_IP6_ADDRESS, (n) => n === 0 || n === 17],
  [A.INTERNAL_IP6_DNS, (n) => n === 0 || n === 16],
  [A.INTERNAL_IP6_DHCP, (n) => n === 0 || n === 16],
  [A.INTERNAL_IP4_SUBNET, (n) => n === 0 || n === 8],
  [A.SUPPORTED_ATTRIBUTES, (n) => n % 2 === 0],
  [A.INTERNAL_IP6_SUBNET, (n) => n === 0 || n === 17],
  [A.MIP6_HOME_PREFIX, (n) => n === 0 || n === 21],
  [A.INTERNAL_IP6_LINK, (n) => n >= 8],
  [A.INTERNAL_IP6_PREFIX, (n) => n === 0 || n === 17],
  [A.P_CSCF_IP4_ADDRESS, (n) => n === 0 || n === 4],
  [A.P_CSCF_IP6_ADDRESS, (n) => n === 0 || n === 16],
]);

function lengthProblem(attr: CfgAttribute): string | undefined {
  const ok = LENGTHS.get(attr.type);
  return ok && !ok(attr.value.length) ? `${A.label(attr.type)} value of ${attr.value.length} bytes is not allowed` : undefined;
}

function decodeAttribute(r: Reader): CfgAttribute {
  const at = r.offset;
  // The high bit is R (reserved, ignored on receipt).
  const type = r.u16('Configuration Attribute Type') & 0x7fff;
  const length = r.u16('Configuration Attribute Length');
  const attr = { type, value: r.bytes(length, 'Configuration Attribute Value') };
  const problem = lengthProblem(attr);
  if (problem) r.fail(problem, 'INVALID_SYNTAX', at + 2);
  return attr;
}

/** CFG Type (1), RESERVED (3), Configuration Attributes. */
export const cpCodec: PayloadBodyCodec<CpPayload> = {
  name: 'Configuration',
  decode(r) {
    const cfgType = r.u8('CFG Type');
    r.skip(3, 'RESERVED');
    const attributes: CfgAttribute[] = [];
    while (!r.atEnd) attributes.push(decodeAttribute(r));
    return { type: PayloadType.CP, cfgType, attributes };
  },
  encode(w, p) {
    checkField('Configuration', 'CFG Type', p.cfgType, 8);
    w.u8(p.cfgType).u8(0).u16(0);
    for (const a of p.attributes) {
      checkField('Configuration Attribute', 'Attribute Type', a.type, 15);
      checkField('Configuration Attribute', 'Length', a.value.length, 16);
      const problem = lengthProblem(a);
      if (problem) invalidPayload('Configuration Attribute', problem);
      w.u16(a.type).u16(a.value.length).bytes(a.value);
    }
  },
};

