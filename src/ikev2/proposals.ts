/**
 * Proposals written the way VPN engineers write them (strongSwan's dash-separated keywords,
 * "aes128-sha256-modp2048"), turned into SA payload Proposals (RFC 7296 section 3.3), and the
 * responder's choice among offered proposals (RFC 7296 sections 2.7 and 3.3.6).
 */
import { integInfo, prfInfo } from '../crypto/catalog.js';
import { encrInfo } from '../crypto/cipher/catalog.js';
import { keInfo } from '../crypto/kex/catalog.js';
import { keywordOf, lookupKeyword, type Keyword } from '../config/proposal-keywords.js';
import { weakReason } from '../config/weak.js';
import { IkeError } from '../errors.js';
import { EsnId, IntegId, KeId, PrfId, ProtocolId, TransformAttributeType, TransformType } from '../payloads/iana/ikev2.js';
import { keyLengthOf, makeTransform } from '../payloads/ikev2/sa.js';
import type { Proposal, Transform } from '../payloads/ikev2/types.js';
import { BoundedCache } from '../util/bounded-cache.js';

export type ProposalProtocol = 'ike' | 'esp';

export interface ProposalOptions {
  /** Accept the algorithms src/config/weak.ts lists (RFC 8247 / RFC 8221 MUST NOT and SHOULD NOT). */
  allowWeak?: boolean;
  /** ESP only: the PFS key exchange method added to proposals that name none (RFC 7296 section 1.3.1). */
  pfsGroup?: number;
  /** ESP only: offer ESN instead of NO_ESN in proposals that name neither. */
  esn?: boolean;
}

function invalid(reason: string): never {
  throw new IkeError('INVALID_ARGUMENT', reason, { payload: 'Proposal' });
}

const ENCR = TransformType.ENCR;
const PRF = TransformType.PRF;
const INTEG = TransformType.INTEG;
const KE = TransformType.KE;
const ESN = TransformType.ESN;

function keyword(word: string, text: string): Keyword {
  const k = lookupKeyword(word);
  if (k) return k;
  // RFC 9370 additional key exchanges (strongSwan's "ke1_" ... "ke7_" prefixes).
  if (/^ke[1-7]_/.test(word)) invalid(`"${text}": additional key exchanges (RFC 9370, "${word}") are not supported`);
  return invalid(`"${text}": unknown algorithm keyword "${word.slice(0, 40)}"`);
}

/** strongSwan's default PRF for an IKE proposal without one: the PRF built on each integrity algorithm's hash or cipher. */
const PRF_OF_INTEG = new Map<number, number>([
  [IntegId.AUTH_HMAC_MD5_96, PrfId.PRF_HMAC_MD5],
  [IntegId.AUTH_HMAC_MD5_128, PrfId.PRF_HMAC_MD5],
  [IntegId.AUTH_HMAC_SHA1_96, PrfId.PRF_HMAC_SHA1],
  [IntegId.AUTH_HMAC_SHA1_160, PrfId.PRF_HMAC_SHA1],
  [IntegId.AUTH_HMAC_SHA2_256_128, PrfId.PRF_HMAC_SHA2_256],
  [IntegId.AUTH_HMAC_SHA2_384_192, PrfId.PRF_HMAC_SHA2_384],
  [IntegId.AUTH_HMAC_SHA2_512_256, PrfId.PRF_HMAC_SHA2_512],
  [IntegId.AUTH_AES_XCBC_96, PrfId.PRF_AES128_XCBC],
  [IntegId.AUTH_AES_CMAC_96, PrfId.PRF_AES128_CMAC],
]);

function isAead(t: Transform): boolean {
  return t.transformType === ENCR && (encrInfo(t.transformId, keyLengthOf(t))?.aead ?? false);
}

function sameTransform(a: Transform, b: Transform): boolean {
  return a.transformType === b.transformType && a.transformId === b.transformId && keyLengthOf(a) === keyLengthOf(b);
}

