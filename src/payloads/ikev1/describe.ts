/**
 * A human-readable trace of an ISAKMP message, payload by payload, with every number printed by its
 * RFC name (RFC 2408/2409/2407 registries in iana/ikev1.ts). XAUTH secrets are never printed.
 */
import { toHex, utf8Decode } from '../../util/bytes.js';
import {
  AhTransformId,
  AuthAlgorithm,
  AuthMethod,
  CertEncoding,
  CfgAttribute,
  CfgType,
  Doi,
  EcnTunnel,
  EncapsulationMode,
  EspTransformId,
  ExchangeType,
  GroupDescription,
  GroupType,
  IdType,
  IpcompTransformId,
  IpsecAttribute,
  IsakmpTransformId,
  LifeType,
  NotifyType,
  PayloadType,
  Phase1Attribute,
  Phase1Encryption,
  Phase1Hash,
  ProtocolId,
  Situation,
  XauthStatus,
  XauthType,
} from '../iana/ikev1.js';
import type { RegistryLookups } from '../registry.js';
import { identifyVendorId } from '../vendor-ids.js';
import { formatIpv4, formatIpv6 } from './address.js';
import { attributeBigIntV1 } from './attributes.js';
import { parseIdentificationV1 } from './id.js';
import { encodePayloadChainBytesV1, isEncryptedMessageV1, type IkeV1Message } from './message.js';
import type { DataAttributeV1, PayloadV1, ProposalV1 } from './types.js';

type Lookup = RegistryLookups<Record<string, number>>;

const PHASE1_VALUES: Record<number, Lookup> = {
  [Phase1Attribute.ENCRYPTION_ALGORITHM]: Phase1Encryption,
  [Phase1Attribute.HASH_ALGORITHM]: Phase1Hash,
  [Phase1Attribute.AUTHENTICATION_METHOD]: AuthMethod,
  [Phase1Attribute.GROUP_DESCRIPTION]: GroupDescription,
  [Phase1Attribute.GROUP_TYPE]: GroupType,
  [Phase1Attribute.LIFE_TYPE]: LifeType,
};

const IPSEC_VALUES: Record<number, Lookup> = {
  [IpsecAttribute.SA_LIFE_TYPE]: LifeType,
  [IpsecAttribute.GROUP_DESCRIPTION]: GroupDescription,
  [IpsecAttribute.ENCAPSULATION_MODE]: EncapsulationMode,
  [IpsecAttribute.AUTHENTICATION_ALGORITHM]: AuthAlgorithm,
  [IpsecAttribute.ECN_TUNNEL]: EcnTunnel,
};

const CFG_VALUES: Record<number, Lookup> = {
  [CfgAttribute.XAUTH_TYPE]: XauthType,
  [CfgAttribute.XAUTH_STATUS]: XauthStatus,
};

/** XAUTH attributes that carry a secret (draft-beaulieu-ike-xauth-02 section 6.1): print only their length. */
const SECRET_CFG = new Set<number>([
  CfgAttribute.XAUTH_USER_PASSWORD,
  CfgAttribute.XAUTH_PASSCODE,
  CfgAttribute.XAUTH_NEXT_PIN,
  CfgAttribute.XAUTH_ANSWER,
]);

const TEXT_CFG = new Set<number>([
  CfgAttribute.APPLICATION_VERSION,
  CfgAttribute.XAUTH_USER_NAME,
  CfgAttribute.XAUTH_MESSAGE,
  CfgAttribute.XAUTH_CHALLENGE,
  CfgAttribute.XAUTH_DOMAIN,
  CfgAttribute.UNITY_BANNER,
  CfgAttribute.UNITY_DEF_DOMAIN,
  CfgAttribute.UNITY_SPLITDNS_NAME,
  CfgAttribute.UNITY_DDNS_HOSTNAME,
]);

function numberText(a: DataAttributeV1): string {
  if (a.value.length > 8) return `0x${toHex(a.value)}`;
  return attributeBigIntV1(a).toString();
}

