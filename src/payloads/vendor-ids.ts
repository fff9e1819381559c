/**
 * Well-known ISAKMP Vendor IDs (RFC 2408 section 3.16). Most are the MD5 hash of a string, some
 * truncated; several carry a version or capability suffix after a fixed prefix, and a few are plain
 * ASCII. `source` records the hashed string where there is one, so the tests can recompute it.
 */
import { fromHex, utf8Encode } from '../util/bytes.js';

export interface VendorIdEntry {
  /** Short constant name, also the key in VendorId. */
  key: string;
  /** Human-readable name for traces. */
  name: string;
  /** The Vendor ID bytes, or the prefix when `match` is 'prefix'. */
  bytes: Uint8Array;
  /** 'exact': the whole VID; 'prefix': the VID starts with `bytes` and a suffix follows. */
  match: 'exact' | 'prefix';
  /** The string whose MD5 (possibly truncated to `bytes.length`) is the VID, when it is one. */
  md5Of?: string;
  /** The VID is this ASCII text itself. */
  ascii?: string;
  /** Where the VID is defined. */
  reference: string;
}

function md5Entry<const K extends string>(
  key: K,
  name: string,
  hex: string,
  md5Of: string,
  reference: string,
  match: 'exact' | 'prefix' = 'exact',
): VendorIdEntry & { key: K } {
  return { key, name, bytes: fromHex(hex), match, md5Of, reference };
}

function asciiEntry<const K extends string>(key: K, name: string, ascii: string, reference: string): VendorIdEntry & { key: K } {
  return { key, name, bytes: utf8Encode(ascii), match: 'exact', ascii, reference };
}