/** Why our code cannot run this transform, or undefined. */
function unsupported(k: Keyword, protocol: ProposalProtocol): string | undefined {
  switch (k.transformType) {
    case ENCR: {
      const info = encrInfo(k.transformId, k.keyBits);
      if (!info) return 'is not implemented';
      // RFC 7296 section 3.3.2 (ENCR_NULL) and RFC 4543 (GMAC): not for IKE SAs.
      if (protocol === 'ike' && !info.ikeAllowed) return 'cannot protect an IKE SA';
      return undefined;
    }
    case PRF:
      return prfInfo(k.transformId) ? undefined : 'is not implemented';
    case INTEG: {
      const info = integInfo(k.transformId);
      if (!info) return 'is not implemented';
      return protocol === 'ike' && !info.ikeSa ? 'cannot protect an IKE SA' : undefined;
    }
    case KE:
      // RFC 7296 section 3.3.3: an IKE SA always runs a key exchange.
      if (k.transformId === KeId.NONE) return protocol === 'ike' ? 'cannot stand for the key exchange of an IKE SA' : undefined;
      return keInfo(k.transformId) ? undefined : 'is not implemented';
    default:
      return undefined;
  }
}

function addUnique(list: Transform[], t: Transform): void {
  if (!list.some((x) => sameTransform(x, t))) list.push(t);
}

/** RFC 7296 section 3.3: transforms listed by type (ENCR, PRF, INTEG, KE, ESN), keyword order within a type. */
function byType(transforms: Transform[]): Transform[] {
  return transforms
    .map((t, i) => ({ t, i }))
    .sort((a, b) => a.t.transformType - b.t.transformType || a.i - b.i)
    .map((x) => x.t);
}

/**
 * One strongSwan-style proposal ("aes128-sha256-modp2048", "aes256gcm16-prfsha384-ecp384",
 * "aes128gcm16-aes256gcm16-prfsha256-x25519-ecp256") as a Proposal numbered 1 with an empty SPI.
 * Several keywords of one kind are alternatives, the first preferred.
 *
 * IKE: ENCR, PRF, INTEG (not with AEAD) and KE are mandatory (RFC 7296 section 3.3.3). Without a
 * PRF keyword the PRF is derived from each integrity algorithm; an AEAD proposal has none to derive
 * from and must name one. ESP: ENCR, INTEG (not with AEAD), ESN (NO_ESN unless "esn" or opts.esn),
 * and KE only for PFS (a keyword, or opts.pfsGroup).
 */
export function parseProposal(text: string, protocol: ProposalProtocol, opts: ProposalOptions = {}): Proposal {
  if (typeof text !== 'string') invalid('a proposal is a string');
  const shown = text.slice(0, 80);
  const words = text.trim().toLowerCase().split('-');
  if (words.some((w) => w === '')) invalid(`"${shown}": empty keyword`);
  const picked: Transform[] = [];
  for (const word of words) {
    const k = keyword(word, shown);
    const why = unsupported(k, protocol);
    if (why) invalid(`"${shown}": "${word}" ${why}`);
    if (protocol === 'ike' && k.transformType === ESN) invalid(`"${shown}": "${word}" applies to ESP, not IKE`);
    if (protocol === 'esp' && k.transformType === PRF) invalid(`"${shown}": "${word}" is a PRF, which ESP does not use`);
    addUnique(picked, makeTransform(k.transformType, k.transformId, k.keyBits));
  }
  const of = (type: number) => picked.filter((t) => t.transformType === type);
  const encr = of(ENCR);
  if (encr.length === 0) invalid(`"${shown}" names no encryption algorithm`);
  const aead = encr.filter(isAead).length;
  // RFC 5282 section 8: combined-mode ciphers carry no integrity transform, so they cannot share a
  // proposal with ciphers that need one.
  if (aead > 0 && aead < encr.length) invalid(`"${shown}" mixes AEAD and non-AEAD encryption; use two proposals`);
  if (aead > 0 && of(INTEG).length > 0) invalid(`"${shown}": an AEAD cipher takes no integrity algorithm`);
  if (aead === 0 && of(INTEG).length === 0) invalid(`"${shown}" needs an integrity algorithm`);

  if (protocol === 'ike') {
    if (of(PRF).length === 0) {
      if (aead > 0) invalid(`"${shown}": an AEAD proposal must name its PRF (e.g. prfsha256)`);
      for (const integ of of(INTEG)) {
        const prf = PRF_OF_INTEG.get(integ.transformId);
        if (prf === undefined) invalid(`"${shown}": no PRF follows from ${IntegId.label(integ.transformId)}; name one`);
        addUnique(picked, makeTransform(PRF, prf));
      }
    }
    if (of(KE).length === 0) invalid(`"${shown}" names no key exchange method`);
  } else {
    if (of(KE).length === 0 && opts.pfsGroup !== undefined) {
      const why = unsupported({ transformType: KE, transformId: opts.pfsGroup }, protocol);
      if (why) invalid(`PFS group ${KeId.label(opts.pfsGroup)} ${why}`);
      picked.push(makeTransform(KE, opts.pfsGroup));
    }
    if (of(ESN).length === 0) picked.push(makeTransform(ESN, opts.esn ? EsnId.ESN : EsnId.NO_ESN));
  }

  if (!opts.allowWeak) {
    for (const t of picked) {
      const why = weakReason(t.transformType, t.transformId);
      if (why) invalid(`"${shown}": ${why}; set allowWeak to use it`);
    }
  }
  return {
    proposalNum: 1,
    protocolId: protocol === 'ike' ? ProtocolId.IKE : ProtocolId.ESP,
    spi: new Uint8Array(0),
    transforms: byType(picked),
  };
}

