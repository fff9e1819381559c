/**
 * Proposal text (strongSwan's documented keywords) to SA payload Proposals. Transform numbers are
 * the IANA "IKEv2 Parameters" values written out, not read back from our registries.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IkeError } from '../../src/errors.js';
import { describeProposal, parseProposal, parseProposals } from '../../src/ikev2/proposals.js';
import type { Proposal } from '../../src/payloads/ikev2/types.js';

// IANA Transform Types (RFC 7296 section 3.3.2).
const ENCR = 1;
const PRF = 2;
const INTEG = 3;
const KE = 4;
const ESN = 5;
// RFC 7296 section 3.3.5: Key Length attribute type.
const KEY_LENGTH = 14;

/** [type, id, keyBits?] triples of a proposal, in order. */
function triples(p: Proposal): Array<[number, number, number?]> {
  return p.transforms.map((t) => {
    const kl = t.attributes.find((a) => a.type === KEY_LENGTH);
    return kl ? [t.transformType, t.transformId, kl.value as number] : [t.transformType, t.transformId];
  });
}

function refused(f: () => unknown, pattern: RegExp): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(IkeError);
    expect((e as IkeError).kind).toBe('INVALID_ARGUMENT');
    expect((e as IkeError).message).toMatch(pattern);
    return;
  }
  throw new Error('accepted');
}

