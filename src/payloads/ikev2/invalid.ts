import { IkeError } from '../../errors.js';

/** Refuses to encode a payload object that the wire format cannot carry. */
export function invalidPayload(payload: string, reason: string): never {
  throw new IkeError('INVALID_ARGUMENT', reason, { payload });
}

/** Checks that an integer field fits `bits` bits before it is written. */
export function checkField(payload: string, field: string, value: number, bits: 8 | 15 | 16 | 24): void {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
    invalidPayload(payload, `${field} ${value} does not fit ${bits} bits`);
  }
}
