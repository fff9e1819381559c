/**
 * A config with its text turned into protocol values: ID payload contents, PSK bytes, SA
 * proposals and traffic selectors. Works on any IkeConfig, parsed or built in code, and applies
 * the same defaults as parseConfig.
 */
import { IkeError } from '../errors.js';
import { parseIdV2 } from '../payloads/ikev2/id.js';
import type { AddressRangeSelector, Proposal } from '../payloads/ikev2/types.js';
import { parseKeMethod, parseProposals } from '../ikev2/proposals.js';
import { parseTrafficSelector } from '../ikev2/traffic-selectors.js';
import { fromHex, utf8Encode } from '../util/bytes.js';
import { CONFIG_DEFAULTS } from './parse.js';
import type { IkeConfig } from './types.js';

export interface Identity {
  idType: number;
  data: Uint8Array;
}

export interface ResolvedConfig {
  config: IkeConfig;
  localId: Identity;
  remoteId?: Identity;
  /** The shared secret's bytes (RFC 7296 section 2.15); never log them. */
  psk: Uint8Array;
  localNattPort: number;
  remoteNattPort: number;
  ike: {
    proposals: Proposal[];
    lifetime: number;
    rekeyTime: number;
    fragmentationMtu?: number;
    dpdDelay: number;
    natKeepalive?: number;
  };
  child: {
    /** ESP proposals; with PFS they carry the KE transform (strip it for IKE_AUTH with withoutKe). */
    proposals: Proposal[];
    localTs: AddressRangeSelector[];
    remoteTs: AddressRangeSelector[];
    mode: 'tunnel' | 'transport';
    pfsGroup?: number;
    lifetime: number;
    rekeyTime: number;
    esn: boolean;
    requestVirtualIp: boolean;
  };
}

/** "0x..." is hex bytes, anything else UTF-8 text. */
export function pskBytes(psk: string): Uint8Array {
  if (!/^0x/i.test(psk)) return utf8Encode(psk);
  const hex = psk.slice(2);
  if (!/^([0-9a-f]{2})+$/i.test(hex)) throw new IkeError('INVALID_ARGUMENT', 'psk: after "0x", an even number of hex digits', { payload: 'config' });
  return fromHex(hex);
}

function nattPort(port: number, configured: number | undefined): number {
  if (configured !== undefined) return configured;
  return port === 500 ? CONFIG_DEFAULTS.nattPortFor500 : port + 1;
}

function rekeyOf(lifetime: number, rekeyTime: number | undefined): number {
  return rekeyTime ?? Math.floor(lifetime * CONFIG_DEFAULTS.rekeyFraction);
}

/** The protocol values a session needs from a config. Throws IkeError('INVALID_ARGUMENT') as parseConfig does. */
export function resolveConfig(config: IkeConfig): ResolvedConfig {
  const allowWeak = config.ike.allowWeak ?? false;
  const pfs = config.child.pfs;
  const pfsGroup = pfs === undefined || pfs === false ? undefined : parseKeMethod(pfs, { allowWeak });
  const esn = config.child.esn ?? false;
  const ikeLifetime = config.ike.lifetime ?? CONFIG_DEFAULTS.ikeLifetime;
  const childLifetime = config.child.lifetime ?? CONFIG_DEFAULTS.childLifetime;
  const fragmentation = config.ike.fragmentation;
  return {
    config,
    localId: parseIdV2(config.local.id),
    remoteId: config.remote.id ? parseIdV2(config.remote.id) : undefined,
    psk: pskBytes(config.psk),
    localNattPort: nattPort(config.local.port, config.local.nattPort),
    remoteNattPort: nattPort(config.remote.port, config.remote.nattPort),
    ike: {
      proposals: parseProposals(config.ike.proposals, 'ike', { allowWeak }),
      lifetime: ikeLifetime,
      rekeyTime: rekeyOf(ikeLifetime, config.ike.rekeyTime),
      fragmentationMtu: fragmentation ? fragmentation.mtu : undefined,
      dpdDelay: config.ike.dpdDelay ?? 0,
      natKeepalive: config.ike.natKeepalive,
    },
    child: {
      proposals: parseProposals(config.child.proposals, 'esp', { allowWeak, pfsGroup, esn }),
      localTs: config.child.localTs.map(parseTrafficSelector),
      remoteTs: config.child.remoteTs.map(parseTrafficSelector),
      mode: config.child.mode ?? 'tunnel',
      pfsGroup,
      lifetime: childLifetime,
      rekeyTime: rekeyOf(childLifetime, config.child.rekeyTime),
      esn,
      requestVirtualIp: config.child.requestVirtualIp ?? false,
    },
  };
}
