import { describe, expect, it } from 'vitest';
import { decodeMessageV2, describeMessageV2, summarizeMessageV2 } from '../../src/payloads/ikev2/index.js';
import { datagram, gp } from './ikev2-helpers.js';

// An IKE_SA_INIT request written by hand from the RFC 7296 section 3 figures.
const SA =
  '00 00 002c 01 01 00 04' +
  '03 00 000c 01 00 000c 800e 0080' +
  '03 00 0008 02 00 0005' +
  '03 00 0008 03 00 000c' +
  '00 00 0008 04 00 0013';
const KE = '0013 0000' + '04'.repeat(64);
const NONCE = '5a'.repeat(32);
const NAT = '00 00 4004' + '11'.repeat(20);
const SHA = '00 00 402f 0002 0003 0004';
const TS = '01 000000 07 00 0010 0000 ffff 0a000000 0a0000ff';
const CP = '02 000000 0001 0004 0a000001';

describe('describeMessageV2: a trace by RFC names', () => {
  const msg = decodeMessageV2(datagram(33, gp(34, SA) + gp(40, KE) + gp(41, NONCE) + gp(41, NAT) + gp(44, SHA) + gp(47, TS) + gp(0, CP)));
  const text = describeMessageV2(msg);

  it('prints the header: exchange, request/response, message ID, SPIs', () => {
    expect(text.split('\n')[0]).toBe('IKE_SA_INIT request 0 [I] SPIi 0102030405060708 SPIr 0000000000000000 version 2.0 flags I');
  });

  it('prints payloads with their lengths and transforms by name with key length', () => {
    expect(text).toContain('  SA (48 bytes)');
    expect(text).toContain('Proposal #1 IKE, no SPI, 4 transform(s)');
    expect(text).toContain('ENCR ENCR_AES_CBC (keylen 128)');
    expect(text).toContain('PRF PRF_HMAC_SHA2_256');
    expect(text).toContain('INTEG AUTH_HMAC_SHA2_256_128');
    expect(text).toContain('KE ECP_256');
    expect(text).toContain('  KE (72 bytes) ECP_256, 64 bytes of key exchange data');
    expect(text).toContain('  NONCE (36 bytes) 32 bytes');
  });

  it('prints notify names and RFC 7427 hash algorithm names', () => {
    expect(text).toContain('N (28 bytes) NAT_DETECTION_SOURCE_IP (status) data ' + '11'.repeat(20));
    expect(text).toContain('SIGNATURE_HASH_ALGORITHMS (status) SHA2_256, SHA2_384, SHA2_512');
  });

  it('prints traffic selectors as address ranges and CP attributes as addresses', () => {
    expect(text).toContain('TS_IPV4_ADDR_RANGE 10.0.0.0-10.0.0.255 any protocol any port');
    expect(text).toContain('CP (16 bytes) CFG_REPLY');
    expect(text).toContain('INTERNAL_IP4_ADDRESS 10.0.0.1');
  });

  it('prints IDs as text and SK as opaque', () => {
    const auth = decodeMessageV2(datagram(35, gp(46, '05 000000 20010db8000000000000000000000001') + gp(35, 'aa'.repeat(16))));
    const t = describeMessageV2(auth);
    expect(t).toContain('IDi (24 bytes) ID_IPV6_ADDR ipv6:2001:db8::1');
    expect(t).toContain('SK (20 bytes) first inner payload IDi, 16 bytes of IV, ciphertext and ICV');
  });

  it('summarizes the exchange and payload kinds on one line', () => {
    expect(summarizeMessageV2(msg)).toBe(
      'IKE_SA_INIT request 0 [ SA KE NONCE N(NAT_DETECTION_SOURCE_IP) N(SIGNATURE_HASH_ALGORITHMS) TSi CP ]',
    );
  });
});