/**
 * One key exchange keyword ("modp2048", "ecp256", "x25519", "mlkem768") as its Transform Type 4
 * ID, as for a PFS group: weak methods need allowWeak, NONE is refused.
 */
export function parseKeMethod(text: string, opts: { allowWeak?: boolean } = {}): number {
  if (typeof text !== 'string') invalid('a key exchange method is a string');
  const word = text.trim().toLowerCase();
  const k = lookupKeyword(word) ?? invalid(`"${text.slice(0, 40)}" is not a key exchange keyword (e.g. "modp2048")`);
  if (k.transformType !== KE || k.transformId === KeId.NONE) invalid(`"${text.slice(0, 40)}" is not a key exchange method`);
  const why = unsupported(k, 'esp');
  if (why) invalid(`"${word}" ${why}`);
  const weak = weakReason(KE, k.transformId);
  if (weak && !opts.allowWeak) invalid(`"${word}": ${weak}; set allowWeak to use it`);
  return k.transformId;
}

/** Several proposals, numbered 1..n in order (RFC 7296 section 3.3.1). */
/**
 * Parsed proposals by the configuration's array of texts (configs are long-lived and every IKE_SA_INIT
 * and IKE_AUTH asks again). An entry is checked against a copy of the texts, so an array changed in
 * place is parsed anew.
 */
const parsed = new WeakMap<readonly string[], Map<string, { texts: string[]; proposals: readonly Proposal[] }>>();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The proposals, numbered from 1; the result is frozen and shared between calls with the same arguments. */
export function parseProposals(texts: string[], protocol: ProposalProtocol, opts: ProposalOptions = {}): Proposal[] {
  if (!Array.isArray(texts) || texts.length === 0) invalid('at least one proposal is needed');
  // RFC 7296 section 3.3.1: Proposal Num is one octet.
  if (texts.length > 255) invalid(`${texts.length} proposals; an SA payload numbers at most 255`);
  const key = `${protocol}|${opts.allowWeak ? 1 : 0}|${opts.pfsGroup ?? ''}|${opts.esn ? 1 : 0}`;
  let byOptions = parsed.get(texts);
  const hit = byOptions?.get(key);
  if (hit && hit.texts.length === texts.length && hit.texts.every((t, i) => t === texts[i])) return hit.proposals as Proposal[];
  const proposals = deepFreeze(texts.map((text, i) => ({ ...parseProposal(text, protocol, opts), proposalNum: i + 1 })));
  if (!byOptions) parsed.set(texts, (byOptions = new Map()));
  byOptions.set(key, { texts: [...texts], proposals });
  return proposals;
}

