/**
 * Key log lines in the formats of Wireshark's IPsec key tables, as strongSwan's save-keys
 * plugin writes them:
 *  - `ikev2_decryption_table` (IKEv2 dissector, one row per IKE SA):
 *    SPIi,SPIr,SK_ei,SK_er,"encryption",SK_ai,SK_ar,"integrity" with hex values without 0x;
 *    SK_e* is the whole encryption keying material, salt or nonce included (RFC 5282, RFC 5930);
 *  - `ikev1_decryption_table` (IKEv1 dissector, one row per ISAKMP SA): ICOOKIE,KEY;
 *  - `esp_sa` (ESP dissector, one row per direction of a Child SA):
 *    "IPv4"|"IPv6","src","dst","0xSPI","encryption","0xkey","authentication","0xkey".
 * The quoted algorithm names must be the exact strings of Wireshark's tables; an algorithm
 * Wireshark cannot decrypt gives a '#' comment line instead, which Wireshark skips.
 */
import { EncrId, IntegId } from '../payloads/iana/ikev2.js';

export interface IkeKeyRecord {
  spiI: string;
  spiR: string;
  /** Transform ID of the ENCR transform (RFC 7296 section 3.3.2). */
  encr: number;
  /** Key Length attribute in bits, for variable-length ciphers. */
  keyBits?: number;
  /** Transform ID of the INTEG transform; NONE (0) or absent for an AEAD. */
  integ?: number;
  SK_ei: string;
  SK_er: string;
  SK_ai: string;
  SK_ar: string;
}

export interface EspKeyRecord {
  src: string;
  dst: string;
  spi: string;
  encr: number;
  keyBits?: number;
  integ?: number;
  encrKey: string;
  integKey: string;
}

/** ICV length in octets of the AEAD transforms (RFC 4106 section 8.1, RFC 4309 section 7.1, RFC 5282). */
const AEAD_ICV: Record<number, number> = {
  [EncrId.ENCR_AES_GCM_8]: 8,
  [EncrId.ENCR_AES_GCM_12]: 12,
  [EncrId.ENCR_AES_GCM_16]: 16,
  [EncrId.ENCR_AES_CCM_8]: 8,
  [EncrId.ENCR_AES_CCM_12]: 12,
  [EncrId.ENCR_AES_CCM_16]: 16,
};

/** Octets of salt/nonce after the cipher key in the keying material. */
const SALT: Record<number, number> = {
  [EncrId.ENCR_AES_CTR]: 4, // RFC 5930 section 2, RFC 3686 section 5.1
  [EncrId.ENCR_AES_GCM_8]: 4, // RFC 5282 section 7.1, RFC 4106 section 8.1
  [EncrId.ENCR_AES_GCM_12]: 4,
  [EncrId.ENCR_AES_GCM_16]: 4,
  [EncrId.ENCR_AES_CCM_8]: 3, // RFC 5282 section 7.1, RFC 4309 section 7.1
  [EncrId.ENCR_AES_CCM_12]: 3,
  [EncrId.ENCR_AES_CCM_16]: 3,
};

/** The AES key size in bits: the Key Length attribute, or what the keying material implies. */
function aesBits(encr: number, keyBits: number | undefined, keyHex: string): number | undefined {
  if (keyBits) return keyBits;
  const bytes = keyHex.length / 2 - (SALT[encr] ?? 0);
  return [16, 24, 32].includes(bytes) ? bytes * 8 : undefined;
}

/** Wireshark's name for an IKEv2 encryption algorithm (packet-isakmp.c, vs_ikev2_encr_algs). */
export function wiresharkIkeEncryption(encr: number, keyBits?: number, keyHex = ''): string | undefined {
  if (encr === EncrId.ENCR_3DES) return '3DES [RFC2451]';
  if (encr === EncrId.ENCR_NULL) return 'NULL [RFC2410]';
  const bits = aesBits(encr, keyBits, keyHex);
  if (bits === undefined) return undefined;
  if (encr === EncrId.ENCR_AES_CBC) return `AES-CBC-${bits} [RFC3602]`;
  if (encr === EncrId.ENCR_AES_CTR) return `AES-CTR-${bits} [RFC5930]`;
  const icv = AEAD_ICV[encr];
  if (icv === undefined) return undefined;
  const mode = encr === EncrId.ENCR_AES_GCM_8 || encr === EncrId.ENCR_AES_GCM_12 || encr === EncrId.ENCR_AES_GCM_16 ? 'GCM' : 'CCM';
  return `AES-${mode}-${bits} with ${icv} octet ICV [RFC5282]`;
}

