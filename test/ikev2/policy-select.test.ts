/**
 * Proposal selection (RFC 7296 sections 2.7 and 3.3.6) on hand-built offers with IANA numbers,
 * the initiator's check of the answer, and the negotiated algorithm summary.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IkeError } from '../../src/errors.js';
import {
  acceptChosenProposal,
  acceptableKeGroups,
  negotiatedAlgorithms,
  parseKeMethod,
  parseProposals,
  selectProposal,
  withoutKe,
} from '../../src/ikev2/proposals.js';
import type { Proposal, Transform } from '../../src/payloads/ikev2/types.js';

const ENCR = 1;
const PRF = 2;
const INTEG = 3;
const KE = 4;
const ESN = 5;
const KEY_LENGTH = 14;
const IKE = 1;
const AH = 2;
const ESP = 3;

function t(transformType: number, transformId: number, keyBits?: number): Transform {
  return { transformType, transformId, attributes: keyBits === undefined ? [] : [{ type: KEY_LENGTH, value: keyBits }] };
}

function proposal(proposalNum: number, protocolId: number, transforms: Transform[], spi = new Uint8Array(protocolId === IKE ? 0 : 4)): Proposal {
  return { proposalNum, protocolId, spi, transforms };
}

/** AES-CBC-128, PRF/INTEG SHA2-256, MODP_2048. */
const OFFER_A = () => proposal(1, IKE, [t(ENCR, 12, 128), t(PRF, 5), t(INTEG, 12), t(KE, 14)]);
/** AES-GCM-16-256, PRF SHA2-384, ECP_384. */
const OFFER_B = () => proposal(2, IKE, [t(ENCR, 20, 256), t(PRF, 6), t(KE, 20)]);

describe('selectProposal: the responder picks (RFC 7296 sections 2.7, 3.3.6)', () => {
  it('walks its own proposals in order, not the offer order, and keeps the offered Proposal Num', () => {
    const configured = parseProposals(['aes256gcm16-prfsha384-ecp384', 'aes128-sha256-modp2048'], 'ike');
    const r = selectProposal([OFFER_A(), OFFER_B()], configured, 'ike');
    expect(r).toBeDefined();
    expect(r!.index).toBe(1);
    expect(r!.configuredIndex).toBe(0);
    expect(r!.chosen.proposalNum).toBe(2);
    expect(r!.chosen.transforms).toEqual([t(ENCR, 20, 256), t(PRF, 6), t(KE, 20)]);
  });

  it('answers with exactly one transform of each offered type, the responder preferring its own order', () => {
    const offer = proposal(1, IKE, [
      t(ENCR, 12, 128),
      t(ENCR, 12, 256),
      t(PRF, 2),
      t(PRF, 5),
      t(INTEG, 2),
      t(INTEG, 12),
      t(KE, 14),
      t(KE, 19),
    ]);
    const configured = parseProposals(['aes256-aes128-sha256-sha1-ecp256-modp2048'], 'ike');
    const r = selectProposal([offer], configured, 'ike')!;
    expect(r.chosen.transforms).toEqual([t(ENCR, 12, 256), t(PRF, 5), t(INTEG, 12), t(KE, 19)]);
  });

  it('keeps the offered SPI (an IKE SA rekey carries 8 bytes, RFC 7296 section 3.3.1)', () => {
    const spi = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const offer = { ...OFFER_A(), spi };
    const r = selectProposal([offer], parseProposals(['aes128-sha256-modp2048'], 'ike'), 'ike')!;
    expect(r.chosen.spi).toEqual(spi);
  });

  it('no acceptable proposal: undefined (NO_PROPOSAL_CHOSEN)', () => {
    expect(selectProposal([OFFER_A()], parseProposals(['aes256gcm16-prfsha384-ecp384'], 'ike'), 'ike')).toBeUndefined();
    expect(selectProposal([], parseProposals(['aes128-sha256-modp2048'], 'ike'), 'ike')).toBeUndefined();
  });

  it('Key Length is part of the transform (RFC 7296 section 3.3.5): AES-256 does not match AES-128', () => {
    const offer = proposal(1, IKE, [t(ENCR, 12, 256), t(PRF, 5), t(INTEG, 12), t(KE, 14)]);
    expect(selectProposal([offer], parseProposals(['aes128-sha256-modp2048'], 'ike'), 'ike')).toBeUndefined();
    const noLength = proposal(1, IKE, [t(ENCR, 12), t(PRF, 5), t(INTEG, 12), t(KE, 14)]);
    expect(selectProposal([noLength], parseProposals(['aes128-sha256-modp2048'], 'ike'), 'ike')).toBeUndefined();
  });

  it('an offer missing a type the responder requires is not acceptable', () => {
    const noKe = proposal(1, IKE, [t(ENCR, 12, 128), t(PRF, 5), t(INTEG, 12)]);
    expect(selectProposal([noKe], parseProposals(['aes128-sha256-modp2048'], 'ike'), 'ike')).toBeUndefined();
  });

  it('a transform type the responder does not understand makes the proposal unacceptable (RFC 7296 section 3.3.6)', () => {
    const offer = { ...OFFER_A(), transforms: [...OFFER_A().transforms, t(200, 1)] };
    expect(selectProposal([offer], parseProposals(['aes128-sha256-modp2048'], 'ike'), 'ike')).toBeUndefined();
  });

  it('a transform with an unknown attribute is not chosen (RFC 7296 section 3.3.6)', () => {
    const odd: Transform = { transformType: ENCR, transformId: 12, attributes: [{ type: KEY_LENGTH, value: 128 }, { type: 99, value: 1 }] };
    const offer = proposal(1, IKE, [odd, t(PRF, 5), t(INTEG, 12), t(KE, 14)]);
    expect(selectProposal([offer], parseProposals(['aes128-sha256-modp2048'], 'ike'), 'ike')).toBeUndefined();
  });

  it('INTEG NONE offered beside an AEAD cipher is answered with NONE (RFC 7296 section 3.3)', () => {
    const offer = proposal(1, IKE, [t(ENCR, 20, 256), t(PRF, 6), t(INTEG, 0), t(KE, 20)]);
    const r = selectProposal([offer], parseProposals(['aes256gcm16-prfsha384-ecp384'], 'ike'), 'ike')!;
    expect(r.chosen.transforms).toEqual([t(ENCR, 20, 256), t(PRF, 6), t(INTEG, 0), t(KE, 20)]);
  });

  it('ignores proposals of another protocol', () => {
    const ah = { ...OFFER_A(), protocolId: AH };
    expect(selectProposal([ah], parseProposals(['aes128-sha256-modp2048'], 'ike'), 'ike')).toBeUndefined();
  });

  it('preferKe picks the KE method of the received KE payload when the proposal allows several (RFC 7296 section 1.2)', () => {
    const offer = proposal(1, IKE, [t(ENCR, 12, 128), t(PRF, 5), t(INTEG, 12), t(KE, 14), t(KE, 19)]);
    const configured = parseProposals(['aes128-sha256-ecp256-modp2048'], 'ike');
    expect(selectProposal([offer], configured, 'ike')!.chosen.transforms.find((x) => x.transformType === KE)).toEqual(t(KE, 19));
    expect(selectProposal([offer], configured, 'ike', { preferKe: 14 })!.chosen.transforms.find((x) => x.transformType === KE)).toEqual(t(KE, 14));
  });
});

