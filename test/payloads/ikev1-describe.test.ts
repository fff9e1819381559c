/** describeMessageV1: every number printed by its RFC name (RFC 2408/2409/2407/3706/3947 registries). */
import { describe, expect, it } from 'vitest';
import {
  decodePayloadChainV1,
  describeMessageV1,
  type IkeV1Message,
  type IsakmpHeader,
} from '../../src/payloads/ikev1/index.js';
import { fromHex } from '../../src/util/bytes.js';

const h = (s: string) => fromHex(s.replace(/\s+/g, ''));

const header: IsakmpHeader = {
  initiatorCookie: h('0102030405060708'),
  responderCookie: h('1112131415161718'),
  majorVersion: 1,
  minorVersion: 0,
  exchangeType: 32,
  flags: { encryption: false, commit: false, authenticationOnly: false },
  messageId: 0x01020304,
};

describe('describeMessageV1', () => {
  it('Quick Mode SA: ESP transform and IPsec DOI attributes by name (RFC 2407 4.4.4, 4.5)', () => {
    const sa =
      '00 00 0036 00000001 00000001' +
      '00 00 002a 01 03 04 01 c0ffee01' +
      '00 00 001e 01 0c 0000 8001 0001 0002 0002 0e10 8004 0003 8005 0005 8006 0080';
    const { payloads } = decodePayloadChainV1(h(sa), 1);
    const text = describeMessageV1({ header, payloads });
    expect(text).toContain('QUICK_MODE');
    expect(text).toContain('message ID 0x01020304');
    expect(text).toContain('SA (54 bytes) DOI IPSEC, situation SIT_IDENTITY_ONLY');
    expect(text).toContain('Proposal #1 PROTO_IPSEC_ESP SPI c0ffee01, 1 transform(s)');
    expect(text).toContain('Transform #1 ESP_AES');
    expect(text).toContain('SA_LIFE_TYPE = SECONDS');
    expect(text).toContain('SA_LIFE_DURATION = 3600 (TLV 2)');
    expect(text).toContain('ENCAPSULATION_MODE = UDP_TUNNEL');
    expect(text).toContain('AUTHENTICATION_ALGORITHM = HMAC_SHA2_256');
    expect(text).toContain('KEY_LENGTH = 128');
  });

  it('notify names with the DPD sequence number (RFC 3706), vendor IDs by name, delete, NAT-OA', () => {
    const chain =
      '0d 00 0020 00000001 01 10 8d29 0102030405060708 1112131415161718 00000007' + // R-U-THERE-ACK
      '0c 00 0014 afcad71368a1f1c96b8696fc77570100' + // VID: DPD
      '15 00 0014 00000001 03 04 0002 c0ffee01 c0ffee02' + // Delete ESP
      '00 00 000c 01 000000 c0a80001'; // NAT-OA
    const { payloads } = decodePayloadChainV1(h(chain), 11);
    const text = describeMessageV1({ header: { ...header, exchangeType: 5 }, payloads });
    expect(text).toContain('INFORMATIONAL');
    expect(text).toContain('N (32 bytes) R_U_THERE_ACK DOI IPSEC PROTO_ISAKMP SPI 01020304050607081112131415161718 sequence 7');
    expect(text).toContain('VID (20 bytes) Dead Peer Detection (RFC 3706)');
    expect(text).toContain('D (20 bytes) DOI IPSEC PROTO_IPSEC_ESP 2 SPI(s): c0ffee01 c0ffee02');
    expect(text).toContain('NAT_OA (12 bytes) ID_IPV4_ADDR 192.168.0.1');
  });

  it('unknown numbers print as UNKNOWN(n) or with their IANA range; an encrypted body is summarised', () => {
    const m: IkeV1Message = { header: { ...header, exchangeType: 250, flags: { ...header.flags, encryption: true } }, firstPayload: 8, encrypted: h('00'.repeat(16)) };
    const text = describeMessageV1(m);
    expect(text).toContain('ISAKMP PRIVATE_USE(250) v1.0 flags E');
    expect(text).toContain('encrypted 16 bytes, first payload HASH');
    const { payloads } = decodePayloadChainV1(h('00 00 0006 abcd'), 99);
    expect(describeMessageV1({ header, payloads })).toContain('RESERVED(99) (6 bytes) not decoded');
  });
});