describe('IKE proposals (RFC 7296 section 3.3.3: ENCR, PRF, INTEG unless AEAD, KE)', () => {
  it('aes128-sha256-modp2048: ENCR_AES_CBC/128 (12), PRF_HMAC_SHA2_256 (5), AUTH_HMAC_SHA2_256_128 (12), MODP_2048 (14)', () => {
    const p = parseProposal('aes128-sha256-modp2048', 'ike');
    expect(p.proposalNum).toBe(1);
    expect(p.protocolId).toBe(1); // IKE
    expect(p.spi.length).toBe(0); // RFC 7296 section 3.3.1: empty in the initial exchange
    expect(triples(p)).toEqual([
      [ENCR, 12, 128],
      [PRF, 5],
      [INTEG, 12],
      [KE, 14],
    ]);
  });

  it('aes256gcm16-prfsha384-ecp384: ENCR_AES_GCM_16/256 (20), PRF_HMAC_SHA2_384 (6), ECP_384 (20), no INTEG (RFC 5282 section 8)', () => {
    expect(triples(parseProposal('aes256gcm16-prfsha384-ecp384', 'ike'))).toEqual([
      [ENCR, 20, 256],
      [PRF, 6],
      [KE, 20],
    ]);
  });

  it('chacha20poly1305-prfsha256-x25519: ENCR_CHACHA20_POLY1305 (28) without Key Length (RFC 7634 section 2), Curve25519 (31)', () => {
    expect(triples(parseProposal('chacha20poly1305-prfsha256-x25519', 'ike'))).toEqual([
      [ENCR, 28],
      [PRF, 5],
      [KE, 31],
    ]);
  });

  it('several keywords of one kind are alternatives in one proposal, first preferred', () => {
    expect(triples(parseProposal('aes256gcm16-aes128gcm16-prfsha384-prfsha256-ecp384-modp3072', 'ike'))).toEqual([
      [ENCR, 20, 256],
      [ENCR, 20, 128],
      [PRF, 6],
      [PRF, 5],
      [KE, 20],
      [KE, 15],
    ]);
  });

  it('without a prf keyword, one PRF per integrity algorithm with the same hash (strongSwan)', () => {
    expect(triples(parseProposal('aes128-sha384-sha1-aesxcbc-ecp256', 'ike'))).toEqual([
      [ENCR, 12, 128],
      [PRF, 6], // PRF_HMAC_SHA2_384
      [PRF, 2], // PRF_HMAC_SHA1
      [PRF, 4], // PRF_AES128_XCBC
      [INTEG, 13], // AUTH_HMAC_SHA2_384_192
      [INTEG, 2], // AUTH_HMAC_SHA1_96
      [INTEG, 5], // AUTH_AES_XCBC_96
      [KE, 19],
    ]);
  });

  it('an explicit prf keyword replaces the derived one', () => {
    expect(triples(parseProposal('aes256-sha256-prfsha512-ecp521', 'ike'))).toEqual([
      [ENCR, 12, 256],
      [PRF, 7],
      [INTEG, 12],
      [KE, 21],
    ]);
  });

  it('strongSwan aliases: aes = aes128, sha = sha1 = sha1_96, sha2_256 = sha256, curve25519 = x25519, gcm128 = gcm16', () => {
    const same = (a: string, b: string) => expect(triples(parseProposal(a, 'ike'))).toEqual(triples(parseProposal(b, 'ike')));
    same('aes-sha256-modp2048', 'aes128-sha256-modp2048');
    same('aes128-sha-modp2048', 'aes128-sha1-modp2048');
    same('aes128-sha1_96-modp2048', 'aes128-sha1-modp2048');
    same('aes128-sha2_256-modp2048', 'aes128-sha256-modp2048');
    same('aes128-sha256-curve25519', 'aes128-sha256-x25519');
    same('aes128-sha256-curve448', 'aes128-sha256-x448');
    same('aes128gcm128-prfsha256-ecp256', 'aes128gcm16-prfsha256-ecp256');
    same('aes128gcm96-prfsha256-ecp256', 'aes128gcm12-prfsha256-ecp256');
    same('aes128gcm64-prfsha256-ecp256', 'aes128gcm8-prfsha256-ecp256');
    same('aes256gcm-prfsha256-ecp256', 'aes256gcm16-prfsha256-ecp256');
    same('aes192ccm-prfsha256-ecp256', 'aes192ccm16-prfsha256-ecp256');
    same('aes128ccm96-prfsha256-ecp256', 'aes128ccm12-prfsha256-ecp256');
  });

  it('IANA numbers of the remaining keywords', () => {
    const one = (text: string, type: number) => triples(parseProposal(text, 'ike')).filter((t) => t[0] === type);
    expect(one('aes192ctr-sha256-modp2048', ENCR)).toEqual([[ENCR, 13, 192]]);
    expect(one('aes128ccm8-prfsha256-modp2048', ENCR)).toEqual([[ENCR, 14, 128]]);
    expect(one('aes128ccm12-prfsha256-modp2048', ENCR)).toEqual([[ENCR, 15, 128]]);
    expect(one('aes128ccm16-prfsha256-modp2048', ENCR)).toEqual([[ENCR, 16, 128]]);
    expect(one('aes128gcm8-prfsha256-modp2048', ENCR)).toEqual([[ENCR, 18, 128]]);
    expect(one('aes128gcm12-prfsha256-modp2048', ENCR)).toEqual([[ENCR, 19, 128]]);
    expect(one('aes128-sha512-modp2048', INTEG)).toEqual([[INTEG, 14]]);
    expect(one('aes128-sha1_160-modp2048', INTEG)).toEqual([[INTEG, 7]]);
    expect(one('aes128-aescmac-modp2048', INTEG)).toEqual([[INTEG, 8]]);
    expect(one('aes128-aescmac-modp2048', PRF)).toEqual([[PRF, 8]]);
    expect(one('aes128-sha256-prfaesxcbc-modp2048', PRF)).toEqual([[PRF, 4]]);
    expect(one('aes128-sha256-prfsha1-modp2048', PRF)).toEqual([[PRF, 2]]);
    const groups: Array<[string, number]> = [
      ['modp3072', 15], ['modp4096', 16], ['modp6144', 17], ['modp8192', 18],
      ['ecp224', 26], ['ecp256bp', 28], ['ecp384bp', 29], ['ecp512bp', 30],
      ['x448', 32], ['mlkem512', 35], ['mlkem768', 36], ['mlkem1024', 37],
    ];
    for (const [word, id] of groups) expect(one(`aes128-sha256-${word}`, KE)).toEqual([[KE, id]]);
  });

  it('keywords are read case-insensitively', () => {
    expect(triples(parseProposal('AES128-SHA256-MODP2048', 'ike'))).toEqual(triples(parseProposal('aes128-sha256-modp2048', 'ike')));
  });

  it('refuses an AEAD proposal without a PRF (strongSwan: nothing to derive it from)', () => {
    refused(() => parseProposal('aes128gcm16-ecp256', 'ike'), /PRF/);
  });

  it('refuses integrity with AEAD and mixing AEAD with classic ciphers (RFC 5282 section 8)', () => {
    refused(() => parseProposal('aes128gcm16-sha256-prfsha256-ecp256', 'ike'), /AEAD/);
    refused(() => parseProposal('aes128gcm16-aes128-sha256-ecp256', 'ike'), /mixes/);
  });

  it('refuses IKE proposals missing a mandatory type (RFC 7296 section 3.3.3)', () => {
    refused(() => parseProposal('aes128-sha256', 'ike'), /key exchange/);
    refused(() => parseProposal('aes128-modp2048', 'ike'), /integrity/);
    refused(() => parseProposal('sha256-modp2048', 'ike'), /encryption/);
  });

  it('refuses ENCR_NULL for IKE (RFC 7296 section 3.3.2) and ESN keywords for IKE', () => {
    refused(() => parseProposal('null-sha256-modp2048', 'ike'), /IKE SA/);
    refused(() => parseProposal('aes128-sha256-modp2048-esn', 'ike'), /ESP/);
  });

  it('refuses unknown keywords and RFC 9370 additional key exchanges with INVALID_ARGUMENT', () => {
    refused(() => parseProposal('aes129-sha256-modp2048', 'ike'), /unknown algorithm keyword "aes129"/);
    refused(() => parseProposal('aes128-sha256-modp2048-ke1_mlkem768', 'ike'), /RFC 9370/);
    refused(() => parseProposal('aes128--sha256-modp2048', 'ike'), /empty keyword/);
    refused(() => parseProposal('aes128gcm20-prfsha256-modp2048', 'ike'), /unknown/);
    refused(() => parseProposal('aes128cbc-sha256-modp2048', 'ike'), /unknown/);
  });
});

