import { describe, expect, it } from 'vitest';
import {
  compileConfigV1,
  describePhase1,
  describePhase2,
  formatClientId,
  parseClientId,
  parseConfigV1,
  parseIdentity,
  parsePhase1Proposal,
  parsePhase2Proposal,
} from '../../src/ikev1/index.js';
import { AuthAlgorithm, EspTransformId, GroupDescription, IdType, Phase1Attribute, Phase1Encryption, Phase1Hash } from '../../src/payloads/iana/ikev1.js';
import { clientIdPayload, clientIdWithin } from '../../src/ikev1/ids.js';
import { phase1Sa, phase2Sa, readPhase1Transform, selectPhase1, selectPhase2 } from '../../src/ikev1/proposals.js';
import { makeAttributeV1 } from '../../src/payloads/ikev1/attributes.js';

const EXAMPLE = {
  version: 1,
  mode: 'main',
  local: { address: '192.0.2.1', port: 500, id: 'fqdn:alice.example' },
  remote: { address: '192.0.2.2', port: 500, id: 'fqdn:bob.example' },
  psk: 'cisco',
  ike: { proposals: ['aes256-sha256-modp2048', '3des-sha1-modp1024'], lifetime: 28800, allowWeak: true },
  child: { proposals: ['aes128-sha1'], localTs: ['10.1.0.0/24'], remoteTs: ['10.2.0.0/24'], mode: 'tunnel', pfs: 'modp2048', lifetime: 3600 },
};

describe('version 1 config', () => {
  it('parses the example and compiles it to IKEv1 transforms', () => {
    const c = compileConfigV1(parseConfigV1(EXAMPLE));
    expect(c.phase1).toEqual([
      { encryption: Phase1Encryption.AES_CBC, keyBits: 256, hash: Phase1Hash.SHA2_256, group: GroupDescription.MODP_2048 },
      { encryption: Phase1Encryption['3DES_CBC'], hash: Phase1Hash.SHA, group: GroupDescription.MODP_1024 },
    ]);
    expect(c.phase2).toEqual([{ transformId: EspTransformId.ESP_AES, keyBits: 128, authAlgorithm: AuthAlgorithm.HMAC_SHA, group: GroupDescription.MODP_2048 }]);
    expect(c.pfsGroup).toBe(14);
    expect(c.nattPortLocal).toBe(4500);
    expect(c.psk).toEqual(new TextEncoder().encode('cisco'));
  });

  it('"0x..." pre-shared keys are hex bytes; NAT-T port defaults to port + 1 off port 500', () => {
    const c = compileConfigV1(parseConfigV1({ ...EXAMPLE, psk: '0x00ff10', local: { ...EXAMPLE.local, port: 16500 } }));
    expect([...c.psk]).toEqual([0, 255, 16]);
    expect(c.nattPortLocal).toBe(16501);
  });

  const bad: [string, unknown, RegExp][] = [
    ['version', { ...EXAMPLE, version: 2 }, /config.version/],
    ['mode', { ...EXAMPLE, mode: 'quick' }, /config.mode/],
    ['an unknown field', { ...EXAMPLE, extra: 1 }, /config.extra: unknown field/],
    ['a bad port', { ...EXAMPLE, local: { ...EXAMPLE.local, port: 70000 } }, /config.local.port/],
    ['an unknown keyword', { ...EXAMPLE, ike: { proposals: ['aes256-sha256-modp9999'] } }, /config.ike.proposals\[0\].*modp9999/],
    ['a weak group without allowWeak', { ...EXAMPLE, ike: { proposals: ['aes128-sha1-modp1024'] } }, /MODP_1024.*allowWeak/],
    ['a PRF keyword (IKEv1 has none)', { ...EXAMPLE, ike: { proposals: ['aes128-sha256-prfsha256-modp2048'] } }, /PRF/],
    ['a phase 1 proposal without a group', { ...EXAMPLE, ike: { proposals: ['aes128-sha256'] } }, /cipher, a hash and a DH group/],
    ['an AEAD for phase 1', { ...EXAMPLE, ike: { proposals: ['aes128gcm16-sha256-modp2048'] } }, /cannot protect an ISAKMP SA/],
    ['a bad traffic selector', { ...EXAMPLE, child: { ...EXAMPLE.child, localTs: ['10.1.0.0/33'] } }, /config.child.localTs\[0\]/],
    ['a bad identity', { ...EXAMPLE, local: { ...EXAMPLE.local, id: 'ipv4:300.1.1.1' } }, /config.local.id/],
    ['a DN identity (certificates only)', { ...EXAMPLE, local: { ...EXAMPLE.local, id: 'dn:CN=x' } }, /config.local.id.*DN/],
    ['a rekey time beyond the lifetime', { ...EXAMPLE, child: { ...EXAMPLE.child, rekeyTime: 4000 } }, /config.child.rekeyTime/],
    ['mixed PFS groups', { ...EXAMPLE, child: { ...EXAMPLE.child, pfs: false, proposals: ['aes128-sha1-modp2048', 'aes128-sha1-ecp256'] } }, /same PFS group/],
  ];
  for (const [what, json, re] of bad) {
    it(`refuses ${what} with IkeError INVALID_ARGUMENT naming the field`, () => {
      expect(() => parseConfigV1(json)).toThrow(re);
      try {
        parseConfigV1(json);
      } catch (e) {
        expect((e as { kind?: string }).kind).toBe('INVALID_ARGUMENT');
      }
    });
  }
});

