/**
 * The session's view of policy: config, proposals and traffic selectors, with the contract's
 * signatures. A minimal stand-in until src/config and src/ikev2/{proposals,traffic-selectors}.ts
 * land; then this module only re-exports them.
 */
import { IkeError } from '../errors.js';
import { ipToBytes, bytesToIp } from '../payloads/address.js';
import { EncrId, EsnId, IntegId, KeId, PrfId, ProtocolId, TransformType, TsType } from '../payloads/iana/ikev2.js';
import { keyLengthOf, makeTransform } from '../payloads/ikev2/sa.js';
import type { AddressRangeSelector, Proposal, Transform, TrafficSelector } from '../payloads/ikev2/types.js';

export type IdText = string;

export interface IkeConfig {
  version: 2;
  name?: string;
  local: { address: string; port: number; nattPort?: number; id: IdText };
  remote: { address: string; port: number; nattPort?: number; id?: IdText };
  psk: string;
  ike: {
    proposals: string[];
    lifetime?: number;
    rekeyTime?: number;
    allowWeak?: boolean;
    fragmentation?: { mtu: number } | false;
    dpdDelay?: number;
    natKeepalive?: number;
  };
  child: {
    proposals: string[];
    localTs: string[];
    remoteTs: string[];
    mode?: 'tunnel' | 'transport';
    pfs?: string | false;
    lifetime?: number;
    rekeyTime?: number;
    esn?: boolean;
    requestVirtualIp?: boolean;
  };
}

function bad(reason: string): never {
  throw new IkeError('INVALID_ARGUMENT', reason, { payload: 'config' });
}

export function parseConfig(json: unknown): IkeConfig {
  const c = json as IkeConfig;
  if (!c || typeof c !== 'object' || c.version !== 2) bad('version must be 2');
  if (!c.local || !c.remote || !c.ike || !c.child || typeof c.psk !== 'string') bad('local, remote, psk, ike and child are required');
  return c;
}

interface Token {
  type: number;
  id: number;
  bits?: number;
}

const TOKENS: Record<string, Token> = {
  '3des': { type: TransformType.ENCR, id: EncrId.ENCR_3DES },
  chacha20poly1305: { type: TransformType.ENCR, id: EncrId.ENCR_CHACHA20_POLY1305 },
  null: { type: TransformType.ENCR, id: EncrId.ENCR_NULL },
  md5: { type: TransformType.INTEG, id: IntegId.AUTH_HMAC_MD5_96 },
  sha1: { type: TransformType.INTEG, id: IntegId.AUTH_HMAC_SHA1_96 },
  sha: { type: TransformType.INTEG, id: IntegId.AUTH_HMAC_SHA1_96 },
  sha256: { type: TransformType.INTEG, id: IntegId.AUTH_HMAC_SHA2_256_128 },
  sha384: { type: TransformType.INTEG, id: IntegId.AUTH_HMAC_SHA2_384_192 },
  sha512: { type: TransformType.INTEG, id: IntegId.AUTH_HMAC_SHA2_512_256 },
  aesxcbc: { type: TransformType.INTEG, id: IntegId.AUTH_AES_XCBC_96 },
  aescmac: { type: TransformType.INTEG, id: IntegId.AUTH_AES_CMAC_96 },
  prfmd5: { type: TransformType.PRF, id: PrfId.PRF_HMAC_MD5 },
  prfsha1: { type: TransformType.PRF, id: PrfId.PRF_HMAC_SHA1 },
  prfsha256: { type: TransformType.PRF, id: PrfId.PRF_HMAC_SHA2_256 },
  prfsha384: { type: TransformType.PRF, id: PrfId.PRF_HMAC_SHA2_384 },
  prfsha512: { type: TransformType.PRF, id: PrfId.PRF_HMAC_SHA2_512 },
  prfaesxcbc: { type: TransformType.PRF, id: PrfId.PRF_AES128_XCBC },
  prfaescmac: { type: TransformType.PRF, id: PrfId.PRF_AES128_CMAC },
  modp768: { type: TransformType.KE, id: KeId.MODP_768 },
  modp1024: { type: TransformType.KE, id: KeId.MODP_1024 },
  modp1536: { type: TransformType.KE, id: KeId.MODP_1536 },
  modp2048: { type: TransformType.KE, id: KeId.MODP_2048 },
  modp3072: { type: TransformType.KE, id: KeId.MODP_3072 },
  modp4096: { type: TransformType.KE, id: KeId.MODP_4096 },
  ecp256: { type: TransformType.KE, id: KeId.ECP_256 },
  ecp384: { type: TransformType.KE, id: KeId.ECP_384 },
  ecp521: { type: TransformType.KE, id: KeId.ECP_521 },
  x25519: { type: TransformType.KE, id: KeId.CURVE25519 },
  curve25519: { type: TransformType.KE, id: KeId.CURVE25519 },
  x448: { type: TransformType.KE, id: KeId.CURVE448 },
  curve448: { type: TransformType.KE, id: KeId.CURVE448 },
  mlkem512: { type: TransformType.KE, id: KeId.ML_KEM_512 },
  mlkem768: { type: TransformType.KE, id: KeId.ML_KEM_768 },
  mlkem1024: { type: TransformType.KE, id: KeId.ML_KEM_1024 },
  esn: { type: TransformType.ESN, id: EsnId.ESN },
  noesn: { type: TransformType.ESN, id: EsnId.NO_ESN },
};