const ENTRIES = [
  md5Entry('NAT_T_RFC3947', 'NAT-T (RFC 3947)', '4a131c81070358455c5728f20e95452f', 'RFC 3947', 'RFC 3947 section 3.1'),
  md5Entry('NAT_T_DRAFT_00', 'draft-ietf-ipsec-nat-t-ike-00', '4485152d18b6bbcd0be8a8469579ddcc', 'draft-ietf-ipsec-nat-t-ike-00', 'draft-ietf-ipsec-nat-t-ike-00'),
  md5Entry('NAT_T_DRAFT_01', 'draft-ietf-ipsec-nat-t-ike-01', '16f6ca16e4a4066d83821a0f0aeaa862', 'draft-ietf-ipsec-nat-t-ike-01', 'draft-ietf-ipsec-nat-t-ike-01'),
  md5Entry('NAT_T_DRAFT_02', 'draft-ietf-ipsec-nat-t-ike-02', 'cd60464335df21f87cfdb2fc68b6a448', 'draft-ietf-ipsec-nat-t-ike-02', 'draft-ietf-ipsec-nat-t-ike-02'),
  // The -02 draft printed its VID as the hash of the name with a trailing newline; both are deployed.
  md5Entry('NAT_T_DRAFT_02_N', 'draft-ietf-ipsec-nat-t-ike-02\\n', '90cb80913ebb696e086381b5ec427b1f', 'draft-ietf-ipsec-nat-t-ike-02\n', 'draft-ietf-ipsec-nat-t-ike-02'),
  md5Entry('NAT_T_DRAFT_03', 'draft-ietf-ipsec-nat-t-ike-03', '7d9419a65310ca6f2c179d9215529d56', 'draft-ietf-ipsec-nat-t-ike-03', 'draft-ietf-ipsec-nat-t-ike-03'),
  md5Entry('NAT_T_DRAFT_04', 'draft-ietf-ipsec-nat-t-ike-04', '9909b64eed937c6573de52ace952fa6b', 'draft-ietf-ipsec-nat-t-ike-04', 'draft-ietf-ipsec-nat-t-ike-04'),
  md5Entry('NAT_T_DRAFT_05', 'draft-ietf-ipsec-nat-t-ike-05', '80d0bb3def54565ee84645d4c85ce3ee', 'draft-ietf-ipsec-nat-t-ike-05', 'draft-ietf-ipsec-nat-t-ike-05'),
  md5Entry('NAT_T_DRAFT_06', 'draft-ietf-ipsec-nat-t-ike-06', '4d1e0e136deafa34c4f3ea9f02ec7285', 'draft-ietf-ipsec-nat-t-ike-06', 'draft-ietf-ipsec-nat-t-ike-06'),
  md5Entry('NAT_T_DRAFT_07', 'draft-ietf-ipsec-nat-t-ike-07', '439b59f8ba676c4c7737ae22eab8f582', 'draft-ietf-ipsec-nat-t-ike-07', 'draft-ietf-ipsec-nat-t-ike-07'),
  md5Entry('NAT_T_DRAFT_08', 'draft-ietf-ipsec-nat-t-ike-08', '8f8d83826d246b6fc7a8a6a428c11de8', 'draft-ietf-ipsec-nat-t-ike-08', 'draft-ietf-ipsec-nat-t-ike-08'),
  md5Entry('NAT_T_DRAFT_09', 'draft-ietf-ipsec-nat-t-ike-09', '42ea5b6f898d9773a575df26e7dd19e1', 'draft-ietf-ipsec-nat-t-ike-09', 'draft-ietf-ipsec-nat-t-ike-09'),
  md5Entry('NAT_T_DRAFT_IKE', 'draft-ietf-ipsec-nat-t-ike', '4df37928e9fc4fd1b3262170d515c662', 'draft-ietf-ipsec-nat-t-ike', 'KAME racoon / Mac OS X'),
  md5Entry('NAT_T_STENBERG_01', 'draft-stenberg-ipsec-nat-traversal-01', '27bab5dc01ea0760ea4e3190ac27c0d0', 'draft-stenberg-ipsec-nat-traversal-01', 'draft-stenberg-ipsec-nat-traversal-01'),
  md5Entry('NAT_T_STENBERG_02', 'draft-stenberg-ipsec-nat-traversal-02', '6105c422e76847e43f9684801292aecd', 'draft-stenberg-ipsec-nat-traversal-02', 'draft-stenberg-ipsec-nat-traversal-02'),
  // RFC 3706 section 5: the DPD VID, major version 1 and minor version 0 in its last two octets.
  { key: 'DPD' as const, name: 'Dead Peer Detection (RFC 3706)', bytes: fromHex('afcad71368a1f1c96b8696fc77570100'), match: 'exact' as const, reference: 'RFC 3706 section 5' },
  md5Entry('XAUTH', 'XAUTH', '09002689dfd6b712', 'draft-ietf-ipsra-isakmp-xauth-06.txt', 'draft-ietf-ipsra-isakmp-xauth-06 (first 8 octets of the MD5)'),
  // MD5("CISCO-UNITY") with its last two octets replaced by the major/minor version (1.0 in use).
  md5Entry('CISCO_UNITY', 'Cisco Unity', '12f5f28c457168a9702d9fe274cc', 'CISCO-UNITY', 'Cisco Unity client (14 octets + 2-octet version)', 'prefix'),
  // MD5("FRAGMENTATION"), optionally followed by 4 octets of capability flags (0x80000000: main
  // and aggressive mode fragmentation; Cisco also sets 0x40000000 and sends c0000000).
  md5Entry('FRAGMENTATION', 'IKE Fragmentation', '4048b7d56ebce88525e7de7f00d6c2d3', 'FRAGMENTATION', 'Cisco / racoon / strongSwan IKEv1 fragmentation', 'prefix'),
  md5Entry('STRONGSWAN', 'strongSwan', '882fe56d6fd20dbc2251613b2ebe5beb', 'strongSwan', 'strongSwan'),
  md5Entry('KAME_RACOON', 'KAME/racoon', '7003cbc1097dbe9c2600ba6983bc8b35', 'KAME/racoon', 'KAME racoon / ipsec-tools'),
  md5Entry('MS_VID_INITIAL_CONTACT', 'Microsoft Vid-Initial-Contact', '26244d38eddb61b3172a36e3d0cfb819', 'Vid-Initial-Contact', 'Microsoft Windows'),
  // MD5("MS NT5 ISAKMPOAKLEY") followed by a 4-octet version (2 = Windows 2000 ... 9 = Windows 8+).
  md5Entry('MS_NT5_ISAKMPOAKLEY', 'Microsoft Windows (MS NT5 ISAKMPOAKLEY)', '1e2b516905991c7d7c96fcbfb587e461', 'MS NT5 ISAKMPOAKLEY', 'Microsoft [MS-IKEE]', 'prefix'),
  // Truncated MD5("ALTIGA GATEWAY") followed by the 2-octet software version.
  md5Entry('CISCO_VPN3000', 'Cisco VPN 3000 Concentrator', '1f07f70eaa6514d3b0fa96542a50', 'ALTIGA GATEWAY', 'Cisco VPN 3000 (14 octets + version)', 'prefix'),
  asciiEntry('CISCO_DELETE_REASON', 'Cisco Delete Reason', 'CISCO-DELETE-REASON', 'Cisco IOS / ASA'),
  asciiEntry('CISCO_DYNAMIC_ROUTE', 'Cisco Dynamic Route', 'CISCO-DYNAMIC-ROUTE', 'Cisco IOS'),
  asciiEntry('CISCO_FLEXVPN_SUPPORTED', 'Cisco FlexVPN Supported', 'FLEXVPN-SUPPORTED', 'Cisco IOS'),
  asciiEntry('CISCO_VPN_REV_02', 'Cisco VPN revision 2', 'CISCOVPN-REV-02', 'Cisco'),
  asciiEntry('CISCO_COPYRIGHT', 'Cisco Copyright (c) 2009', 'CISCO(COPYRIGHT)&Copyright (c) 2009 Cisco Systems, Inc.', 'Cisco IOS / ASA'),
  // Openswan and libreswan send their own VID: ASCII "OE" followed by a hash of the version text.
  { key: 'OPENSWAN_LIBRESWAN' as const, name: 'Openswan / libreswan (OE prefix)', bytes: utf8Encode('OE'), match: 'prefix' as const, ascii: 'OE', reference: 'Openswan / libreswan pluto' },
];

