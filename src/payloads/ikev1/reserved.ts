import type { Reader } from '../reader.js';

/** RFC 2408 section 3.2: RESERVED fields are "Unused, set to 0"; a non-zero one is malformed. */
export function expectZero(r: Reader, n: number, field: string): void {
  const at = r.offset;
  const b = r.bytes(n, field);
  for (let i = 0; i < b.length; i++) {
    if (b[i] !== 0) r.fail(`${field} is not zero`, 'INVALID_SYNTAX', at + i);
  }
}
