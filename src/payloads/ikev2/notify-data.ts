/** Notification Data formats that several exchanges read and write. */
import { IkeParseError } from '../../errors.js';
import { checkField } from './invalid.js';

/** Reads 16-bit big-endian values; `what` names the notify for errors. */
function u16List(data: Uint8Array, what: string): number[] {
  if (data.length % 2 !== 0) {
    throw new IkeParseError('INVALID_SYNTAX', `${data.length} bytes of data is not a list of 2-octet values`, { payload: `Notify ${what}` });
  }
  const out: number[] = [];
  for (let i = 0; i < data.length; i += 2) out.push((data[i] << 8) | data[i + 1]);
  return out;
}

function u16Bytes(values: readonly number[], what: string): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  values.forEach((v, i) => {
    checkField(`Notify ${what}`, 'value', v, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

/** RFC 7427 section 4: SIGNATURE_HASH_ALGORITHMS data is a list of 2-octet Hash Algorithm Identifiers. */
export function decodeSignatureHashAlgorithms(data: Uint8Array): number[] {
  return u16List(data, 'SIGNATURE_HASH_ALGORITHMS');
}

export function encodeSignatureHashAlgorithms(ids: readonly number[]): Uint8Array {
  return u16Bytes(ids, 'SIGNATURE_HASH_ALGORITHMS');
}

/** RFC 7296 section 3.10.1: INVALID_KE_PAYLOAD data is the 2-octet accepted Key Exchange Method. */
export function decodeInvalidKeGroup(data: Uint8Array): number {
  if (data.length !== 2) {
    throw new IkeParseError('INVALID_SYNTAX', `INVALID_KE_PAYLOAD data is ${data.length} bytes, expected 2`, { payload: 'Notify INVALID_KE_PAYLOAD' });
  }
  return (data[0] << 8) | data[1];
}

export function encodeInvalidKeGroup(group: number): Uint8Array {
  return u16Bytes([group], 'INVALID_KE_PAYLOAD');
}
