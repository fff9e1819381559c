import type { Reader } from '../reader.js';
import { IkeError } from '../../errors.js';

/** Refuses to encode a payload object that the wire format cannot carry. */
export function invalidPayload(payload: string, reason: string): never {
  throw new IkeError('INVALID_ARGUMENT', reason, { payload });
}

/** Checks that an integer field fits `bits` bits before it is written. */
export function checkField(payload: string, field: string, value: number, bits: 8 | 15 | 16 | 24): void {
  // The mask keeps a value unchanged only when it is an integer in [0, 2^bits).
  if (typeof value !== 'number' || (value & ((1 << bits) - 1)) !== value) {
    invalidPayload(payload, `${field} ${value} does not fit ${bits} bits`);
  }
}

/**
 * A reader over a nested structure whose length field counts `consumed` bytes already read
 * (its own header); the error names the declared length as it appears on the wire.
 */
export function nestedReader(r: Reader, length: number, consumed: number, context: string, field: string, lengthAt: number): Reader {
  if (length < consumed) r.fail(`${field} ${length} is shorter than the ${consumed}-byte header`, 'INVALID_SYNTAX', lengthAt);
  if (length - consumed > r.remaining) r.fail(`${field} ${length} exceeds the ${r.remaining + consumed} byte(s) left`, 'INVALID_SYNTAX', lengthAt);
  return r.sub(length - consumed, context, field);
}