const PRF_OF_INTEG: Record<number, number> = {
  [IntegId.AUTH_HMAC_MD5_96]: PrfId.PRF_HMAC_MD5,
  [IntegId.AUTH_HMAC_SHA1_96]: PrfId.PRF_HMAC_SHA1,
  [IntegId.AUTH_HMAC_SHA2_256_128]: PrfId.PRF_HMAC_SHA2_256,
  [IntegId.AUTH_HMAC_SHA2_384_192]: PrfId.PRF_HMAC_SHA2_384,
  [IntegId.AUTH_HMAC_SHA2_512_256]: PrfId.PRF_HMAC_SHA2_512,
  [IntegId.AUTH_AES_XCBC_96]: PrfId.PRF_AES128_XCBC,
  [IntegId.AUTH_AES_CMAC_96]: PrfId.PRF_AES128_CMAC,
};

function token(t: string): Token {
  const fixed = TOKENS[t];
  if (fixed) return fixed;
  const m = /^aes(128|192|256)?(gcm|ccm)?(8|12|16|64|96|128)?$/.exec(t);
  if (m && !(m[2] && !m[3]) && !(m[3] && !m[2])) {
    const bits = Number(m[1] ?? 128);
    const icv = m[3] ? ({ 64: 8, 96: 12, 128: 16 } as Record<string, number>)[m[3]] ?? Number(m[3]) : 0;
    let id: number = EncrId.ENCR_AES_CBC;
    if (m[2] === 'gcm') id = icv === 8 ? EncrId.ENCR_AES_GCM_8 : icv === 12 ? EncrId.ENCR_AES_GCM_12 : EncrId.ENCR_AES_GCM_16;
    if (m[2] === 'ccm') id = icv === 8 ? EncrId.ENCR_AES_CCM_8 : icv === 12 ? EncrId.ENCR_AES_CCM_12 : EncrId.ENCR_AES_CCM_16;
    return { type: TransformType.ENCR, id, bits };
  }
  return bad(`unknown algorithm "${t.slice(0, 40)}"`);
}

const AEAD = new Set<number>([
  EncrId.ENCR_AES_GCM_8, EncrId.ENCR_AES_GCM_12, EncrId.ENCR_AES_GCM_16,
  EncrId.ENCR_AES_CCM_8, EncrId.ENCR_AES_CCM_12, EncrId.ENCR_AES_CCM_16, EncrId.ENCR_CHACHA20_POLY1305,
]);

export function parseProposal(text: string, protocol: 'ike' | 'esp'): Proposal {
  const transforms: Transform[] = [];
  for (const t of text.toLowerCase().split('-').filter(Boolean)) {
    const k = token(t);
    transforms.push(makeTransform(k.type, k.id, k.bits));
  }
  const has = (type: number) => transforms.some((t) => t.transformType === type);
  if (!has(TransformType.ENCR)) bad(`"${text}" has no encryption algorithm`);
  const aead = transforms.some((t) => t.transformType === TransformType.ENCR && AEAD.has(t.transformId));
  if (protocol === 'ike') {
    if (!has(TransformType.PRF)) {
      const integ = transforms.find((t) => t.transformType === TransformType.INTEG);
      transforms.push(makeTransform(TransformType.PRF, integ ? PRF_OF_INTEG[integ.transformId] ?? PrfId.PRF_HMAC_SHA2_256 : PrfId.PRF_HMAC_SHA2_256));
    }
    if (!aead && !has(TransformType.INTEG)) bad(`"${text}" has no integrity algorithm`);
    if (!has(TransformType.KE)) bad(`"${text}" has no key exchange method`);
  } else {
    if (!has(TransformType.ESN)) transforms.push(makeTransform(TransformType.ESN, EsnId.NO_ESN));
  }
  transforms.sort((a, b) => a.transformType - b.transformType);
  return { proposalNum: 1, protocolId: protocol === 'ike' ? ProtocolId.IKE : ProtocolId.ESP, spi: new Uint8Array(0), transforms };
}

