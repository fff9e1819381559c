/**
 * The version 1 JSON config of an IKEv1 connection: who we are, the peer, the pre-shared key,
 * phase 1 (ISAKMP SA) and phase 2 (IPsec SA) policy. Proposals use strongSwan keywords and are
 * compiled to IKEv1 transforms here, so that a bad keyword is reported when the file is read.
 */
import { IkeError } from '../errors.js';
import { fromHex, utf8Encode } from '../util/bytes.js';
import { parseGroupKeyword, parsePhase1Proposal, parsePhase2Proposal, type Phase1Policy, type Phase2Policy } from './algorithms.js';
import { parseClientId, parseIdentity, type ClientId } from './ids.js';

export type IdText = string;

export interface EndpointConfigV1 {
  address: string;
  port: number;
  /** RFC 3947 section 4: the port floated to once a NAT is detected (4500 when port is 500, else port + 1). */
  nattPort?: number;
  id?: IdText;
}

export interface IkeConfigV1 {
  version: 1;
  name?: string;
  /** Main Mode (RFC 2409 section 5, identity protection) or Aggressive Mode (section 5.4). */
  mode: 'main' | 'aggressive';
  local: EndpointConfigV1 & { id: IdText };
  remote: EndpointConfigV1;
  /** UTF-8 text; "0x..." means hex bytes. */
  psk: string;
  ike: {
    proposals: string[];
    /** ISAKMP SA lifetime in seconds (default 28800). */
    lifetime?: number;
    /** Initiator: seconds after which a new phase 1 replaces this one (the old one lives until it expires). */
    rekeyTime?: number;
    allowWeak?: boolean;
    /** Responder: accept Aggressive Mode although `mode` is "main". */
    aggressive?: boolean;
    /** RFC 3706: seconds of silence before an R-U-THERE (0 or absent: only on request). */
    dpdDelay?: number;
    /** RFC 3948 section 2.3: seconds between NAT-keepalives when we are behind a NAT (default 20). */
    natKeepalive?: number;
  };
  child: {
    proposals: string[];
    localTs: string[];
    remoteTs: string[];
    mode?: 'tunnel' | 'transport';
    pfs?: string | false;
    /** IPsec SA lifetime in seconds (default 3600). */
    lifetime?: number;
    /** The side that ran the Quick Mode starts a new one after this many seconds (old SA kept until it expires). */
    rekeyTime?: number;
  };
}

/** What the endpoint runs from: the config with every text already compiled. */
export interface CompiledConfigV1 {
  config: IkeConfigV1;
  name: string;
  psk: Uint8Array;
  phase1: Phase1Policy[];
  phase1Lifetime: number;
  phase2: Phase2Policy[];
  phase2Lifetime: number;
  pfsGroup?: number;
  localTs: ClientId[];
  remoteTs: ClientId[];
  transport: boolean;
  nattPortLocal: number;
  nattPortRemote: number;
}

function bad(where: string, what: string): never {
  throw new IkeError('INVALID_ARGUMENT', `${where}: ${what}`, { payload: 'IKEv1 config' });
}

function obj(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(where, 'expected an object');
  return v as Record<string, unknown>;
}

function str(v: unknown, where: string): string {
  if (typeof v !== 'string' || v.length === 0) bad(where, 'expected a non-empty string');
  return v;
}

function port(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) bad(where, 'expected a port number 0..65535');
  return v;
}

function seconds(v: unknown, where: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x7fffffff) bad(where, 'expected whole seconds');
  return v;
}

function strings(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || v.length === 0) bad(where, 'expected a non-empty array of strings');
  return v.map((x, i) => str(x, `${where}[${i}]`));
}

function onlyKeys(o: Record<string, unknown>, keys: string[], where: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) bad(`${where}.${k}`, 'unknown field');
}

function endpoint(v: unknown, where: string, idRequired: boolean): EndpointConfigV1 {
  const o = obj(v, where);
  onlyKeys(o, ['address', 'port', 'nattPort', 'id'], where);
  const out: EndpointConfigV1 = { address: str(o.address, `${where}.address`), port: port(o.port, `${where}.port`) };
  if (o.nattPort !== undefined) out.nattPort = port(o.nattPort, `${where}.nattPort`);
  if (o.id !== undefined || idRequired) {
    out.id = str(o.id, `${where}.id`);
    try {
      parseIdentity(out.id);
    } catch (e) {
      bad(`${where}.id`, e instanceof Error ? e.message : String(e));
    }
  }
  return out;
}