describe('strongSwan keywords -> IKEv1 attributes (RFC 2409 Appendix A, RFC 2407 section 4.5)', () => {
  it('several keywords of a kind are alternatives: their product is offered, in order', () => {
    const p = parsePhase1Proposal('aes256-aes128-sha256-sha1-ecp256');
    expect(p.map(describePhase1)).toEqual(['aes256-sha256-ecp256', 'aes256-sha1-ecp256', 'aes128-sha256-ecp256', 'aes128-sha1-ecp256']);
  });

  it('ESP: AEAD ciphers carry no AUTHENTICATION_ALGORITHM; a group keyword asks for PFS', () => {
    expect(parsePhase2Proposal('aes256gcm16', undefined)).toEqual([{ transformId: EspTransformId.ESP_AES_GCM_16, keyBits: 256 }]);
    expect(parsePhase2Proposal('aes128-sha256-ecp384', undefined).map(describePhase2)).toEqual(['aes128-sha256-ecp384']);
    expect(parsePhase2Proposal('aes128-sha256', 19).map(describePhase2)).toEqual(['aes128-sha256-ecp256']);
    expect(() => parsePhase2Proposal('aes128', undefined)).toThrow(/integrity/);
  });

  it('the SA payload carries each transform with its lifetime; the responder echoes the one it picks (RFC 2408 section 4.2)', () => {
    const sa = phase1Sa(parsePhase1Proposal('aes128-sha256-modp2048-ecp256'), 7200);
    expect(sa.proposals[0].transforms).toHaveLength(2);
    const read = readPhase1Transform(sa.proposals[0].transforms[1]);
    expect(read).toMatchObject({ authMethod: 1, lifetime: 7200, policy: { group: 19 } });
    const choice = selectPhase1(sa, parsePhase1Proposal('aes128-sha256-ecp256'), 3600);
    expect(choice?.lifetime).toBe(3600);
    expect(choice?.answer.proposals[0].transforms[0].transformNumber).toBe(2);
    expect(readPhase1Transform(choice!.answer.proposals[0].transforms[0])).toMatchObject({ lifetime: 3600 });
    expect(selectPhase1(sa, parsePhase1Proposal('aes256-sha256-ecp256'), 3600)).toBeUndefined();
    const esp = phase2Sa(parsePhase2Proposal('aes128-sha1', undefined), new Uint8Array([1, 2, 3, 4]), 3600, 1);
    expect(esp.proposals[0]).toMatchObject({ protocolId: 3, spi: new Uint8Array([1, 2, 3, 4]) });
  });
});