function attributeLine(a: DataAttributeV1, names: Lookup, values: Record<number, Lookup>): string {
  const form = a.form === 'TLV' ? ` (TLV ${a.value.length})` : '';
  const values_ = values[a.type];
  let v: string;
  if (values_ && a.value.length <= 4) v = values_.label(Number(attributeBigIntV1(a)));
  else v = numberText(a);
  return `${names.label(a.type)} = ${v}${form}`;
}

function cfgAttributeLine(a: DataAttributeV1): string {
  const name = CfgAttribute.label(a.type);
  if (SECRET_CFG.has(a.type)) return `${name} = <${a.value.length} byte(s) not shown>`;
  if (a.form === 'TLV' && a.value.length === 0) return `${name} (empty)`;
  if (CFG_VALUES[a.type] && a.value.length <= 4) return `${name} = ${CFG_VALUES[a.type].label(Number(attributeBigIntV1(a)))}`;
  if (TEXT_CFG.has(a.type)) return `${name} = "${utf8Decode(a.value)}"`;
  if (a.value.length === 4 && a.type >= CfgAttribute.INTERNAL_IP4_ADDRESS && a.type <= CfgAttribute.INTERNAL_IP4_DHCP && a.type !== CfgAttribute.INTERNAL_ADDRESS_EXPIRY) {
    return `${name} = ${formatIpv4(a.value)}`;
  }
  return `${name} = ${a.form === 'TV' ? numberText(a) : `0x${toHex(a.value)}`}`;
}

function transformIdLabel(protocolId: number, id: number): string {
  switch (protocolId) {
    case ProtocolId.PROTO_ISAKMP:
      return IsakmpTransformId.label(id);
    case ProtocolId.PROTO_IPSEC_AH:
      return AhTransformId.label(id);
    case ProtocolId.PROTO_IPSEC_ESP:
      return EspTransformId.label(id);
    case ProtocolId.PROTO_IPCOMP:
      return IpcompTransformId.label(id);
    default:
      return `UNKNOWN(${id})`;
  }
}

function situationLabel(s: number): string {
  const names: string[] = Situation.entries.filter(([, bit]) => (s & bit) !== 0).map(([n]) => n);
  const rest = s & ~Situation.entries.reduce((m, [, bit]) => m | bit, 0);
  if (rest) names.push(`0x${rest.toString(16)}`);
  return names.length ? names.join('|') : '0';
}

function proposalLines(p: ProposalV1, indent: string): string[] {
  const lines = [
    `${indent}Proposal #${p.proposalNumber} ${ProtocolId.label(p.protocolId)}${p.spi.length ? ` SPI ${toHex(p.spi)}` : ''}, ${p.transforms.length} transform(s)`,
  ];
  const phase1 = p.protocolId === ProtocolId.PROTO_ISAKMP;
  for (const t of p.transforms) {
    lines.push(`${indent}  Transform #${t.transformNumber} ${transformIdLabel(p.protocolId, t.transformId)}`);
    for (const a of t.attributes) {
      lines.push(`${indent}    ${phase1 ? attributeLine(a, Phase1Attribute, PHASE1_VALUES) : attributeLine(a, IpsecAttribute, IPSEC_VALUES)}`);
    }
  }
  return lines;
}

function payloadLength(p: PayloadV1): number {
  return encodePayloadChainBytesV1([p]).bytes.length;
}