export function parseProposals(
  texts: string[],
  protocol: 'ike' | 'esp',
  opts: { allowWeak?: boolean; pfsGroup?: number } = {},
): Proposal[] {
  return texts.map((t, i) => {
    const p = parseProposal(t, protocol);
    p.proposalNum = i + 1;
    if (opts.pfsGroup !== undefined && protocol === 'esp' && !p.transforms.some((x) => x.transformType === TransformType.KE)) {
      p.transforms.push(makeTransform(TransformType.KE, opts.pfsGroup));
      p.transforms.sort((a, b) => a.transformType - b.transformType);
    }
    return p;
  });
}

function sameTransform(a: Transform, b: Transform): boolean {
  return a.transformType === b.transformType && a.transformId === b.transformId && keyLengthOf(a) === keyLengthOf(b);
}

/** RFC 7296 sections 2.7 and 3.3.6. */
export function selectProposal(
  offered: Proposal[],
  configured: Proposal[],
  protocol: 'ike' | 'esp',
): { chosen: Proposal; index: number } | undefined {
  const protocolId = protocol === 'ike' ? ProtocolId.IKE : ProtocolId.ESP;
  for (const mine of configured) {
    for (let index = 0; index < offered.length; index++) {
      const o = offered[index];
      if (o.protocolId !== protocolId) continue;
      const types = new Set([...mine.transforms, ...o.transforms].map((t) => t.transformType));
      const chosen: Transform[] = [];
      let ok = true;
      for (const type of [...types].sort((a, b) => a - b)) {
        const mt = mine.transforms.filter((t) => t.transformType === type);
        const ot = o.transforms.filter((t) => t.transformType === type);
        // A KE type offered with only NONE is the same as not offered (RFC 7296 section 3.3.3).
        const pick = ot.find((t) => mt.some((m) => sameTransform(m, t)));
        if (pick) chosen.push(pick);
        else if (ot.every((t) => type === TransformType.KE && t.transformId === 0) && mt.length === 0) continue;
        else { ok = false; break; }
      }
      if (ok) return { chosen: { proposalNum: o.proposalNum, protocolId: o.protocolId, spi: o.spi, transforms: chosen }, index };
    }
  }
  return undefined;
}

export interface NegotiatedAlgorithms {
  encr: { id: number; keyBits?: number };
  prf?: number;
  integ?: number;
  ke?: number;
  esn?: boolean;
}

export function negotiatedAlgorithms(chosen: Proposal): NegotiatedAlgorithms {
  const of = (type: number) => chosen.transforms.find((t) => t.transformType === type);
  const encr = of(TransformType.ENCR);
  if (!encr) throw new IkeError('NO_PROPOSAL_CHOSEN', 'the proposal has no encryption transform', { payload: 'Security Association' });
  const integ = of(TransformType.INTEG);
  const ke = of(TransformType.KE);
  const esn = of(TransformType.ESN);
  return {
    encr: { id: encr.transformId, keyBits: keyLengthOf(encr) },
    prf: of(TransformType.PRF)?.transformId,
    integ: integ && integ.transformId !== 0 ? integ.transformId : undefined,
    ke: ke && ke.transformId !== 0 ? ke.transformId : undefined,
    esn: esn ? esn.transformId === EsnId.ESN : undefined,
  };
}

const NAME_OF = new Map<string, string>();
for (const [name, t] of Object.entries(TOKENS)) {
  const key = `${t.type}/${t.id}`;
  if (!NAME_OF.has(key) && name !== 'sha' && name !== 'curve25519' && name !== 'curve448') NAME_OF.set(key, name);
}

