/** Spot checks of the ISAKMP registries against the numbers printed in the RFCs and drafts. */
import { describe, expect, it } from 'vitest';
import { ikev1Iana as I } from '../../src/payloads/ikev1/index.js';

describe('ISAKMP / IKEv1 registries', () => {
  it('RFC 2408 section 3.1 exchange and payload types, RFC 3947 NAT payloads', () => {
    expect([I.ExchangeType.IDENTITY_PROTECTION, I.ExchangeType.AGGRESSIVE, I.ExchangeType.INFORMATIONAL, I.ExchangeType.TRANSACTION, I.ExchangeType.QUICK_MODE, I.ExchangeType.NEW_GROUP_MODE]).toEqual([2, 4, 5, 6, 32, 33]);
    expect([I.PayloadType.SA, I.PayloadType.NONCE, I.PayloadType.VID, I.PayloadType.ATTRIBUTE, I.PayloadType.NAT_D, I.PayloadType.NAT_OA]).toEqual([1, 10, 13, 14, 20, 21]);
    expect([I.PayloadType.NAT_D_DRAFT, I.PayloadType.NAT_OA_DRAFT, I.PayloadType.FRAGMENT]).toEqual([130, 131, 132]);
    expect(I.PayloadType.label(200)).toBe('PRIVATE_USE(200)');
  });

  it('RFC 2408 3.14.1 / RFC 2407 4.6.3 / RFC 3706 notify numbers', () => {
    expect(I.NotifyType.PAYLOAD_MALFORMED).toBe(16);
    expect(I.NotifyType.UNEQUAL_PAYLOAD_LENGTHS).toBe(30);
    expect(I.NotifyType.CONNECTED).toBe(16384);
    expect([I.NotifyType.RESPONDER_LIFETIME, I.NotifyType.REPLAY_STATUS, I.NotifyType.INITIAL_CONTACT]).toEqual([24576, 24577, 24578]);
    expect([I.NotifyType.R_U_THERE, I.NotifyType.R_U_THERE_ACK]).toEqual([36136, 36137]);
    // Every error 1-30 is named.
    for (let v = 1; v <= 30; v++) expect(I.NotifyType.nameOf(v)).toBeDefined();
  });

  it('RFC 2409 Appendix A attribute classes and values', () => {
    expect([I.Phase1Attribute.LIFE_TYPE, I.Phase1Attribute.LIFE_DURATION, I.Phase1Attribute.KEY_LENGTH, I.Phase1Attribute.GROUP_ORDER]).toEqual([11, 12, 14, 16]);
    expect(I.Phase1Encryption['3DES_CBC']).toBe(5);
    expect(I.Phase1Encryption.AES_CBC).toBe(7);
    expect(I.Phase1Hash.SHA2_512).toBe(6);
    expect([I.AuthMethod.RSA_SIG, I.AuthMethod.XAUTHInitPreShared, I.AuthMethod.XAUTHRespRSARevisedEncryption, I.AuthMethod.HybridInitRSA]).toEqual([3, 65001, 65010, 64221]);
    expect(I.GroupDescription.MODP_2048).toBe(14);
  });

  it('RFC 2407 section 4 IPsec DOI numbers, RFC 3947 encapsulation modes', () => {
    expect([I.EspTransformId.ESP_3DES, I.EspTransformId.ESP_NULL, I.EspTransformId.ESP_AES, I.EspTransformId.ESP_AES_GCM_16]).toEqual([3, 11, 12, 20]);
    expect([I.IpsecAttribute.ENCAPSULATION_MODE, I.IpsecAttribute.AUTHENTICATION_ALGORITHM, I.IpsecAttribute.ESN]).toEqual([4, 5, 11]);
    expect([I.EncapsulationMode.UDP_TUNNEL, I.EncapsulationMode.UDP_TRANSPORT, I.EncapsulationMode.UDP_TUNNEL_DRAFT, I.EncapsulationMode.UDP_TRANSPORT_DRAFT]).toEqual([3, 4, 61443, 61444]);
    expect(I.AuthAlgorithm.HMAC_SHA2_256).toBe(5);
    expect([I.IdType.ID_IPV4_ADDR, I.IdType.ID_IPV6_ADDR_SUBNET, I.IdType.ID_KEY_ID]).toEqual([1, 6, 11]);
    expect([I.CfgAttribute.XAUTH_TYPE, I.CfgAttribute.XAUTH_STATUS, I.CfgAttribute.UNITY_BANNER]).toEqual([16520, 16527, 28672]);
  });

  it('no registry gives two names to one value by accident', () => {
    for (const reg of Object.values(I)) {
      const values = reg.entries.map(([, v]: readonly [string, number]) => v);
      expect(new Set(values).size, reg.title).toBe(values.length);
    }
  });
});