/** The trace lines of one payload, the first one naming it with its Payload Length. */
export function describePayloadV1(p: PayloadV1, indent = ''): string[] {
  const head = `${indent}${p.type === 'UNKNOWN' ? PayloadType.label(p.payloadType) : PayloadType.label(p.type)} (${payloadLength(p)} bytes)`;
  const sub = `${indent}  `;
  switch (p.type) {
    case PayloadType.SA:
      return [
        `${head} DOI ${Doi.label(p.doi)}, situation ${situationLabel(p.situation)}${p.labeledDomain ? `, labeled domain ${toHex(p.labeledDomain)}` : ''}`,
        ...p.proposals.flatMap((prop) => proposalLines(prop, sub)),
      ];
    case PayloadType.KE:
      return [`${head} key exchange data ${p.keyExchangeData.length} bytes`];
    case PayloadType.ID: {
      const id = parseIdentificationV1(p.idType, p.data);
      const text =
        id.kind === 'address'
          ? id.address
          : id.kind === 'subnet'
            ? `${id.address}/${id.prefixLength ?? id.mask}`
            : id.kind === 'range'
              ? `${id.start}-${id.end}`
              : id.kind === 'name'
                ? `"${id.name}"`
                : `0x${toHex(id.data)}`;
      return [`${head} ${IdType.label(p.idType)} ${text} protocol ${p.protocolId} port ${p.port}`];
    }
    case PayloadType.CERT:
      return [`${head} ${CertEncoding.label(p.encoding)}, ${p.data.length} bytes`];
    case PayloadType.CR:
      return [`${head} ${CertEncoding.label(p.certType)}${p.authority.length ? `, authority ${p.authority.length} bytes` : ', any authority'}`];
    case PayloadType.HASH:
      return [`${head} ${toHex(p.hash)}`];
    case PayloadType.SIG:
      return [`${head} signature ${p.signature.length} bytes`];
    case PayloadType.NONCE:
      return [`${head} ${toHex(p.nonce)}`];
    case PayloadType.N: {
      const seq =
        (p.notifyType === NotifyType.R_U_THERE || p.notifyType === NotifyType.R_U_THERE_ACK) && p.data.length === 4
          ? ` sequence ${((p.data[0] << 24) >>> 0) + ((p.data[1] << 16) | (p.data[2] << 8) | p.data[3])}`
          : p.data.length
            ? ` data ${toHex(p.data)}`
            : '';
      return [`${head} ${NotifyType.label(p.notifyType)} DOI ${Doi.label(p.doi)} ${ProtocolId.label(p.protocolId)}${p.spi.length ? ` SPI ${toHex(p.spi)}` : ''}${seq}`];
    }
    case PayloadType.D:
      return [`${head} DOI ${Doi.label(p.doi)} ${ProtocolId.label(p.protocolId)} ${p.spis.length} SPI(s): ${p.spis.map(toHex).join(' ')}`];
    case PayloadType.VID: {
      const known = identifyVendorId(p.vendorId);
      return [`${head} ${known ? `${known.name}${known.suffix.length ? ` (+${toHex(known.suffix)})` : ''}` : toHex(p.vendorId)}`];
    }
    case PayloadType.NAT_D:
    case PayloadType.NAT_D_DRAFT:
      return [`${head} ${toHex(p.hash)}`];
    case PayloadType.NAT_OA:
    case PayloadType.NAT_OA_DRAFT:
      return [`${head} ${IdType.label(p.idType)} ${p.address.length === 16 ? formatIpv6(p.address) : formatIpv4(p.address)}`];
    case PayloadType.ATTRIBUTE:
      return [`${head} ${CfgType.label(p.cfgType)} identifier ${p.identifier}`, ...p.attributes.map((a) => `${sub}${cfgAttributeLine(a)}`)];
    case PayloadType.FRAGMENT:
      return [`${head} fragment ID ${p.fragmentId} number ${p.fragmentNumber}${p.last ? ' (last)' : ''}, ${p.data.length} bytes`];
    case 'UNKNOWN':
      return [`${head} not decoded`];
  }
}

function flagsLabel(f: IkeV1Message['header']['flags']): string {
  const s = [f.encryption ? 'E' : '', f.commit ? 'C' : '', f.authenticationOnly ? 'A' : ''].join('');
  return s || '-';
}

/** A multi-line trace of a decoded message. */
export function describeMessageV1(msg: IkeV1Message): string {
  const h = msg.header;
  const lines = [
    `ISAKMP ${ExchangeType.label(h.exchangeType)} v1.${h.minorVersion} flags ${flagsLabel(h.flags)} message ID 0x${h.messageId.toString(16).padStart(8, '0')}`,
    `  cookies ${toHex(h.initiatorCookie)} ${toHex(h.responderCookie)}`,
  ];
  if (isEncryptedMessageV1(msg)) {
    lines.push(`  encrypted ${msg.encrypted.length} bytes, first payload ${PayloadType.label(msg.firstPayload)}`);
  } else {
    for (const p of msg.payloads) lines.push(...describePayloadV1(p, '  '));
  }
  return lines.join('\n');
}