export type VendorIdKey = (typeof ENTRIES)[number]['key'];

export const VENDOR_ID_TABLE: readonly VendorIdEntry[] = ENTRIES;

/** Named constants: `VendorId.NAT_T_RFC3947`, `VendorId.DPD`, ... (the bytes a sender puts in its VID payload). */
export const VendorId = Object.freeze(
  Object.fromEntries(
    VENDOR_ID_TABLE.map((e) => [
      e.key,
      e.key === 'CISCO_UNITY' ? fromHex('12f5f28c457168a9702d9fe274cc0100') : e.bytes,
    ]),
  ),
) as Readonly<Record<VendorIdKey, Uint8Array>>;

export interface IdentifiedVendorId {
  key: string;
  name: string;
  /** The octets after a prefix match (version or capability flags), empty for an exact match. */
  suffix: Uint8Array;
  /** Cisco Unity / DPD style major.minor, or Microsoft's 4-octet version number, where present. */
  version?: number;
  /** IKE fragmentation capability flags (4 octets after the hash), when sent. */
  fragmentationFlags?: number;
}

function startsWith(b: Uint8Array, prefix: Uint8Array): boolean {
  if (b.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[i] !== prefix[i]) return false;
  return true;
}

function u32(b: Uint8Array): number {
  return ((b[0] << 24) >>> 0) + ((b[1] << 16) | (b[2] << 8) | b[3]);
}

/** Recognises a Vendor ID by name; undefined for an unknown one. Exact matches win over prefixes. */
export function identifyVendorId(vid: Uint8Array): IdentifiedVendorId | undefined {
  for (const e of VENDOR_ID_TABLE) {
    if (e.match === 'exact' && vid.length === e.bytes.length && startsWith(vid, e.bytes)) {
      return { key: e.key, name: e.name, suffix: new Uint8Array(0) };
    }
  }
  let best: VendorIdEntry | undefined;
  for (const e of VENDOR_ID_TABLE) {
    if (e.match === 'prefix' && startsWith(vid, e.bytes) && (!best || e.bytes.length > best.bytes.length)) best = e;
  }
  if (!best) return undefined;
  const suffix = vid.subarray(best.bytes.length);
  const out: IdentifiedVendorId = { key: best.key, name: best.name, suffix };
  if ((best.key === 'CISCO_UNITY' || best.key === 'CISCO_VPN3000') && suffix.length === 2) out.version = (suffix[0] << 8) | suffix[1];
  if (best.key === 'MS_NT5_ISAKMPOAKLEY' && suffix.length === 4) out.version = u32(suffix);
  if (best.key === 'FRAGMENTATION' && suffix.length === 4) out.fragmentationFlags = u32(suffix);
  return out;
}