const IKE_INTEG: Record<number, string> = {
  [IntegId.NONE]: 'NONE [RFC4306]',
  [IntegId.AUTH_HMAC_MD5_96]: 'HMAC_MD5_96 [RFC2403]',
  [IntegId.AUTH_HMAC_SHA1_96]: 'HMAC_SHA1_96 [RFC2404]',
  [IntegId.AUTH_HMAC_MD5_128]: 'HMAC_MD5_128 [RFC4595]',
  [IntegId.AUTH_HMAC_SHA1_160]: 'HMAC_SHA1_160 [RFC4595]',
  [IntegId.AUTH_HMAC_SHA2_256_128]: 'HMAC_SHA2_256_128 [RFC4868]',
  [IntegId.AUTH_HMAC_SHA2_384_192]: 'HMAC_SHA2_384_192 [RFC4868]',
  [IntegId.AUTH_HMAC_SHA2_512_256]: 'HMAC_SHA2_512_256 [RFC4868]',
};

/** Wireshark's name for an IKEv2 integrity algorithm (packet-isakmp.c, vs_ikev2_auth_algs). */
export function wiresharkIkeIntegrity(integ: number | undefined): string | undefined {
  return IKE_INTEG[integ ?? IntegId.NONE];
}

const ESP_ENCR: Record<number, string> = {
  [EncrId.ENCR_NULL]: 'NULL',
  [EncrId.ENCR_3DES]: 'TripleDES-CBC [RFC2451]',
  [EncrId.ENCR_AES_CBC]: 'AES-CBC [RFC3602]',
  [EncrId.ENCR_AES_CTR]: 'AES-CTR [RFC3686]',
  [EncrId.ENCR_DES]: 'DES-CBC [RFC2405]',
  [EncrId.ENCR_CAST]: 'CAST5-CBC [RFC2144]',
  [EncrId.ENCR_BLOWFISH]: 'BLOWFISH-CBC [RFC2451]',
  [EncrId.ENCR_AES_GCM_8]: 'AES-GCM [RFC4106]',
  [EncrId.ENCR_AES_GCM_12]: 'AES-GCM [RFC4106]',
  [EncrId.ENCR_AES_GCM_16]: 'AES-GCM [RFC4106]',
};

const ESP_INTEG: Record<number, string> = {
  [IntegId.NONE]: 'NULL',
  [IntegId.AUTH_HMAC_MD5_96]: 'HMAC-MD5-96 [RFC2403]',
  [IntegId.AUTH_HMAC_SHA1_96]: 'HMAC-SHA-1-96 [RFC2404]',
  [IntegId.AUTH_HMAC_SHA2_256_128]: 'HMAC-SHA-256-128 [RFC4868]',
  [IntegId.AUTH_HMAC_SHA2_384_192]: 'HMAC-SHA-384-192 [RFC4868]',
  [IntegId.AUTH_HMAC_SHA2_512_256]: 'HMAC-SHA-512-256 [RFC4868]',
};

/** Wireshark's ESP names (packet-ipsec.c, esp_encryption_type_vals / esp_authentication_type_vals). */
export function wiresharkEspAlgorithms(encr: number, integ: number | undefined): { encryption: string; authentication: string } | undefined {
  const encryption = ESP_ENCR[encr];
  if (!encryption) return undefined;
  const icv = AEAD_ICV[encr];
  // An AEAD has no integrity transform; Wireshark takes the ICV length from an unchecked "ANY" entry.
  const authentication = icv !== undefined ? `ANY ${icv * 8} bit authentication [no checking]` : ESP_INTEG[integ ?? IntegId.NONE];
  return authentication ? { encryption, authentication } : undefined;
}

