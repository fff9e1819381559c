/**
 * parseConfig: the version 2 JSON config checked field by field. Every error is an
 * IkeError('INVALID_ARGUMENT') whose reason starts with the field's path ("child.localTs[1]: ...").
 */
import { IkeError, isIkeError } from '../errors.js';
import { ipToBytes } from '../payloads/address.js';
import { parseIdV2 } from '../payloads/ikev2/id.js';
import { parseKeMethod, parseProposal, parseProposals } from '../ikev2/proposals.js';
import { parseTrafficSelector } from '../ikev2/traffic-selectors.js';
import type { IkeConfig } from './types.js';

/** Defaults (docs/config.md). Lifetimes in seconds. */
export const CONFIG_DEFAULTS = {
  ikeLifetime: 4 * 3600,
  childLifetime: 3600,
  /** Rekey at this fraction of the lifetime. */
  rekeyFraction: 0.9,
  /** RFC 3947 section 4 / RFC 7296 section 2.23: the NAT-T port when IKE runs on 500. */
  nattPortFor500: 4500,
} as const;

type Json = Record<string, unknown>;

/** A config error; `field` is the path of the offending field ("" for the whole config). */
export class ConfigError extends IkeError {
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super('INVALID_ARGUMENT', field ? `${field}: ${detail}` : detail, { payload: 'config' });
    this.name = 'ConfigError';
  }
}

function fail(path: string, reason: string): never {
  throw new ConfigError(path, reason);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `"${v.slice(0, 40)}"`;
  if (typeof v === 'object') return 'an object';
  return String(v);
}

function object(v: unknown, path: string, allowed: readonly string[]): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, `expected an object, got ${describe(v)}`);
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) fail(path ? `${path}.${key}` : key, `unknown field (allowed: ${allowed.join(', ')})`);
  }
  return v as Json;
}

function string(v: unknown, path: string): string {
  if (typeof v !== 'string') fail(path, `expected a string, got ${describe(v)}`);
  if (v.length === 0) fail(path, 'must not be empty');
  return v;
}

function boolean(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, `expected true or false, got ${describe(v)}`);
  return v;
}

function integer(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(path, `expected an integer, got ${describe(v)}`);
  if (v < min || v > max) fail(path, `${v} is outside ${min}-${max}`);
  return v;
}

function stringList(v: unknown, path: string): string[] {
  if (!Array.isArray(v)) fail(path, `expected an array of strings, got ${describe(v)}`);
  if (v.length === 0) fail(path, 'must list at least one entry');
  return v.map((x, i) => string(x, `${path}[${i}]`));
}

/** Re-throws an IkeError from a parser with the config path in front. */
function at<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ConfigError) fail(e.field ? `${path}.${e.field}` : path, e.detail);
    if (isIkeError(e)) fail(path, e.reason);
    throw e;
  }
}

function ipAddress(v: unknown, path: string): string {
  const text = string(v, path);
  at(path, () => ipToBytes(text));
  return text;
}

function idText(v: unknown, path: string): string {
  const text = string(v, path);
  const id = at(path, () => parseIdV2(text));
  // parseIdV2 looks the kind up in a plain object; "constructor:" must not pass as an ID type.
  if (typeof id.idType !== 'number') fail(path, `unknown ID kind in "${text.slice(0, 40)}"`);
  return text;
}

/** RFC 7296 section 2.23 / config contract: 4500 when IKE is on 500, else the next port. */
function defaultNattPort(port: number, path: string): number {
  if (port === 500) return CONFIG_DEFAULTS.nattPortFor500;
  if (port === 65535) fail(path, 'no default NAT-T port follows 65535; set nattPort');
  return port + 1;
}

const MAX_LIFETIME = 365 * 24 * 3600;

function lifetimes(o: Json, path: string, fallback: number): { lifetime: number; rekeyTime: number } {
  const lifetime = o.lifetime === undefined ? fallback : integer(o.lifetime, `${path}.lifetime`, 60, MAX_LIFETIME);
  const rekeyTime =
    o.rekeyTime === undefined ? Math.floor(lifetime * CONFIG_DEFAULTS.rekeyFraction) : integer(o.rekeyTime, `${path}.rekeyTime`, 1, MAX_LIFETIME);
  if (rekeyTime >= lifetime) fail(`${path}.rekeyTime`, `${rekeyTime} s must be shorter than the lifetime (${lifetime} s)`);
  return { lifetime, rekeyTime };
}

function psk(v: unknown): string {
  const text = string(v, 'psk');
  if (/^0x/i.test(text)) {
    const hex = text.slice(2);
    if (hex.length === 0) fail('psk', '"0x" with no hex digits');
    if (!/^([0-9a-f]{2})+$/i.test(hex)) fail('psk', 'after "0x", an even number of hex digits');
  }
  return text;
}

function endpoint(v: unknown, path: 'local' | 'remote'): IkeConfig['remote'] {
  const o = object(v, path, ['address', 'port', 'nattPort', 'id']);
  const address = ipAddress(o.address, `${path}.address`);
  const port = o.port === undefined ? 500 : integer(o.port, `${path}.port`, 1, 65535);
  const nattPort = o.nattPort === undefined ? defaultNattPort(port, `${path}.nattPort`) : integer(o.nattPort, `${path}.nattPort`, 1, 65535);
  if (nattPort === port) fail(`${path}.nattPort`, `must differ from port ${port}`);
  if (path === 'local' && o.id === undefined) fail('local.id', 'required');
  return o.id === undefined ? { address, port, nattPort } : { address, port, nattPort, id: idText(o.id, `${path}.id`) };
}

