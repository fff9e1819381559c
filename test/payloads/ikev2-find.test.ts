import { describe, expect, it } from 'vitest';
import { IkeParseError } from '../../src/errors.js';
import {
  decodeInvalidKeGroup,
  decodeMessageV2,
  decodeSignatureHashAlgorithms,
  encodeInvalidKeGroup,
  encodeSignatureHashAlgorithms,
  findNotifyV2,
  findPayloadsV2,
  findPayloadV2,
} from '../../src/payloads/ikev2/index.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { datagram, gp } from './ikev2-helpers.js';

describe('payload look-ups and notify data', () => {
  const m = decodeMessageV2(
    datagram(40, gp(41, '5a'.repeat(16)) + gp(41, '00 00 4004' + '11'.repeat(20)) + gp(0, '00 00 402f 0002 0003 0004')),
  );

  it('finds payloads by type and notifies by Notify Message Type', () => {
    expect(findPayloadV2(m.payloads, 40)?.nonce.length).toBe(16);
    expect(findPayloadV2(m.payloads, 33)).toBeUndefined();
    expect(findPayloadsV2(m.payloads, 41)).toHaveLength(2);
    expect(findNotifyV2(m.payloads, 16388)?.data.length).toBe(20);
    expect(findNotifyV2(m.payloads, 16390)).toBeUndefined();
  });

  it('RFC 7427 section 4: SIGNATURE_HASH_ALGORITHMS is a list of 2-octet identifiers', () => {
    expect(decodeSignatureHashAlgorithms(findNotifyV2(m.payloads, 16431)!.data)).toEqual([2, 3, 4]);
    expect(toHex(encodeSignatureHashAlgorithms([2, 3, 4]))).toBe('000200030004');
    expect(() => decodeSignatureHashAlgorithms(fromHex('000200'))).toThrowError(IkeParseError);
  });

  it('RFC 7296 section 3.10.1: INVALID_KE_PAYLOAD carries the 2-octet accepted group', () => {
    expect(decodeInvalidKeGroup(fromHex('0013'))).toBe(19);
    expect(toHex(encodeInvalidKeGroup(14))).toBe('000e');
    expect(() => decodeInvalidKeGroup(fromHex('13'))).toThrowError(IkeParseError);
  });
});