/** Transform types where ID 0 means "none" (RFC 7296 section 3.3.2, RFC 9370 section 2.2). */
function zeroMeansNone(transformType: number): boolean {
  return transformType === INTEG || transformType === KE || transformType === ESN || (transformType >= TransformType.ADDKE1 && transformType <= TransformType.ADDKE7);
}

/** RFC 7296 section 3.3.6: a transform with an attribute other than a known Key Length is not acceptable. */
function understood(t: Transform): boolean {
  return t.attributes.every((a) => a.type === TransformAttributeType.KEY_LENGTH && typeof a.value === 'number');
}

export interface SelectOptions {
  /** Leave KE out of the match, as for the child SA carried in IKE_AUTH (RFC 7296 section 1.2). */
  ignoreKe?: boolean;
  /** Prefer this KE method when several match: the one in the peer's KE payload (RFC 7296 section 1.2). */
  preferKe?: number;
}

function transformTypes(p: Proposal): number[] {
  return [...new Set(p.transforms.map((t) => t.transformType))].sort((a, b) => a - b);
}

/** The suite `offered` and `mine` share, one transform per type, or undefined. */
function matchProposal(offered: Proposal, mine: Proposal, opts: SelectOptions): Transform[] | undefined {
  const chosen: Transform[] = [];
  const types = new Set([...transformTypes(offered), ...transformTypes(mine)]);
  for (const type of [...types].sort((a, b) => a - b)) {
    const theirs = offered.transforms.filter((t) => t.transformType === type && understood(t));
    const ours = mine.transforms.filter((t) => t.transformType === type);
    if (type === KE && opts.ignoreKe) {
      // The offer should carry no KE here; one offering NONE is answered with NONE.
      const none = theirs.find((t) => t.transformId === 0);
      if (none) chosen.push(none);
      else if (theirs.length > 0) return undefined;
      continue;
    }
    if (ours.length === 0) {
      // RFC 7296 section 3.3.6: a type we do not use is acceptable only when the offer lets it be NONE.
      if (offered.transforms.every((t) => t.transformType !== type)) continue;
      const none = zeroMeansNone(type) ? theirs.find((t) => t.transformId === 0) : undefined;
      if (!none) return undefined;
      chosen.push(none);
      continue;
    }
    if (theirs.length === 0 && offered.transforms.every((t) => t.transformType !== type)) {
      // An offer without the type means "none" (NO_ESN, no KE) to a responder that accepts none.
      if (zeroMeansNone(type) && ours.some((t) => t.transformId === 0)) continue;
      return undefined;
    }
    // The responder's own preference order decides among the transforms both sides accept.
    let pick: Transform | undefined;
    if (type === KE && opts.preferKe !== undefined && ours.some((t) => t.transformId === opts.preferKe)) {
      pick = theirs.find((t) => t.transformId === opts.preferKe);
    }
    for (const o of ours) {
      if (pick) break;
      pick = theirs.find((t) => sameTransform(t, o));
    }
    if (!pick) return undefined;
    chosen.push(pick);
  }
  return chosen;
}

/**
 * Chosen suites repeat across SAs: one frozen transform list per distinct suite is kept and shared,
 * instead of one per SA.
 */
const sharedTransformLists = new BoundedCache<string, Transform[]>(4096);

function transformsKey(transforms: readonly Transform[]): string {
  const parts: string[] = [];
  for (const t of transforms) {
    parts.push(`${t.transformType}.${t.transformId}`);
    for (const a of t.attributes) parts.push(typeof a.value === 'number' ? `${a.type}=${a.value}` : `${a.type}#${Array.from(a.value).join(':')}`);
    parts.push(';');
  }
  return parts.join(' ');
}

function sharedTransforms(transforms: Transform[]): Transform[] {
  return sharedTransformLists.get(transformsKey(transforms), () =>
    deepFreeze(transforms.map((t) => ({ transformType: t.transformType, transformId: t.transformId, attributes: t.attributes.map((a) => ({ type: a.type, value: typeof a.value === 'number' ? a.value : a.value.slice() })) }))),
  );
}

/** A proposal to keep with an SA: its own copy of the SPI and a shared transform list. */
export function retainedProposal(p: Proposal): Proposal {
  return { proposalNum: p.proposalNum, protocolId: p.protocolId, spi: p.spi.length ? p.spi.slice() : NO_SPI, transforms: sharedTransforms(p.transforms) };
}

