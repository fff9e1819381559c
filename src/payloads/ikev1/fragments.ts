/**
 * Cisco / strongSwan IKEv1 fragmentation: a whole ISAKMP message (header included, encrypted or
 * not) is cut into the Fragment Data of type-132 payloads numbered from 1, the last one flagged
 * LAST; each fragment travels in its own ISAKMP message.
 */
import { IkeParseError } from '../../errors.js';
import { bytesEqual, concatBytes } from '../../util/bytes.js';
import { PayloadType } from '../iana/ikev1.js';
import type { FragmentPayloadV1 } from './types.js';

/** Cuts `message` into fragments of at most `maxData` octets of Fragment Data. */
export function splitIntoFragmentsV1(message: Uint8Array, fragmentId: number, maxData: number): FragmentPayloadV1[] {
  if (!Number.isInteger(maxData) || maxData < 1) throw new RangeError('maxData must be a positive integer');
  const count = Math.max(1, Math.ceil(message.length / maxData));
  if (count > 255) throw new RangeError(`${count} fragments; Fragment Number is one octet`);
  const out: FragmentPayloadV1[] = [];
  for (let i = 0; i < count; i++) {
    out.push({
      type: PayloadType.FRAGMENT,
      fragmentId,
      fragmentNumber: i + 1,
      last: i === count - 1,
      data: message.subarray(i * maxData, (i + 1) * maxData),
    });
  }
  return out;
}

function fail(reason: string): never {
  throw new IkeParseError('INVALID_SYNTAX', reason, { payload: 'Fragment' });
}

/**
 * Reassembles the original message from the fragments received so far (any order, retransmitted
 * duplicates allowed). Returns undefined while a fragment is missing; throws IkeParseError when the
 * fragments contradict each other (two IDs, two different bodies for one number, two LAST numbers,
 * a number above LAST).
 */
export function reassembleFragmentsV1(fragments: readonly FragmentPayloadV1[]): Uint8Array | undefined {
  if (fragments.length === 0) return undefined;
  const id = fragments[0].fragmentId;
  const byNumber = new Map<number, Uint8Array>();
  let last: number | undefined;
  for (const f of fragments) {
    if (f.fragmentId !== id) fail(`fragments of two messages (IDs ${id} and ${f.fragmentId})`);
    const seen = byNumber.get(f.fragmentNumber);
    if (seen && !bytesEqual(seen, f.data)) fail(`two different fragments numbered ${f.fragmentNumber}`);
    byNumber.set(f.fragmentNumber, f.data);
    if (f.last) {
      if (last !== undefined && last !== f.fragmentNumber) fail(`fragments ${last} and ${f.fragmentNumber} both claim to be the last`);
      last = f.fragmentNumber;
    }
  }
  if (last === undefined) return undefined;
  for (const n of byNumber.keys()) if (n > last) fail(`fragment ${n} follows the last fragment ${last}`);
  const parts: Uint8Array[] = [];
  for (let n = 1; n <= last; n++) {
    const d = byNumber.get(n);
    if (!d) return undefined;
    parts.push(d);
  }
  return concatBytes(...parts);
}