export function describeProposal(p: Proposal): string {
  return p.transforms
    .map((t) => {
      if (t.transformType === TransformType.ENCR) {
        const bits = keyLengthOf(t);
        const base = EncrId.nameOf(t.transformId);
        if (t.transformId === EncrId.ENCR_AES_CBC) return `aes${bits}`;
        if (base?.startsWith('ENCR_AES_GCM_')) return `aes${bits}gcm${base.slice(13)}`;
        if (base?.startsWith('ENCR_AES_CCM_')) return `aes${bits}ccm${base.slice(13)}`;
      }
      return NAME_OF.get(`${t.transformType}/${t.transformId}`) ?? `${TransformType.label(t.transformType)}:${t.transformId}`;
    })
    .join('-');
}

const PROTOCOLS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmp6: 58, ipv6icmp: 58, sctp: 132, any: 0 };

export function parseTrafficSelector(text: string): AddressRangeSelector {
  const m = /^([^[\]]+)(?:\[([a-z0-9]+)(?:\/(\d+)(?:-(\d+))?)?\])?$/i.exec(text.trim());
  if (!m) bad(`traffic selector "${text.slice(0, 60)}"`);
  const [, range, proto, p1, p2] = m;
  let start: Uint8Array;
  let end: Uint8Array;
  if (range.includes('-')) {
    const [a, b] = range.split('-');
    start = ipToBytes(a);
    end = ipToBytes(b);
  } else {
    const [addr, lenText] = range.split('/');
    start = ipToBytes(addr);
    const bits = lenText === undefined ? start.length * 8 : Number(lenText);
    if (!Number.isInteger(bits) || bits < 0 || bits > start.length * 8) bad(`prefix length in "${text}"`);
    end = start.slice();
    start = start.slice();
    for (let i = 0; i < start.length * 8; i++) {
      if (i < bits) continue;
      const byte = i >> 3;
      const mask = 0x80 >> (i & 7);
      start[byte] &= ~mask;
      end[byte] |= mask;
    }
  }
  if (start.length !== end.length) bad(`mixed address families in "${text}"`);
  const ipProtocol = proto === undefined ? 0 : PROTOCOLS[proto.toLowerCase()] ?? Number(proto);
  if (!Number.isInteger(ipProtocol) || ipProtocol < 0 || ipProtocol > 255) bad(`protocol in "${text}"`);
  const startPort = p1 === undefined ? 0 : Number(p1);
  const endPort = p1 === undefined ? 65535 : p2 === undefined ? startPort : Number(p2);
  return {
    tsType: start.length === 4 ? TsType.TS_IPV4_ADDR_RANGE : TsType.TS_IPV6_ADDR_RANGE,
    ipProtocol,
    startPort,
    endPort,
    startAddress: start,
    endAddress: end,
  };
}

function isRange(s: TrafficSelector): s is AddressRangeSelector {
  return 'startAddress' in s;
}

export function formatTrafficSelector(ts: TrafficSelector): string {
  if (!isRange(ts)) return `ts${ts.tsType}`;
  const range = `${bytesToIp(ts.startAddress)}-${bytesToIp(ts.endAddress)}`;
  const any = ts.ipProtocol === 0 && ts.startPort === 0 && ts.endPort === 65535;
  return any ? range : `${range}[${ts.ipProtocol}/${ts.startPort}-${ts.endPort}]`;
}

function cmp(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** RFC 7296 section 2.9: the intersection of what the peer proposed with what we allow. */
export function narrowTrafficSelectors(proposed: TrafficSelector[], configured: TrafficSelector[]): TrafficSelector[] {
  const out: TrafficSelector[] = [];
  for (const p of proposed) {
    if (!isRange(p)) continue;
    for (const c of configured) {
      if (!isRange(c) || c.tsType !== p.tsType) continue;
      if (p.ipProtocol !== 0 && c.ipProtocol !== 0 && p.ipProtocol !== c.ipProtocol) continue;
      const startAddress = cmp(p.startAddress, c.startAddress) > 0 ? p.startAddress : c.startAddress;
      const endAddress = cmp(p.endAddress, c.endAddress) < 0 ? p.endAddress : c.endAddress;
      const startPort = Math.max(p.startPort, c.startPort);
      const endPort = Math.min(p.endPort, c.endPort);
      if (cmp(startAddress, endAddress) > 0 || startPort > endPort) continue;
      out.push({ tsType: p.tsType, ipProtocol: p.ipProtocol || c.ipProtocol, startPort, endPort, startAddress, endAddress });
    }
  }
  return out;
}