const HEX = /^[0-9a-f]*$/;

function hex(h: string): string {
  const s = h.toLowerCase().replace(/^0x/, '');
  if (!HEX.test(s) || s.length % 2) throw new Error(`not hex: ${h.slice(0, 20)}`);
  return s;
}

function quoted(s: string): string {
  return `"${s}"`;
}

/** One `ikev2_decryption_table` row, or a comment when Wireshark has no name for an algorithm. */
export function ikev2DecryptionTableLine(r: IkeKeyRecord): string {
  const encryption = wiresharkIkeEncryption(r.encr, r.keyBits, hex(r.SK_ei));
  const integrity = wiresharkIkeIntegrity(r.integ);
  if (!encryption || !integrity) {
    return `# ${hex(r.spiI)},${hex(r.spiR)}: ${EncrId.label(r.encr)}/${IntegId.label(r.integ ?? 0)} has no Wireshark IKEv2 decryption support`;
  }
  return [hex(r.spiI), hex(r.spiR), hex(r.SK_ei), hex(r.SK_er), quoted(encryption), hex(r.SK_ai), hex(r.SK_ar), quoted(integrity)].join(',');
}

/**
 * One `ikev1_decryption_table` row: the Initiator's COOKIE (CKY-I, RFC 2408 section 3.1) and the
 * phase 1 Encryption Key (RFC 2409 Appendix B: SKEYID_e, or its expansion, cut to the cipher's
 * key length), both hex without 0x. Wireshark needs no algorithm: it takes it from the SA payload.
 */
export function ikev1DecryptionTableLine(icookie: string, encryptionKey: string): string {
  const cky = hex(icookie);
  if (cky.length !== 16) throw new Error(`an Initiator COOKIE has 8 octets, not ${cky.length / 2}`);
  return `${cky},${hex(encryptionKey)}`;
}

/** One `esp_sa` row for one direction of a Child SA, or a comment. */
export function espSaLine(r: EspKeyRecord): string {
  const algs = wiresharkEspAlgorithms(r.encr, r.integ);
  const spi = `0x${hex(r.spi).padStart(8, '0')}`;
  if (!algs) return `# ${spi}: ${EncrId.label(r.encr)}/${IntegId.label(r.integ ?? 0)} has no Wireshark ESP decryption support`;
  const family = r.src.includes(':') ? 'IPv6' : 'IPv4';
  const key = (k: string) => (k === '' ? '' : `0x${hex(k)}`);
  return [quoted(family), quoted(r.src), quoted(r.dst), quoted(spi), quoted(algs.encryption), quoted(key(r.encrKey)), quoted(algs.authentication), quoted(key(r.integKey))].join(',');
}

/**
 * Resolves an algorithm named in a session 'keys' event: a registry name (ENCR_AES_CBC,
 * AUTH_HMAC_SHA2_256_128), optionally with a key size ("ENCR_AES_CBC_128", "ENCR_AES_CBC (keylen 128)",
 * "ENCR_AES_CBC/128"), or a decimal transform ID.
 */
export function parseAlgorithmName(text: string, registry: 'encr' | 'integ'): { id: number; keyBits?: number } | undefined {
  const reg = registry === 'encr' ? EncrId : IntegId;
  const t = text.trim();
  if (/^\d+$/.test(t)) return { id: Number(t) };
  const m = /^([A-Z0-9_]+?)(?:[_/ -]?(?:\(KEYLEN )?(\d{3})\)?)?$/.exec(t.toUpperCase());
  if (!m) return undefined;
  const candidates: Array<[string, number | undefined]> = [[t.toUpperCase(), undefined]];
  if (m[2]) candidates.push([m[1], Number(m[2])]);
  for (const [name, bits] of candidates) {
    for (const prefix of ['', registry === 'encr' ? 'ENCR_' : 'AUTH_']) {
      const id = (reg as unknown as Record<string, unknown>)[prefix + name];
      if (typeof id === 'number') return bits ? { id, keyBits: bits } : { id };
    }
  }
  return undefined;
}