describe('selectProposal for ESP: ESN and PFS', () => {
  const espOffer = (...extra: Transform[]) => proposal(1, ESP, [t(ENCR, 12, 128), t(INTEG, 12), ...extra], Uint8Array.from([0xc0, 1, 2, 3]));

  it('NO_ESN configured: an ESN-only offer fails, ESN+NO_ESN gives NO_ESN', () => {
    const configured = parseProposals(['aes128-sha256'], 'esp');
    expect(selectProposal([espOffer(t(ESN, 1))], configured, 'esp')).toBeUndefined();
    const r = selectProposal([espOffer(t(ESN, 1), t(ESN, 0))], configured, 'esp')!;
    expect(r.chosen.transforms).toEqual([t(ENCR, 12, 128), t(INTEG, 12), t(ESN, 0)]);
    expect(r.chosen.spi).toEqual(Uint8Array.from([0xc0, 1, 2, 3]));
  });

  it('an offer without an ESN transform means NO_ESN to a responder that accepts NO_ESN', () => {
    expect(selectProposal([espOffer()], parseProposals(['aes128-sha256'], 'esp'), 'esp')!.chosen.transforms).toEqual([t(ENCR, 12, 128), t(INTEG, 12)]);
    expect(selectProposal([espOffer()], parseProposals(['aes128-sha256-esn'], 'esp'), 'esp')).toBeUndefined();
  });

  it('with PFS configured the KE must match (RFC 7296 section 1.3.1)', () => {
    const configured = parseProposals(['aes128-sha256'], 'esp', { pfsGroup: 14 });
    expect(selectProposal([espOffer(t(ESN, 0))], configured, 'esp')).toBeUndefined();
    expect(selectProposal([espOffer(t(KE, 19), t(ESN, 0))], configured, 'esp')).toBeUndefined();
    expect(selectProposal([espOffer(t(KE, 14), t(ESN, 0))], configured, 'esp')!.chosen.transforms).toEqual([
      t(ENCR, 12, 128),
      t(INTEG, 12),
      t(KE, 14),
      t(ESN, 0),
    ]);
  });

  it('ignoreKe: the child SA inside IKE_AUTH carries no KE (RFC 7296 section 1.2)', () => {
    const configured = parseProposals(['aes128-sha256'], 'esp', { pfsGroup: 14 });
    const r = selectProposal([espOffer(t(ESN, 0))], configured, 'esp', { ignoreKe: true })!;
    expect(r.chosen.transforms).toEqual([t(ENCR, 12, 128), t(INTEG, 12), t(ESN, 0)]);
    expect(selectProposal([espOffer(t(ESN, 0))], withoutKe(configured), 'esp')).toBeDefined();
  });

  it('a PFS offer to a responder without PFS fails unless it also offers KE NONE (RFC 7296 section 3.3.3)', () => {
    const configured = parseProposals(['aes128-sha256'], 'esp');
    expect(selectProposal([espOffer(t(KE, 14), t(ESN, 0))], configured, 'esp')).toBeUndefined();
    expect(selectProposal([espOffer(t(KE, 14), t(KE, 0), t(ESN, 0))], configured, 'esp')!.chosen.transforms).toEqual([
      t(ENCR, 12, 128),
      t(INTEG, 12),
      t(KE, 0),
      t(ESN, 0),
    ]);
  });
});