describe('weak algorithms need allowWeak (RFC 8247 sections 2.1-2.4, RFC 8221 sections 5-6)', () => {
  it('aes128-sha1-modp1024 is refused (MODP_1024 SHOULD NOT) and accepted with allowWeak', () => {
    refused(() => parseProposal('aes128-sha1-modp1024', 'ike'), /MODP_1024.*allowWeak/);
    expect(triples(parseProposal('aes128-sha1-modp1024', 'ike', { allowWeak: true }))).toEqual([
      [ENCR, 12, 128],
      [PRF, 2],
      [INTEG, 2],
      [KE, 2],
    ]);
  });

  it('3des-sha1-modp1024 is refused, and with allowWeak is ENCR_3DES (3) without Key Length', () => {
    refused(() => parseProposal('3des-sha1-modp1024', 'ike'), /allowWeak/);
    refused(() => parseProposal('3des-sha1-modp2048', 'ike'), /3DES/);
    expect(triples(parseProposal('3des-sha1-modp1024', 'ike', { allowWeak: true }))).toEqual([
      [ENCR, 3],
      [PRF, 2],
      [INTEG, 2],
      [KE, 2],
    ]);
  });

  it('refuses DES, MD5 integrity and PRF, MODP 768/1536 and the RFC 5114 groups', () => {
    for (const text of [
      'des-sha256-modp2048',
      'aes128-md5-modp2048',
      'aes128-sha256-prfmd5-modp2048',
      'aes128-md5_128-prfsha256-modp2048',
      'aes128-sha256-modp768',
      'aes128-sha256-modp1536',
      'aes128-sha256-modp1024s160',
      'aes128-sha256-modp2048s224',
      'aes128-sha256-modp2048s256',
      'aes128-sha256-ecp192',
    ]) {
      refused(() => parseProposal(text, 'ike'), /allowWeak/);
      expect(() => parseProposal(text, 'ike', { allowWeak: true })).not.toThrow();
    }
  });

  it('keeps what RFC 8247 marks MUST, SHOULD or MUST- (SHA-1 integrity and PRF, MODP_2048, ECP_256)', () => {
    expect(() => parseProposal('aes128-sha1-modp2048', 'ike')).not.toThrow();
    expect(() => parseProposal('aes128-sha256-prfsha1-ecp256', 'ike')).not.toThrow();
  });

  it('refuses a weak PFS group for ESP', () => {
    refused(() => parseProposals(['aes128-sha256'], 'esp', { pfsGroup: 2 }), /MODP_1024/);
  });
});

