import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EncrId, IntegId } from '../../src/payloads/iana/ikev2.js';
import {
  espSaLine,
  ikev2DecryptionTableLine,
  parseAlgorithmName,
  wiresharkEspAlgorithms,
  wiresharkIkeEncryption,
  wiresharkIkeIntegrity,
} from '../../src/node/keylog.js';
import { sharedDir } from '../helpers/shared.js';

const dir = sharedDir('IKESTACK_WIRESHARK_DIR');

function rows(file: string): string[] {
  return readFileSync(join(dir!, file), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
}

function fields(line: string): string[] {
  return line.split(',').map((f) => f.replace(/^"|"$/g, ''));
}

/**
 * The algorithms of each key-table row, from the capture list in the folder's README (the
 * transforms each capture negotiates). The row for a2926ae833c6f138 is left out: it deliberately
 * describes a CCM capture as AES-CTR with unchecked integrity.
 */
const IKE_ROWS: Record<string, { encr: number; keyBits?: number; integ: number }> = {
  '1234567890123456': { encr: EncrId.ENCR_NULL, integ: IntegId.NONE },
  '19ab98963486359f': { encr: EncrId.ENCR_3DES, integ: IntegId.AUTH_HMAC_SHA1_160 },
  ea684d21597afd36: { encr: EncrId.ENCR_AES_CCM_12, keyBits: 128, integ: IntegId.NONE },
  '81f24c0acd8fa55c': { encr: EncrId.ENCR_AES_CTR, keyBits: 192, integ: IntegId.AUTH_HMAC_SHA2_512_256 },
  '191ccd371a7a1f7b': { encr: EncrId.ENCR_AES_CBC, keyBits: 256, integ: IntegId.AUTH_HMAC_SHA2_256_128 },
  cd7ae76304b277e2: { encr: EncrId.ENCR_AES_CCM_16, keyBits: 256, integ: IntegId.NONE },
  '5d48bfeeb7d574da': { encr: EncrId.ENCR_AES_GCM_8, keyBits: 256, integ: IntegId.NONE },
  '0158b8fb90b7623d': { encr: EncrId.ENCR_AES_GCM_16, keyBits: 256, integ: IntegId.NONE },
};

describe.skipIf(!dir)("Wireshark's key tables, rebuilt from their keys and the negotiated transforms", () => {
  it('ikev2_decryption_table.tmpl: every row comes out byte for byte', () => {
    let checked = 0;
    for (const line of rows('ikev2_decryption_table.tmpl')) {
      const [spiI, spiR, SK_ei, SK_er, , SK_ai, SK_ar] = fields(line);
      const algs = IKE_ROWS[spiI];
      if (!algs) continue;
      expect(ikev2DecryptionTableLine({ spiI, spiR, SK_ei, SK_er, SK_ai, SK_ar, ...algs })).toBe(line);
      checked++;
    }
    expect(checked).toBe(8);
  });

  it('the AES key size follows from the keying material when no Key Length is given (RFC 5282 salt, RFC 5930 nonce)', () => {
    for (const line of rows('ikev2_decryption_table.tmpl')) {
      const [spiI, spiR, SK_ei, SK_er, , SK_ai, SK_ar] = fields(line);
      const algs = IKE_ROWS[spiI];
      if (!algs?.keyBits) continue;
      expect(ikev2DecryptionTableLine({ spiI, spiR, SK_ei, SK_er, SK_ai, SK_ar, encr: algs.encr, integ: algs.integ })).toBe(line);
    }
  });

  it('esp_sa.tmpl: both ESP SAs (AES-CBC-128, HMAC-SHA1-96) come out byte for byte', () => {
    const lines = rows('esp_sa.tmpl');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const [, src, dst, spi, , encrKey, , integKey] = fields(line);
      const out = espSaLine({ src, dst, spi: spi.slice(2), encr: EncrId.ENCR_AES_CBC, integ: IntegId.AUTH_HMAC_SHA1_96, encrKey, integKey });
      expect(out).toBe(line);
    }
  });
});

describe('Wireshark algorithm names', () => {
  it('IKEv2 AES-CBC carries the key size, 3DES and NULL do not', () => {
    expect(wiresharkIkeEncryption(EncrId.ENCR_AES_CBC, 128)).toBe('AES-CBC-128 [RFC3602]');
    expect(wiresharkIkeEncryption(EncrId.ENCR_AES_GCM_16, 128)).toBe('AES-GCM-128 with 16 octet ICV [RFC5282]');
    expect(wiresharkIkeEncryption(EncrId.ENCR_3DES)).toBe('3DES [RFC2451]');
    expect(wiresharkIkeIntegrity(IntegId.AUTH_HMAC_SHA2_256_128)).toBe('HMAC_SHA2_256_128 [RFC4868]');
    expect(wiresharkIkeIntegrity(undefined)).toBe('NONE [RFC4306]');
  });
  it('algorithms Wireshark cannot decrypt give a comment line, not a wrong row', () => {
    const line = ikev2DecryptionTableLine({
      spiI: '01', spiR: '02', encr: EncrId.ENCR_CHACHA20_POLY1305, SK_ei: '00', SK_er: '00', SK_ai: '', SK_ar: '',
    });
    expect(line).toMatch(/^# 01,02: ENCR_CHACHA20_POLY1305\/NONE has no Wireshark/);
  });
  it('ESP AES-GCM (RFC 4106) names the ICV length through an unchecked authentication entry', () => {
    expect(wiresharkEspAlgorithms(EncrId.ENCR_AES_GCM_16, undefined)).toEqual({ encryption: 'AES-GCM [RFC4106]', authentication: 'ANY 128 bit authentication [no checking]' });
    expect(wiresharkEspAlgorithms(EncrId.ENCR_AES_CBC, IntegId.AUTH_HMAC_SHA2_256_128)?.authentication).toBe('HMAC-SHA-256-128 [RFC4868]');
  });
  it('esp_sa rows name the address family and zero-pad the SPI', () => {
    const line = espSaLine({ src: '2001:db8::1', dst: '2001:db8::2', spi: '0abc', encr: EncrId.ENCR_AES_CBC, integ: IntegId.AUTH_HMAC_SHA1_96, encrKey: '00', integKey: '11' });
    expect(line).toBe('"IPv6","2001:db8::1","2001:db8::2","0x00000abc","AES-CBC [RFC3602]","0x00","HMAC-SHA-1-96 [RFC2404]","0x11"');
  });
  it('reads algorithm names as the session may spell them', () => {
    expect(parseAlgorithmName('ENCR_AES_CBC', 'encr')).toEqual({ id: EncrId.ENCR_AES_CBC });
    expect(parseAlgorithmName('ENCR_AES_CBC_256', 'encr')).toEqual({ id: EncrId.ENCR_AES_CBC, keyBits: 256 });
    expect(parseAlgorithmName('ENCR_AES_GCM_16 (keylen 128)', 'encr')).toEqual({ id: EncrId.ENCR_AES_GCM_16, keyBits: 128 });
    expect(parseAlgorithmName('AUTH_HMAC_SHA2_256_128', 'integ')).toEqual({ id: IntegId.AUTH_HMAC_SHA2_256_128 });
    expect(parseAlgorithmName('HMAC_SHA2_256_128', 'integ')).toEqual({ id: IntegId.AUTH_HMAC_SHA2_256_128 });
    expect(parseAlgorithmName('12', 'encr')).toEqual({ id: 12 });
    expect(parseAlgorithmName('NONE', 'integ')).toEqual({ id: 0 });
    expect(parseAlgorithmName('bogus', 'encr')).toBeUndefined();
  });
});