/** Validates a version 1 config; throws IkeError('INVALID_ARGUMENT', 'where: what') on bad input. */
export function parseConfigV1(json: unknown): IkeConfigV1 {
  const o = obj(json, 'config');
  onlyKeys(o, ['version', 'name', 'mode', 'local', 'remote', 'psk', 'ike', 'child'], 'config');
  if (o.version !== 1) bad('config.version', 'expected 1 (IKEv1)');
  const mode = o.mode ?? 'main';
  if (mode !== 'main' && mode !== 'aggressive') bad('config.mode', 'expected "main" or "aggressive"');
  const ike = obj(o.ike, 'config.ike');
  onlyKeys(ike, ['proposals', 'lifetime', 'rekeyTime', 'allowWeak', 'aggressive', 'dpdDelay', 'natKeepalive'], 'config.ike');
  const child = obj(o.child, 'config.child');
  onlyKeys(child, ['proposals', 'localTs', 'remoteTs', 'mode', 'pfs', 'lifetime', 'rekeyTime'], 'config.child');
  for (const k of ['allowWeak', 'aggressive'] as const) {
    if (ike[k] !== undefined && typeof ike[k] !== 'boolean') bad(`config.ike.${k}`, 'expected true or false');
  }
  if (child.mode !== undefined && child.mode !== 'tunnel' && child.mode !== 'transport') bad('config.child.mode', 'expected "tunnel" or "transport"');
  if (child.pfs !== undefined && child.pfs !== false && typeof child.pfs !== 'string') bad('config.child.pfs', 'expected a group keyword or false');
  const config: IkeConfigV1 = {
    version: 1,
    mode,
    local: endpoint(o.local, 'config.local', true) as IkeConfigV1['local'],
    remote: endpoint(o.remote, 'config.remote', false),
    psk: str(o.psk, 'config.psk'),
    ike: { proposals: strings(ike.proposals, 'config.ike.proposals') },
    child: {
      proposals: strings(child.proposals, 'config.child.proposals'),
      localTs: strings(child.localTs, 'config.child.localTs'),
      remoteTs: strings(child.remoteTs, 'config.child.remoteTs'),
    },
  };
  if (o.name !== undefined) config.name = str(o.name, 'config.name');
  const lifetime = seconds(ike.lifetime, 'config.ike.lifetime');
  if (lifetime !== undefined) config.ike.lifetime = lifetime;
  if (ike.allowWeak !== undefined) config.ike.allowWeak = ike.allowWeak as boolean;
  if (ike.aggressive !== undefined) config.ike.aggressive = ike.aggressive as boolean;
  const dpd = seconds(ike.dpdDelay, 'config.ike.dpdDelay');
  if (dpd !== undefined) config.ike.dpdDelay = dpd;
  const ka = seconds(ike.natKeepalive, 'config.ike.natKeepalive');
  if (ka !== undefined) config.ike.natKeepalive = ka;
  if (child.mode !== undefined) config.child.mode = child.mode as 'tunnel' | 'transport';
  if (child.pfs !== undefined) config.child.pfs = child.pfs as string | false;
  const cl = seconds(child.lifetime, 'config.child.lifetime');
  if (cl !== undefined) config.child.lifetime = cl;
  const ir = seconds(ike.rekeyTime, 'config.ike.rekeyTime');
  if (ir !== undefined) {
    if (ir === 0 || ir >= (config.ike.lifetime ?? 28800)) bad('config.ike.rekeyTime', 'must be above 0 and below ike.lifetime');
    config.ike.rekeyTime = ir;
  }
  const cr = seconds(child.rekeyTime, 'config.child.rekeyTime');
  if (cr !== undefined) {
    if (cr === 0 || cr >= (config.child.lifetime ?? 3600)) bad('config.child.rekeyTime', 'must be above 0 and below child.lifetime');
    config.child.rekeyTime = cr;
  }
  compileConfigV1(config);
  return config;
}

/** RFC 3947 section 4 / the shared contract: 4500 when the IKE port is 500, else port + 1. */
export function defaultNattPort(p: number): number {
  return p === 500 ? 4500 : p + 1;
}

function pskBytes(psk: string): Uint8Array {
  if (/^0x/i.test(psk)) {
    try {
      return fromHex(psk);
    } catch {
      bad('config.psk', '"0x..." must be hex bytes');
    }
  }
  return utf8Encode(psk);
}

function at<T>(where: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    return bad(where, e instanceof IkeError ? e.reason : e instanceof Error ? e.message : String(e));
  }
}

/** Compiles the texts of a (validated) config into transforms, client IDs and key bytes. */
export function compileConfigV1(config: IkeConfigV1): CompiledConfigV1 {
  const allowWeak = config.ike.allowWeak === true;
  const pfsGroup = config.child.pfs ? at('config.child.pfs', () => parseGroupKeyword(config.child.pfs as string)) : undefined;
  const phase1 = config.ike.proposals.flatMap((p, i) => at(`config.ike.proposals[${i}]`, () => parsePhase1Proposal(p, allowWeak)));
  const phase2 = config.child.proposals.flatMap((p, i) => at(`config.child.proposals[${i}]`, () => parsePhase2Proposal(p, pfsGroup, allowWeak)));
  // RFC 2409 section 5.5: Quick Mode carries one KE payload, so every offered transform names the same PFS group.
  const groups = new Set(phase2.map((p) => p.group));
  if (groups.size > 1) bad('config.child.proposals', 'all ESP proposals must use the same PFS group (Quick Mode carries one KE payload)');
  if (phase1.length > 255 || phase2.length > 255) bad('config', 'more than 255 transforms in one proposal');
  return {
    config,
    name: config.name ?? `${config.local.address}-${config.remote.address}`,
    psk: pskBytes(config.psk),
    phase1,
    phase1Lifetime: config.ike.lifetime ?? 28800,
    phase2,
    phase2Lifetime: config.child.lifetime ?? 3600,
    pfsGroup: phase2[0]?.group,
    localTs: config.child.localTs.map((t, i) => at(`config.child.localTs[${i}]`, () => parseClientId(t))),
    remoteTs: config.child.remoteTs.map((t, i) => at(`config.child.remoteTs[${i}]`, () => parseClientId(t))),
    transport: config.child.mode === 'transport',
    nattPortLocal: config.local.nattPort ?? defaultNattPort(config.local.port),
    nattPortRemote: config.remote.nattPort ?? defaultNattPort(config.remote.port),
  };
}

/** Warnings a careful operator wants to see (printed by the CLI, traced by the endpoint). */
export function configWarningsV1(config: IkeConfigV1): string[] {
  const w: string[] = [];
  if (config.mode === 'aggressive' || config.ike.aggressive) {
    w.push('Aggressive Mode with a pre-shared key sends HASH_R in the clear: anyone who sees it can crack the key offline (RFC 2409 section 5.4)');
  }
  return w;
}