describe('ESP proposals (RFC 7296 section 3.3.3: ENCR, INTEG unless AEAD, ESN; KE only for PFS)', () => {
  it('aes128-sha256: ENCR_AES_CBC/128, AUTH_HMAC_SHA2_256_128, NO_ESN (0), no KE', () => {
    const p = parseProposal('aes128-sha256', 'esp');
    expect(p.protocolId).toBe(3); // ESP
    expect(triples(p)).toEqual([
      [ENCR, 12, 128],
      [INTEG, 12],
      [ESN, 0],
    ]);
  });

  it('pfsGroup adds the KE transform to proposals naming none; a KE keyword is PFS by itself', () => {
    expect(triples(parseProposals(['aes128gcm16'], 'esp', { pfsGroup: 14 })[0])).toEqual([
      [ENCR, 20, 128],
      [KE, 14],
      [ESN, 0],
    ]);
    expect(triples(parseProposals(['aes128-sha256-ecp256'], 'esp', { pfsGroup: 14 })[0])).toEqual([
      [ENCR, 12, 128],
      [INTEG, 12],
      [KE, 19],
      [ESN, 0],
    ]);
  });

  it('esn / noesn keywords and the esn option', () => {
    expect(triples(parseProposal('aes128gcm16-esn', 'esp'))).toEqual([[ENCR, 20, 128], [ESN, 1]]);
    expect(triples(parseProposal('aes128gcm16-esn-noesn', 'esp'))).toEqual([[ENCR, 20, 128], [ESN, 1], [ESN, 0]]);
    expect(triples(parseProposal('aes128gcm16', 'esp', { esn: true }))).toEqual([[ENCR, 20, 128], [ESN, 1]]);
    expect(triples(parseProposal('aes128gcm16-noesn', 'esp', { esn: true }))).toEqual([[ENCR, 20, 128], [ESN, 0]]);
  });

  it('ENCR_NULL (11) and AES-GMAC (21) are ESP transforms (RFC 2410, RFC 4543)', () => {
    expect(triples(parseProposal('null-sha256', 'esp'))).toEqual([[ENCR, 11], [INTEG, 12], [ESN, 0]]);
    expect(triples(parseProposal('aes256gmac', 'esp'))).toEqual([[ENCR, 21, 256], [ESN, 0]]);
  });

  it('"modpnone" / "none" offer KE NONE beside a real method: optional PFS (RFC 7296 section 3.3.3); never for IKE', () => {
    expect(triples(parseProposal('aes128gcm16-modp2048-modpnone', 'esp'))).toEqual([[ENCR, 20, 128], [KE, 14], [KE, 0], [ESN, 0]]);
    expect(triples(parseProposal('aes128gcm16-none', 'esp'))).toEqual([[ENCR, 20, 128], [KE, 0], [ESN, 0]]);
    refused(() => parseProposal('aes128-sha256-modpnone', 'ike'), /key exchange of an IKE SA/);
  });

  it('refuses a PRF keyword for ESP and a classic cipher without integrity', () => {
    refused(() => parseProposal('aes128gcm16-prfsha256', 'esp'), /PRF/);
    refused(() => parseProposal('aes128', 'esp'), /integrity/);
  });
});

