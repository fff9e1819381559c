/** Encoder guard: a number must fit its wire field, or the encoder would silently truncate it. */
export function uintField(value: number, bits: 8 | 16 | 32, field: string): number {
  const max = bits === 32 ? 0xffffffff : (1 << bits) - 1;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${field} ${value} does not fit ${bits} bits`);
  }
  return value;
}