describe('acceptChosenProposal: the initiator checks the answer (RFC 7296 section 3.3.6)', () => {
  const offered = () => [proposal(1, IKE, [t(ENCR, 12, 128), t(ENCR, 12, 256), t(PRF, 5), t(INTEG, 12), t(KE, 14), t(KE, 19)]), OFFER_B()];

  it('accepts one transform of each offered type from the named proposal', () => {
    expect(acceptChosenProposal(offered(), proposal(1, IKE, [t(ENCR, 12, 256), t(PRF, 5), t(INTEG, 12), t(KE, 19)]))).toBe(0);
    expect(acceptChosenProposal(offered(), proposal(2, IKE, [t(ENCR, 20, 256), t(PRF, 6), t(KE, 20)]))).toBe(1);
  });

  const rejects = (chosen: Proposal, pattern: RegExp) => {
    try {
      acceptChosenProposal(offered(), chosen);
    } catch (e) {
      expect(e).toBeInstanceOf(IkeError);
      expect((e as IkeError).kind).toBe('NO_PROPOSAL_CHOSEN');
      expect((e as IkeError).message).toMatch(pattern);
      return;
    }
    throw new Error('accepted');
  };

  it('rejects two transforms of one type, a missing type, a transform not offered, an unknown Proposal Num', () => {
    rejects(proposal(1, IKE, [t(ENCR, 12, 128), t(ENCR, 12, 256), t(PRF, 5), t(INTEG, 12), t(KE, 14)]), /2 ENCR/);
    rejects(proposal(1, IKE, [t(ENCR, 12, 128), t(PRF, 5), t(INTEG, 12)]), /no KE/);
    rejects(proposal(1, IKE, [t(ENCR, 12, 192), t(PRF, 5), t(INTEG, 12), t(KE, 14)]), /not one we offered/);
    rejects(proposal(2, IKE, [t(ENCR, 20, 256), t(PRF, 6), t(INTEG, 12), t(KE, 20)]), /did not offer/);
    rejects(proposal(3, IKE, [t(ENCR, 12, 128), t(PRF, 5), t(INTEG, 12), t(KE, 14)]), /Proposal Num 3/);
  });
});

describe('negotiatedAlgorithms and acceptableKeGroups', () => {
  it('summarises a chosen IKE proposal', () => {
    expect(negotiatedAlgorithms(proposal(1, IKE, [t(ENCR, 12, 128), t(PRF, 5), t(INTEG, 12), t(KE, 14)]))).toEqual({
      encr: { id: 12, keyBits: 128 },
      prf: 5,
      integ: 12,
      ke: 14,
      esn: undefined,
    });
  });

  it('AEAD: no integ; ESP without PFS: no ke; ESN read from the ESN transform', () => {
    expect(negotiatedAlgorithms(proposal(1, ESP, [t(ENCR, 28), t(ESN, 1)]))).toEqual({ encr: { id: 28 }, prf: undefined, integ: undefined, ke: undefined, esn: true });
    expect(negotiatedAlgorithms(proposal(1, ESP, [t(ENCR, 20, 128), t(INTEG, 0), t(KE, 0), t(ESN, 0)])).esn).toBe(false);
  });

  it('refuses a proposal that is not one suite', () => {
    expect(() => negotiatedAlgorithms(proposal(1, IKE, [t(ENCR, 12, 128), t(ENCR, 12, 256), t(PRF, 5)]))).toThrow(IkeError);
    expect(() => negotiatedAlgorithms(proposal(1, IKE, [t(PRF, 5)]))).toThrow(IkeError);
  });

  it('acceptableKeGroups lists the KE methods in preference order without repeats (for INVALID_KE_PAYLOAD, RFC 7296 section 1.2)', () => {
    const configured = parseProposals(['aes128-sha256-ecp256-modp2048', 'aes256gcm16-prfsha384-ecp384-ecp256'], 'ike');
    expect(acceptableKeGroups(configured)).toEqual([19, 14, 20]);
    expect(acceptableKeGroups(parseProposals(['aes128-sha256'], 'esp'))).toEqual([]);
  });
});