/** The empty SPI of IKE_SA_INIT proposals (RFC 7296 section 3.3.1), shared. */
const NO_SPI = new Uint8Array(0);

/**
 * The responder's choice (RFC 7296 sections 2.7 and 3.3.6): the first of OUR configured proposals,
 * in order, that some offered proposal of the same protocol contains, answered with one transform
 * of each offered type, the offered Proposal Num and the offered SPI. `index` is the position of
 * that proposal in `offered`, `configuredIndex` its position in `configured`.
 */
export function selectProposal(
  offered: Proposal[],
  configured: Proposal[],
  protocol: ProposalProtocol,
  opts: SelectOptions = {},
): { chosen: Proposal; index: number; configuredIndex: number } | undefined {
  const protocolId = protocol === 'ike' ? ProtocolId.IKE : ProtocolId.ESP;
  for (let configuredIndex = 0; configuredIndex < configured.length; configuredIndex++) {
    const mine = configured[configuredIndex];
    for (let index = 0; index < offered.length; index++) {
      const o = offered[index];
      if (o.protocolId !== protocolId) continue;
      const transforms = matchProposal(o, mine, opts);
      if (transforms) {
        // The SPI is copied: a view would keep the whole received message alive with the SA.
        return { chosen: retainedProposal({ proposalNum: o.proposalNum, protocolId: o.protocolId, spi: o.spi, transforms }), index, configuredIndex };
      }
    }
  }
  return undefined;
}

/**
 * The initiator's check of the responder's answer (RFC 7296 section 3.3.6): it names one of our
 * proposals by number and protocol and holds exactly one of that proposal's transforms of each
 * type we offered. Returns the index of that proposal in `offered`; throws NO_PROPOSAL_CHOSEN.
 */
export function acceptChosenProposal(offered: Proposal[], chosen: Proposal): number {
  const fail = (reason: string): never => {
    throw new IkeError('NO_PROPOSAL_CHOSEN', reason, { payload: 'Security Association' });
  };
  const index = offered.findIndex((p) => p.proposalNum === chosen.proposalNum && p.protocolId === chosen.protocolId);
  if (index < 0) fail(`the answer names Proposal Num ${chosen.proposalNum}, which we did not offer`);
  const ours = offered[index];
  for (const type of new Set([...transformTypes(ours), ...transformTypes(chosen)])) {
    const answered = chosen.transforms.filter((t) => t.transformType === type);
    const label = TransformType.label(type);
    if (answered.length > 1) fail(`the answer holds ${answered.length} ${label} transforms, expected one`);
    const mine = ours.transforms.filter((t) => t.transformType === type);
    if (answered.length === 0) {
      // An answer without ESN to our NO_ESN offer, or without KE to a KE NONE offer, means none.
      if (mine.some((t) => zeroMeansNone(type) && t.transformId === 0)) continue;
      fail(`the answer has no ${label} transform`);
    }
    const a = answered[0];
    if (mine.length === 0) {
      // Some peers answer an AEAD offer with INTEG NONE (RFC 7296 section 3.3: "may also" be included).
      if (type === INTEG && a.transformId === IntegId.NONE) continue;
      fail(`the answer has a ${label} transform we did not offer`);
    }
    if (!mine.some((t) => sameTransform(t, a))) fail(`the answer's ${label} ${a.transformId} is not one we offered`);
  }
  return index;
}

export interface NegotiatedAlgorithms {
  encr: { id: number; keyBits?: number };
  prf?: number;
  /** Undefined for AEAD ciphers (no INTEG transform, or INTEG NONE). */
  integ?: number;
  /** Undefined when no key exchange was negotiated (a child SA without PFS). */
  ke?: number;
  /** ESP/AH: true for ESN, false for NO_ESN or no ESN transform. Undefined for IKE. */
  esn?: boolean;
}