function ikeSection(v: unknown): IkeConfig['ike'] {
  const o = object(v, 'ike', ['proposals', 'lifetime', 'rekeyTime', 'allowWeak', 'fragmentation', 'dpdDelay', 'natKeepalive']);
  const proposals = stringList(o.proposals, 'ike.proposals');
  const allowWeak = o.allowWeak === undefined ? false : boolean(o.allowWeak, 'ike.allowWeak');
  proposals.forEach((p, i) => at(`ike.proposals[${i}]`, () => parseProposal(p, 'ike', { allowWeak })));
  let fragmentation: { mtu: number } | false = false;
  if (o.fragmentation !== undefined && o.fragmentation !== false) {
    const f = object(o.fragmentation, 'ike.fragmentation', ['mtu']);
    // RFC 7383 section 2.5.1: at least 576 bytes for IPv4 and 1280 for IPv6 must get through.
    fragmentation = { mtu: integer(f.mtu, 'ike.fragmentation.mtu', 576, 65535) };
  }
  const out: IkeConfig['ike'] = { proposals, ...lifetimes(o, 'ike', CONFIG_DEFAULTS.ikeLifetime), allowWeak, fragmentation };
  if (o.dpdDelay !== undefined) out.dpdDelay = integer(o.dpdDelay, 'ike.dpdDelay', 0, MAX_LIFETIME);
  if (o.natKeepalive !== undefined) out.natKeepalive = integer(o.natKeepalive, 'ike.natKeepalive', 0, 3600);
  return out;
}

function childSection(v: unknown, allowWeak: boolean): IkeConfig['child'] {
  const o = object(v, 'child', ['proposals', 'localTs', 'remoteTs', 'mode', 'pfs', 'lifetime', 'rekeyTime', 'esn', 'requestVirtualIp']);
  const proposals = stringList(o.proposals, 'child.proposals');
  const localTs = stringList(o.localTs, 'child.localTs');
  const remoteTs = stringList(o.remoteTs, 'child.remoteTs');
  localTs.forEach((t, i) => at(`child.localTs[${i}]`, () => parseTrafficSelector(t)));
  remoteTs.forEach((t, i) => at(`child.remoteTs[${i}]`, () => parseTrafficSelector(t)));
  let mode: 'tunnel' | 'transport' = 'tunnel';
  if (o.mode !== undefined) {
    if (o.mode !== 'tunnel' && o.mode !== 'transport') fail('child.mode', `expected "tunnel" or "transport", got ${describe(o.mode)}`);
    mode = o.mode;
  }
  let pfs: string | false = false;
  if (o.pfs !== undefined && o.pfs !== false) pfs = string(o.pfs, 'child.pfs');
  const group = pfs === false ? undefined : at('child.pfs', () => parseKeMethod(pfs, { allowWeak }));
  const esn = o.esn === undefined ? false : boolean(o.esn, 'child.esn');
  proposals.forEach((p, i) => at(`child.proposals[${i}]`, () => parseProposals([p], 'esp', { allowWeak, pfsGroup: group, esn })));
  const requestVirtualIp = o.requestVirtualIp === undefined ? false : boolean(o.requestVirtualIp, 'child.requestVirtualIp');
  return { proposals, localTs, remoteTs, mode, pfs, ...lifetimes(o, 'child', CONFIG_DEFAULTS.childLifetime), esn, requestVirtualIp };
}

/**
 * A version 2 config (docs/config.md) from parsed JSON, every field checked and every default
 * filled in. Throws IkeError('INVALID_ARGUMENT', '<path>: <reason>').
 */
export function parseConfig(json: unknown): IkeConfig {
  const o = object(json, '', ['version', 'name', 'local', 'remote', 'psk', 'ike', 'child']);
  if (o.version !== 2) fail('version', `expected 2, got ${describe(o.version)}`);
  const name = o.name === undefined ? undefined : string(o.name, 'name');
  const local = endpoint(o.local, 'local') as IkeConfig['local'];
  const remote = endpoint(o.remote, 'remote');
  const localFamily = ipToBytes(local.address).length;
  if (ipToBytes(remote.address).length !== localFamily) fail('remote.address', 'local and remote addresses mix IPv4 and IPv6');
  const ike = ikeSection(o.ike);
  const child = childSection(o.child, ike.allowWeak ?? false);
  const secret = psk(o.psk);
  return name === undefined
    ? { version: 2, local, remote, psk: secret, ike, child }
    : { version: 2, name, local, remote, psk: secret, ike, child };
}

/**
 * One config or an array of them (a config file's content). Errors in an array name the entry
 * ("[1].child.localTs[0]: ..."); two configs with the same name are refused, as `initiate(name)`
 * could not tell them apart.
 */
export function parseConfigs(json: unknown): IkeConfig[] {
  if (!Array.isArray(json)) return [parseConfig(json)];
  if (json.length === 0) fail('[]', 'no config in the array');
  const seen = new Map<string, number>();
  return json.map((entry, i) => {
    const config = at(`[${i}]`, () => parseConfig(entry));
    if (config.name !== undefined) {
      const first = seen.get(config.name);
      if (first !== undefined) fail(`[${i}].name`, `"${config.name.slice(0, 40)}" is already the name of [${first}]`);
      seen.set(config.name, i);
    }
    return config;
  });
}
