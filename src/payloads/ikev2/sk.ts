/**
 * RFC 7296 section 3.14: the Encrypted and Authenticated payload, and RFC 7383 section 2.5: the
 * Encrypted and Authenticated Fragment. Both stay opaque here; the crypto layer opens them.
 */
import { PayloadType } from '../iana/ikev2.js';
import type { PayloadBodyCodec } from './bodies.js';
import { checkField, invalidPayload } from './invalid.js';
import type { SkfPayload, SkPayload } from './types.js';

export const skCodec: PayloadBodyCodec<SkPayload> = {
  name: 'Encrypted and Authenticated',
  decode(r, nextPayload) {
    return { type: PayloadType.SK, firstPayload: nextPayload, data: r.rest() };
  },
  encode(w, p) {
    w.bytes(p.data);
  },
  innerNextPayload: (p) => p.firstPayload,
};

/** Why the numbers cannot be a fragment's, or undefined when they can. */
function fragmentProblem(fragmentNumber: number, totalFragments: number): string | undefined {
  // RFC 7383 section 2.5: fragments are numbered from 1, and the number never exceeds the total.
  if (fragmentNumber < 1) return 'Fragment Number 0; fragments are numbered from 1';
  if (totalFragments < fragmentNumber) return `Fragment Number ${fragmentNumber} exceeds Total Fragments ${totalFragments}`;
  return undefined;
}

/** Fragment Number (2), Total Fragments (2), then IV || encrypted content || ICV. */
export const skfCodec: PayloadBodyCodec<SkfPayload> = {
  name: 'Encrypted and Authenticated Fragment',
  decode(r, nextPayload) {
    const at = r.offset;
    const fragmentNumber = r.u16('Fragment Number');
    const totalFragments = r.u16('Total Fragments');
    const problem = fragmentProblem(fragmentNumber, totalFragments);
    if (problem !== undefined) r.fail(problem, 'INVALID_SYNTAX', at);
    return { type: PayloadType.SKF, firstPayload: nextPayload, fragmentNumber, totalFragments, data: r.rest() };
  },
  encode(w, p) {
    const name = 'Encrypted and Authenticated Fragment';
    checkField(name, 'Fragment Number', p.fragmentNumber, 16);
    checkField(name, 'Total Fragments', p.totalFragments, 16);
    const problem = fragmentProblem(p.fragmentNumber, p.totalFragments);
    if (problem !== undefined) invalidPayload(name, problem);
    w.u16(p.fragmentNumber).u16(p.totalFragments).bytes(p.data);
  },
  innerNextPayload: (p) => p.firstPayload,
};