describe('identities and client IDs (RFC 2407 section 4.6.2)', () => {
  it('reads the config identity forms', () => {
    expect(parseIdentity('fqdn:vpn.example').idType).toBe(IdType.ID_FQDN);
    expect(parseIdentity('rfc822:a@b.example').idType).toBe(IdType.ID_USER_FQDN);
    expect(parseIdentity('a@b.example').idType).toBe(IdType.ID_USER_FQDN);
    expect(parseIdentity('ipv6:2001:db8::1')).toMatchObject({ idType: IdType.ID_IPV6_ADDR });
    expect(parseIdentity('192.0.2.7')).toMatchObject({ idType: IdType.ID_IPV4_ADDR, data: new Uint8Array([192, 0, 2, 7]) });
    expect(parseIdentity('keyid:0102')).toMatchObject({ idType: IdType.ID_KEY_ID, data: new Uint8Array([1, 2]) });
  });

  it('chooses ID_IPV4_ADDR for a host, _SUBNET for a CIDR block and _RANGE otherwise', () => {
    expect(clientIdPayload(parseClientId('10.1.0.5')).idType).toBe(IdType.ID_IPV4_ADDR);
    const subnet = clientIdPayload(parseClientId('10.1.0.0/24[tcp/80]'));
    expect(subnet).toMatchObject({ idType: IdType.ID_IPV4_ADDR_SUBNET, protocolId: 6, port: 80, data: new Uint8Array([10, 1, 0, 0, 255, 255, 255, 0]) });
    expect(clientIdPayload(parseClientId('10.1.0.1-10.1.0.9')).idType).toBe(IdType.ID_IPV4_ADDR_RANGE);
    expect(clientIdPayload(parseClientId('::/0')).idType).toBe(IdType.ID_IPV6_ADDR_SUBNET);
    expect(formatClientId(parseClientId('10.1.0.1-10.1.0.9'))).toBe('10.1.0.1-10.1.0.9');
    expect(formatClientId(parseClientId('10.1.0.77/24'))).toBe('10.1.0.0/24');
  });

  it('containment honours address range, protocol and port', () => {
    const outer = parseClientId('10.0.0.0/8');
    expect(clientIdWithin(parseClientId('10.1.0.0/24[udp/500]'), outer)).toBe(true);
    expect(clientIdWithin(parseClientId('11.1.0.0/24'), outer)).toBe(false);
    expect(clientIdWithin(parseClientId('10.1.0.0/24'), parseClientId('10.0.0.0/8[tcp]'))).toBe(false);
    expect(clientIdWithin(parseClientId('::1'), outer)).toBe(false);
  });
});

describe('offers the responder reads (RFC 2408 section 4.2, RFC 2407 section 4.5)', () => {
  it('several ESP proposals: the first of our policies found in any of them, keeping that proposal number and SPI', () => {
    const a = phase2Sa(parsePhase2Proposal('aes256gcm16', undefined), new Uint8Array([0, 0, 1, 1]), 3600, 1).proposals[0];
    const b = phase2Sa(parsePhase2Proposal('aes128-sha256', undefined), new Uint8Array([0, 0, 2, 2]), 3600, 1).proposals[0];
    const offer = { ...phase2Sa([], new Uint8Array(4), 0, 1), proposals: [a, { ...b, proposalNumber: 2 }] };
    const choice = selectPhase2(offer, parsePhase2Proposal('aes128-sha256', undefined), 1800, [1]);
    expect(choice).toMatchObject({ proposal: { proposalNumber: 2, spi: new Uint8Array([0, 0, 2, 2]) }, lifetime: 1800, shortened: true });
    // Proposals sharing a number are one AND-ed offer (e.g. AH + ESP), which we do not take.
    expect(selectPhase2({ ...offer, proposals: [a, { ...b, proposalNumber: 1 }] }, parsePhase2Proposal('aes128-sha256', undefined), 1800, [1])).toBeUndefined();
    // The encapsulation mode must be one we accept.
    expect(selectPhase2(offer, parsePhase2Proposal('aes128-sha256', undefined), 1800, [2])).toBeUndefined();
  });

  it('kilobyte lifetimes are read past; the seconds lifetime is the one kept (RFC 2409 Appendix A)', () => {
    const t = {
      transformNumber: 1,
      transformId: 1,
      attributes: [
        makeAttributeV1(Phase1Attribute.ENCRYPTION_ALGORITHM, 7),
        makeAttributeV1(Phase1Attribute.KEY_LENGTH, 128),
        makeAttributeV1(Phase1Attribute.HASH_ALGORITHM, 2),
        makeAttributeV1(Phase1Attribute.AUTHENTICATION_METHOD, 1),
        makeAttributeV1(Phase1Attribute.GROUP_DESCRIPTION, 14),
        makeAttributeV1(Phase1Attribute.LIFE_TYPE, 2),
        makeAttributeV1(Phase1Attribute.LIFE_DURATION, 4608000),
        makeAttributeV1(Phase1Attribute.LIFE_TYPE, 1),
        makeAttributeV1(Phase1Attribute.LIFE_DURATION, 86400),
      ],
    };
    expect(readPhase1Transform(t)).toMatchObject({ lifetime: 86400, policy: { encryption: 7, keyBits: 128, group: 14 } });
    expect(readPhase1Transform({ ...t, attributes: [...t.attributes, makeAttributeV1(Phase1Attribute.PRF, 1)] })).toMatch(/PRF is not supported/);
    expect(readPhase1Transform({ ...t, attributes: t.attributes.slice(1) })).toMatch(/mandatory/);
  });
});