/** The algorithms of a chosen proposal; throws when it holds other than one transform of a type. */
export function negotiatedAlgorithms(chosen: Proposal): NegotiatedAlgorithms {
  const one = (type: number): Transform | undefined => {
    const all = chosen.transforms.filter((t) => t.transformType === type);
    if (all.length > 1) {
      throw new IkeError('NO_PROPOSAL_CHOSEN', `${all.length} ${TransformType.label(type)} transforms in a chosen proposal`, { payload: 'Security Association' });
    }
    return all[0];
  };
  const encr = one(ENCR);
  if (!encr) throw new IkeError('NO_PROPOSAL_CHOSEN', 'the chosen proposal has no ENCR transform', { payload: 'Security Association' });
  const integ = one(INTEG);
  const ke = one(KE);
  const esn = one(ESN);
  const keyBits = keyLengthOf(encr);
  return {
    encr: keyBits === undefined ? { id: encr.transformId } : { id: encr.transformId, keyBits },
    prf: one(PRF)?.transformId,
    integ: integ && integ.transformId !== IntegId.NONE ? integ.transformId : undefined,
    ke: ke && ke.transformId !== KeId.NONE ? ke.transformId : undefined,
    esn: chosen.protocolId === ProtocolId.IKE ? undefined : esn?.transformId === EsnId.ESN,
  };
}

/**
 * The KE methods our proposals accept, in preference order: what an INVALID_KE_PAYLOAD names
 * (RFC 7296 section 1.2) and what an initiator may retry with.
 */
export function acceptableKeGroups(configured: Proposal[]): number[] {
  const out: number[] = [];
  for (const p of configured) {
    for (const t of p.transforms) if (t.transformType === KE && t.transformId !== KeId.NONE && !out.includes(t.transformId)) out.push(t.transformId);
  }
  return out;
}

/** The first KE method of a proposal list: the group whose KE payload an initiator sends first. */
export function preferredKeGroup(configured: Proposal[]): number | undefined {
  return acceptableKeGroups(configured)[0];
}

/** The same proposals without KE transforms: the child SA offered inside IKE_AUTH (RFC 7296 section 1.2). */
export function withoutKe(proposals: Proposal[]): Proposal[] {
  return proposals.map((p) => ({ ...p, transforms: p.transforms.filter((t) => t.transformType !== KE) }));
}

/** The same proposals carrying `spi` (8 bytes for an IKE SA rekey, 4 for ESP; RFC 7296 section 3.3.1). */
export function withSpi(proposals: Proposal[], spi: Uint8Array): Proposal[] {
  return proposals.map((p) => ({ ...p, spi }));
}

/**
 * A proposal in strongSwan's keyword syntax ("aes128-sha256-prfsha256-modp2048"); an ESP
 * proposal's NO_ESN-only ESN is left implicit, as parseProposal reads it.
 */
/** Descriptions of shared (frozen) transform lists, per list and protocol kind. */
const descriptions = [new WeakMap<readonly Transform[], string>(), new WeakMap<readonly Transform[], string>()];

export function describeProposal(p: Proposal): string {
  if (!Object.isFrozen(p.transforms)) return describeTransforms(p);
  const cache = descriptions[p.protocolId === ProtocolId.IKE ? 0 : 1];
  let text = cache.get(p.transforms);
  if (text === undefined) cache.set(p.transforms, (text = describeTransforms(p)));
  return text;
}

function describeTransforms(p: Proposal): string {
  const implicitNoEsn =
    p.protocolId !== ProtocolId.IKE &&
    p.transforms.filter((t) => t.transformType === ESN).length === 1 &&
    p.transforms.some((t) => t.transformType === ESN && t.transformId === EsnId.NO_ESN);
  // strongSwan's reading order: encryption, integrity, PRF, key exchange, ESN.
  const rank = (type: number) => ([ENCR, INTEG, PRF, KE, ESN] as number[]).indexOf(type) >>> 0;
  return p.transforms
    .map((t, i) => ({ t, i }))
    .sort((a, b) => rank(a.t.transformType) - rank(b.t.transformType) || a.t.transformType - b.t.transformType || a.i - b.i)
    .map((x) => x.t)
    .filter((t) => !(implicitNoEsn && t.transformType === ESN))
    .map(keywordOf)
    .join('-');
}
