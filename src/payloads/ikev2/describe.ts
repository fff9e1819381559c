/**
 * A human-readable, payload-by-payload trace of an IKEv2 message, with every number printed by
 * its RFC name. Key exchange data, nonces, AUTH data and SK contents are summarized by length.
 */
import { toHex, utf8Decode } from '../../util/bytes.js';
import { bytesToIp } from '../address.js';
import {
  AuthMethod,
  CertEncoding,
  CfgAttributeType,
  CfgType,
  EapCode,
  EncrId,
  EsnId,
  ExchangeType,
  HashAlgorithm,
  IdType,
  IntegId,
  KeId,
  NotifyType,
  PayloadType,
  PrfId,
  ProtocolId,
  TransformAttributeType,
  TransformType,
  TsType,
} from '../iana/ikev2.js';
import type { RegistryLookups } from '../registry.js';
import { Writer } from '../writer.js';
import { encodePayloadChainV2, type IkeV2Message } from './message.js';
import { formatIdV2 } from './id.js';
import { isAddressRangeSelector } from './ts.js';
import type { PayloadV2, Transform, TransformAttribute } from './types.js';

const HEX_LIMIT = 64;

function u32(d: Uint8Array): number {
  return ((d[0] << 24) >>> 0) + ((d[1] << 16) | (d[2] << 8) | d[3]);
}

function hex(b: Uint8Array): string {
  if (b.length === 0) return '(empty)';
  return b.length > HEX_LIMIT ? `${toHex(b.subarray(0, HEX_LIMIT))}... (${b.length} bytes)` : toHex(b);
}

/** RFC 7296 section 3.3.2: the registry that names a Transform ID depends on its Transform Type. */
function idRegistry(transformType: number): RegistryLookups<Record<string, number>> | undefined {
  switch (transformType) {
    case TransformType.ENCR:
      return EncrId;
    case TransformType.PRF:
      return PrfId;
    case TransformType.INTEG:
      return IntegId;
    case TransformType.ESN:
      return EsnId;
    default:
      return transformType === TransformType.KE || (transformType >= TransformType.ADDKE1 && transformType <= TransformType.ADDKE7)
        ? KeId
        : undefined;
  }
}

function describeAttribute(a: TransformAttribute): string {
  if (a.type === TransformAttributeType.KEY_LENGTH && typeof a.value === 'number') return `keylen ${a.value}`;
  const name = TransformAttributeType.label(a.type);
  return typeof a.value === 'number' ? `${name}=${a.value}` : `${name}=${hex(a.value)}`;
}

/** "ENCR_AES_CBC (keylen 128)" */
export function describeTransformV2(t: Transform): string {
  const reg = idRegistry(t.transformType);
  const id = reg ? reg.label(t.transformId) : `ID ${t.transformId}`;
  const attrs = t.attributes.map(describeAttribute);
  return `${TransformType.label(t.transformType)} ${id}${attrs.length ? ` (${attrs.join(', ')})` : ''}`;
}

function payloadLength(p: PayloadV2): string {
  try {
    const w = new Writer(64);
    encodePayloadChainV2(w, [p]);
    return `${w.length} bytes`;
  } catch {
    return 'unencodable';
  }
}

function payloadName(p: PayloadV2): string {
  return p.type === 'UNKNOWN' ? PayloadType.label(p.payloadType) : PayloadType.label(p.type);
}

function addr(b: Uint8Array): string {
  return b.length === 4 || b.length === 16 ? bytesToIp(b) : hex(b);
}