describe('optional PFS', () => {
  it('a responder configured with "modp2048-modpnone" accepts offers with and without PFS', () => {
    const configured = parseProposals(['aes128-sha256-modp2048-modpnone'], 'esp');
    const withPfs = proposal(1, ESP, [t(ENCR, 12, 128), t(INTEG, 12), t(KE, 14), t(ESN, 0)]);
    const withoutPfs = proposal(1, ESP, [t(ENCR, 12, 128), t(INTEG, 12), t(ESN, 0)]);
    expect(selectProposal([withPfs], configured, 'esp')!.chosen.transforms).toContainEqual(t(KE, 14));
    expect(selectProposal([withoutPfs], configured, 'esp')!.chosen.transforms).toEqual(withoutPfs.transforms);
    expect(selectProposal([withoutPfs], parseProposals(['aes128-sha256-modp2048'], 'esp'), 'esp')).toBeUndefined();
    expect(selectProposal([withoutPfs], configured, 'esp', { ignoreKe: true })!.chosen.transforms).toEqual(withoutPfs.transforms);
  });
});

describe('selection and the answer check agree', () => {
  const ESP_POOL = [t(ENCR, 12, 128), t(ENCR, 12, 256), t(ENCR, 20, 128), t(INTEG, 12), t(INTEG, 2), t(INTEG, 0), t(KE, 14), t(KE, 19), t(KE, 0), t(ESN, 0), t(ESN, 1)];
  const TEXTS = ['aes128-sha256', 'aes256-aes128-sha1-sha256', 'aes128gcm16', 'aes128-sha256-modp2048', 'aes128-sha256-ecp256-modpnone', 'aes256-sha256-esn', 'aes128gcm16-esn-noesn'];
  it('property: whatever selectProposal chooses passes acceptChosenProposal and comes from the configured proposal', () => {
    const offer = fc.array(fc.subarray(ESP_POOL, { minLength: 1 }), { minLength: 1, maxLength: 4 }).map((sets) => sets.map((ts, i) => proposal(i + 1, ESP, ts)));
    fc.assert(
      fc.property(offer, fc.subarray(TEXTS, { minLength: 1 }), fc.boolean(), (offered, texts, ignoreKe) => {
        const configured = parseProposals(texts, 'esp');
        const r = selectProposal(offered, configured, 'esp', { ignoreKe });
        if (!r) return;
        expect(acceptChosenProposal(offered, r.chosen)).toBe(r.index);
        expect(r.chosen.proposalNum).toBe(offered[r.index].proposalNum);
        for (const x of r.chosen.transforms) {
          if (x.transformId === 0 && x.transformType !== ESN) continue;
          if (x.transformType === KE && ignoreKe) continue;
          expect(configured[r.configuredIndex].transforms).toContainEqual(x);
        }
        negotiatedAlgorithms(r.chosen);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseKeMethod (PFS group)', () => {
  it('reads one key exchange keyword as its IANA number', () => {
    expect(parseKeMethod('modp2048')).toBe(14);
    expect(parseKeMethod('ecp384')).toBe(20);
    expect(parseKeMethod('x25519')).toBe(31);
    expect(parseKeMethod('mlkem768')).toBe(36);
    expect(parseKeMethod('modp1024', { allowWeak: true })).toBe(2);
  });

  it('refuses weak methods, NONE, other kinds and lists', () => {
    for (const [text, pattern] of [
      ['modp1024', /allowWeak/],
      ['modpnone', /not a key exchange method/],
      ['sha256', /not a key exchange method/],
      ['modp2048-ecp256', /not a key exchange keyword/],
      ['constructor', /not a key exchange keyword/],
    ] as const) {
      expect(() => parseKeMethod(text)).toThrow(pattern);
    }
  });
});
