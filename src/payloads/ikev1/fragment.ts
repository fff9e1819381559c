import { PayloadType } from '../iana/ikev1.js';
import type { PayloadBodyCodecV1 } from './bodies.js';
import type { FragmentPayloadV1 } from './types.js';
import { uintField } from './fields.js';

/** Flags bit 0 of the IKEv1 fragment payload: the last fragment of the message. */
export const FRAGMENT_FLAG_LAST = 0x01;

/**
 * Cisco / strongSwan IKEv1 fragmentation (payload type 132): Fragment ID (2), Fragment Number (1,
 * from 1), Flags (1), Fragment Data. Only the LAST flag is defined; other bits are rejected so
 * that the payload round-trips.
 */
export const fragmentCodecV1: PayloadBodyCodecV1<FragmentPayloadV1> = {
  name: 'Fragment',
  decode(r) {
    const fragmentId = r.u16('Fragment ID');
    const numberAt = r.offset;
    const fragmentNumber = r.u8('Fragment Number');
    if (fragmentNumber === 0) r.fail('Fragment Number starts at 1', 'INVALID_SYNTAX', numberAt);
    const flagsAt = r.offset;
    const flags = r.u8('Flags');
    if (flags & ~FRAGMENT_FLAG_LAST) r.fail(`undefined flag bits 0x${flags.toString(16)}`, 'INVALID_SYNTAX', flagsAt);
    const data = r.rest();
    return { type: PayloadType.FRAGMENT, fragmentId, fragmentNumber, last: (flags & FRAGMENT_FLAG_LAST) !== 0, data };
  },
  encode(w, p) {
    w.u16(uintField(p.fragmentId, 16, 'Fragment ID')).u8(uintField(p.fragmentNumber, 8, 'Fragment Number')).u8(p.last ? FRAGMENT_FLAG_LAST : 0).bytes(p.data);
  },
};