/** RFC 7296 section 3.15.1: address-valued attributes print as addresses (with a prefix length for IPv6 17-byte values). */
function describeCfgValue(type: number, v: Uint8Array): string {
  if (v.length === 0) return '(empty)';
  switch (type) {
    case CfgAttributeType.INTERNAL_IP4_ADDRESS:
    case CfgAttributeType.INTERNAL_IP4_NETMASK:
    case CfgAttributeType.INTERNAL_IP4_DNS:
    case CfgAttributeType.INTERNAL_IP4_NBNS:
    case CfgAttributeType.INTERNAL_IP4_DHCP:
    case CfgAttributeType.INTERNAL_IP6_DNS:
    case CfgAttributeType.INTERNAL_IP6_DHCP:
    case CfgAttributeType.P_CSCF_IP4_ADDRESS:
    case CfgAttributeType.P_CSCF_IP6_ADDRESS:
      return addr(v);
    case CfgAttributeType.INTERNAL_IP4_SUBNET:
      return v.length === 8 ? `${bytesToIp(v.subarray(0, 4))}/${bytesToIp(v.subarray(4))}` : hex(v);
    case CfgAttributeType.INTERNAL_IP6_ADDRESS:
    case CfgAttributeType.INTERNAL_IP6_SUBNET:
    case CfgAttributeType.INTERNAL_IP6_PREFIX:
      return v.length === 17 ? `${bytesToIp(v.subarray(0, 16))}/${v[16]}` : hex(v);
    case CfgAttributeType.APPLICATION_VERSION:
    case CfgAttributeType.INTERNAL_DNS_DOMAIN:
      return JSON.stringify(utf8Decode(v));
    case CfgAttributeType.SUPPORTED_ATTRIBUTES: {
      const names: string[] = [];
      for (let i = 0; i + 1 < v.length; i += 2) names.push(CfgAttributeType.label(((v[i] << 8) | v[i + 1]) & 0x7fff));
      return names.join(', ');
    }
    default:
      return hex(v);
  }
}

/** Notification Data printed by what RFC 7296 section 3.10.1 and its extensions put there. */
function describeNotifyData(type: number, d: Uint8Array): string {
  if (d.length === 0) return '';
  switch (type) {
    case NotifyType.INVALID_KE_PAYLOAD:
      return d.length === 2 ? ` group ${KeId.label((d[0] << 8) | d[1])}` : ` ${hex(d)}`;
    case NotifyType.SIGNATURE_HASH_ALGORITHMS: {
      const names: string[] = [];
      for (let i = 0; i + 1 < d.length; i += 2) names.push(HashAlgorithm.label((d[i] << 8) | d[i + 1]));
      return ` ${names.join(', ')}${d.length % 2 ? ` +${hex(d.subarray(d.length - 1))}` : ''}`;
    }
    case NotifyType.SET_WINDOW_SIZE:
      return d.length === 4 ? ` window ${u32(d)}` : ` ${hex(d)}`;
    case NotifyType.AUTH_LIFETIME: // RFC 4478 section 3
      return d.length === 4 ? ` lifetime ${u32(d)} s` : ` ${hex(d)}`;
    case NotifyType.IPCOMP_SUPPORTED:
      return d.length === 3 ? ` CPI ${toHex(d.subarray(0, 2))} transform ${d[2]}` : ` ${hex(d)}`;
    case NotifyType.ADDITIONAL_IP4_ADDRESS:
    case NotifyType.ADDITIONAL_IP6_ADDRESS:
      return ` ${addr(d)}`;
    default:
      return ` data ${hex(d)}`;
  }
}

