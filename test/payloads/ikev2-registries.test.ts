import { describe, expect, it } from 'vitest';
import * as iana from '../../src/payloads/iana/ikev2.js';
import type { RegistryLookups } from '../../src/payloads/registry.js';

const registries = (Object.entries(iana) as Array<[string, unknown]>).filter(
  (e): e is [string, RegistryLookups<Record<string, number>>] => typeof e[1] === 'object' && e[1] !== null && 'nameOf' in e[1],
);

describe('IKEv2 IANA registries', () => {
  it('every registry maps each name to a distinct value and back', () => {
    expect(registries.length).toBeGreaterThanOrEqual(19);
    for (const [title, reg] of registries) {
      const seen = new Set<number>();
      for (const [name, value] of reg.entries) {
        expect(seen.has(value), `${title}: ${name} repeats ${value}`).toBe(false);
        seen.add(value);
        expect(reg.nameOf(value), title).toBe(name);
      }
    }
  });

  it('RFC 7296 section 3.10.1: Notify error and status types', () => {
    const N = iana.NotifyType;
    expect([N.UNSUPPORTED_CRITICAL_PAYLOAD, N.INVALID_SYNTAX, N.NO_PROPOSAL_CHOSEN, N.INVALID_KE_PAYLOAD, N.AUTHENTICATION_FAILED]).toEqual([1, 7, 14, 17, 24]);
    expect([N.TS_UNACCEPTABLE, N.INVALID_SELECTORS, N.TEMPORARY_FAILURE, N.CHILD_SA_NOT_FOUND]).toEqual([38, 39, 43, 44]);
    expect([N.INITIAL_CONTACT, N.NAT_DETECTION_SOURCE_IP, N.NAT_DETECTION_DESTINATION_IP, N.COOKIE, N.USE_TRANSPORT_MODE]).toEqual([16384, 16388, 16389, 16390, 16391]);
    expect([N.REKEY_SA, N.ESP_TFC_PADDING_NOT_SUPPORTED, N.NON_FIRST_FRAGMENTS_ALSO]).toEqual([16393, 16394, 16395]);
  });

  it('extension notify types: MOBIKE (RFC 4555), fragmentation (RFC 7383), hash algorithms (RFC 7427), PPK (RFC 8784), intermediate (RFC 9242)', () => {
    const N = iana.NotifyType;
    expect(N.MOBIKE_SUPPORTED).toBe(16396);
    expect(N.IKEV2_FRAGMENTATION_SUPPORTED).toBe(16430);
    expect(N.SIGNATURE_HASH_ALGORITHMS).toBe(16431);
    expect(N.USE_PPK).toBe(16435);
    expect(N.INTERMEDIATE_EXCHANGE_SUPPORTED).toBe(16438);
    expect(N.label(40969)).toBe('PRIVATE_USE_STATUS(40969)');
    expect(N.label(9000)).toBe('PRIVATE_USE_ERROR(9000)');
  });

  it('RFC 7296 sections 3.5, 3.8, 3.13.1, 3.15 and RFC 7427 section 7 values', () => {
    expect([iana.IdType.ID_IPV4_ADDR, iana.IdType.ID_FQDN, iana.IdType.ID_RFC822_ADDR, iana.IdType.ID_IPV6_ADDR, iana.IdType.ID_DER_ASN1_DN, iana.IdType.ID_KEY_ID]).toEqual([1, 2, 3, 5, 9, 11]);
    expect([iana.AuthMethod.RSA_DIGITAL_SIGNATURE, iana.AuthMethod.SHARED_KEY_MIC, iana.AuthMethod.DSS_DIGITAL_SIGNATURE, iana.AuthMethod.DIGITAL_SIGNATURE, iana.AuthMethod.NULL_AUTH]).toEqual([1, 2, 3, 13, 14]);
    expect([iana.TsType.TS_IPV4_ADDR_RANGE, iana.TsType.TS_IPV6_ADDR_RANGE]).toEqual([7, 8]);
    expect([iana.CfgType.CFG_REQUEST, iana.CfgType.CFG_REPLY, iana.CfgType.CFG_SET, iana.CfgType.CFG_ACK]).toEqual([1, 2, 3, 4]);
    expect([iana.CfgAttributeType.INTERNAL_IP4_ADDRESS, iana.CfgAttributeType.INTERNAL_IP6_ADDRESS, iana.CfgAttributeType.INTERNAL_IP6_SUBNET]).toEqual([1, 8, 15]);
    expect([iana.CertEncoding.X509_CERT_SIGNATURE, iana.CertEncoding.HASH_AND_URL_X509_CERT]).toEqual([4, 12]);
    expect([iana.HashAlgorithm.SHA1, iana.HashAlgorithm.SHA2_256, iana.HashAlgorithm.SHA2_384, iana.HashAlgorithm.SHA2_512]).toEqual([1, 2, 3, 4]);
    expect([iana.EapCode.Request, iana.EapCode.Response, iana.EapCode.Success, iana.EapCode.Failure]).toEqual([1, 2, 3, 4]);
  });
});