describe('parseProposals', () => {
  it('numbers proposals 1..n (RFC 7296 section 3.3.1)', () => {
    const ps = parseProposals(['aes128-sha256-modp2048', 'aes256gcm16-prfsha384-ecp384', 'chacha20poly1305-prfsha256-x25519'], 'ike');
    expect(ps.map((p) => p.proposalNum)).toEqual([1, 2, 3]);
  });

  it('refuses an empty list', () => {
    refused(() => parseProposals([], 'ike'), /at least one/);
  });
});

describe('describeProposal', () => {
  it('writes a hand-built proposal in strongSwan order (encryption, integrity, PRF, key exchange)', () => {
    const p: Proposal = {
      proposalNum: 1,
      protocolId: 1,
      spi: new Uint8Array(0),
      transforms: [
        { transformType: ENCR, transformId: 12, attributes: [{ type: KEY_LENGTH, value: 128 }] },
        { transformType: PRF, transformId: 5, attributes: [] },
        { transformType: INTEG, transformId: 12, attributes: [] },
        { transformType: KE, transformId: 14, attributes: [] },
      ],
    };
    expect(describeProposal(p)).toBe('aes128-sha256-prfsha256-modp2048');
  });

  it('names transforms it has no keyword for by type and number', () => {
    const p: Proposal = {
      proposalNum: 1,
      protocolId: 3,
      spi: new Uint8Array(4),
      transforms: [{ transformType: ENCR, transformId: 1024, attributes: [] }, { transformType: ESN, transformId: 1, attributes: [] }],
    };
    expect(describeProposal(p)).toBe('encr1024-esn');
  });

  const IKE_TEXTS = [
    'aes128-sha256-modp2048',
    'aes256gcm16-prfsha384-ecp384',
    'chacha20poly1305-prfsha256-x25519',
    'aes192ctr-aescmac-mlkem768',
    'aes128ccm12-aes256ccm8-prfsha512-prfaesxcbc-ecp521-modp4096',
  ];
  it('reads back to the same proposal', () => {
    for (const text of IKE_TEXTS) {
      const p = parseProposal(text, 'ike');
      expect(parseProposal(describeProposal(p), 'ike')).toEqual(p);
    }
    for (const text of ['aes128-sha256', 'aes256gcm16-esn-noesn-modp3072', 'null-sha512', 'aes128gmac']) {
      const p = parseProposal(text, 'esp');
      expect(parseProposal(describeProposal(p), 'esp')).toEqual(p);
    }
  });
});

describe('arbitrary input', () => {
  it('parseProposal throws nothing but IkeError', () => {
    const words = ['aes128', 'aes', 'sha256', 'prfsha256', 'modp2048', 'x25519', 'esn', 'aes128gcm16', 'null', '3des', 'md5', 'ke1_mlkem768', ''];
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(fc.constantFrom(...words)).map((w) => w.join('-'))), fc.constantFrom('ike' as const, 'esp' as const), (text, protocol) => {
        try {
          parseProposal(text, protocol);
        } catch (e) {
          expect(e).toBeInstanceOf(IkeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('keyword lookup', () => {
  it('does not read Object.prototype names as keywords', () => {
    refused(() => parseProposal('aes128-sha256-constructor', 'ike'), /unknown algorithm keyword "constructor"/);
    refused(() => parseProposal('tostring-sha256-modp2048', 'ike'), /unknown algorithm keyword/);
  });
});