/** One payload as indented lines (without a trailing newline). */
export function describePayloadV2(p: PayloadV2, indent = '  '): string {
  const head = `${indent}${payloadName(p)}${p.critical ? ' [critical]' : ''} (${payloadLength(p)})`;
  const sub = indent + '  ';
  const lines: string[] = [];
  let summary = '';
  switch (p.type) {
    case 'UNKNOWN':
      summary = ` body ${hex(p.body)}`;
      break;
    case PayloadType.SA:
      for (const prop of p.proposals) {
        const spi = prop.spi.length ? `SPI ${toHex(prop.spi)}` : 'no SPI';
        lines.push(`${sub}Proposal #${prop.proposalNum} ${ProtocolId.label(prop.protocolId)}, ${spi}, ${prop.transforms.length} transform(s)`);
        for (const t of prop.transforms) lines.push(`${sub}  ${describeTransformV2(t)}`);
      }
      break;
    case PayloadType.KE:
      summary = ` ${KeId.label(p.group)}, ${p.keyExchangeData.length} bytes of key exchange data`;
      break;
    case PayloadType.IDi:
    case PayloadType.IDr:
      summary = ` ${IdType.label(p.idType)} ${formatIdV2(p)}`;
      break;
    case PayloadType.CERT:
      summary = ` ${CertEncoding.label(p.encoding)}, ${p.data.length} bytes`;
      break;
    case PayloadType.CERTREQ:
      summary = ` ${CertEncoding.label(p.encoding)}, authority ${hex(p.authority)}`;
      break;
    case PayloadType.AUTH:
      summary = ` ${AuthMethod.label(p.method)}, ${p.authData.length} bytes of authentication data`;
      break;
    case PayloadType.NONCE:
      summary = ` ${p.nonce.length} bytes`;
      break;
    case PayloadType.N: {
      const kind = p.notifyType < 16384 ? 'error' : 'status';
      const spi = p.spi.length ? ` ${ProtocolId.label(p.protocolId)} SPI ${toHex(p.spi)}` : '';
      summary = ` ${NotifyType.label(p.notifyType)} (${kind})${spi}${describeNotifyData(p.notifyType, p.data)}`;
      break;
    }
    case PayloadType.D:
      summary = ` ${ProtocolId.label(p.protocolId)}${p.spis.length ? `, SPI(s) ${p.spis.map(toHex).join(' ')}` : ''}`;
      break;
    case PayloadType.V:
      summary = ` ${hex(p.vendorId)}`;
      break;
    case PayloadType.TSi:
    case PayloadType.TSr:
      for (const s of p.selectors) {
        if (isAddressRangeSelector(s)) {
          const ports = s.startPort === 0 && s.endPort === 65535 ? 'any port' : `ports ${s.startPort}-${s.endPort}`;
          const proto = s.ipProtocol === 0 ? 'any protocol' : `protocol ${s.ipProtocol}`;
          lines.push(`${sub}${TsType.label(s.tsType)} ${bytesToIp(s.startAddress)}-${bytesToIp(s.endAddress)} ${proto} ${ports}`);
        } else {
          lines.push(`${sub}${TsType.label(s.tsType)} ${'data' in s ? hex(s.data) : ''}`);
        }
      }
      break;
    case PayloadType.SK:
      summary = ` first inner payload ${PayloadType.label(p.firstPayload)}, ${p.data.length} bytes of IV, ciphertext and ICV`;
      break;
    case PayloadType.SKF:
      summary =
        ` fragment ${p.fragmentNumber}/${p.totalFragments}` +
        (p.fragmentNumber === 1 ? `, first inner payload ${PayloadType.label(p.firstPayload)}` : '') +
        `, ${p.data.length} bytes`;
      break;
    case PayloadType.CP:
      summary = ` ${CfgType.label(p.cfgType)}`;
      for (const a of p.attributes) lines.push(`${sub}${CfgAttributeType.label(a.type)} ${describeCfgValue(a.type, a.value)}`);
      break;
    case PayloadType.EAP:
      summary =
        ` ${EapCode.label(p.code)} id ${p.identifier}` +
        (p.eapType !== undefined ? ` type ${p.eapType}` : '') +
        (p.data.length ? `, ${p.data.length} bytes of data` : '');
      break;
  }
  return [head + summary, ...lines].join('\n');
}

/** The whole message: a header line, then one block per payload. */
export function describeMessageV2(msg: IkeV2Message): string {
  const h = msg.header;
  const role = h.flags.initiator ? 'I' : 'R';
  const kind = h.flags.response ? 'response' : 'request';
  const flags = [h.flags.initiator && 'I', h.flags.version && 'V', h.flags.response && 'R'].filter(Boolean).join('');
  const head =
    `${ExchangeType.label(h.exchangeType)} ${kind} ${h.messageId} [${role}] ` +
    `SPIi ${toHex(h.spiI)} SPIr ${toHex(h.spiR)} version ${h.majorVersion}.${h.minorVersion} flags ${flags || '-'}`;
  return [head, ...msg.payloads.map((p) => describePayloadV2(p))].join('\n');
}

/** One line naming the exchange and each payload, notifies by type: "IKE_SA_INIT request 0 [ SA KE NONCE N(COOKIE) ]". */
export function summarizeMessageV2(msg: IkeV2Message): string {
  const h = msg.header;
  const names = msg.payloads.map((p) => {
    if (p.type === PayloadType.N) return `N(${NotifyType.label(p.notifyType)})`;
    if (p.type === PayloadType.SKF) return `SKF(${p.fragmentNumber}/${p.totalFragments})`;
    return payloadName(p);
  });
  return `${ExchangeType.label(h.exchangeType)} ${h.flags.response ? 'response' : 'request'} ${h.messageId} [ ${names.join(' ')} ]`;
}
