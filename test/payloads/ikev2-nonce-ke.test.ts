import { describe, expect, it } from 'vitest';
import { decodeMessageV2, encodeMessageV2, type IkeV2Message } from '../../src/payloads/ikev2/index.js';
import { fromHex } from '../../src/util/bytes.js';
import { IkeParseError } from '../../src/errors.js';

const spiI = fromHex('0102030405060708');
const spiR = new Uint8Array(8);

function msg(payloads: IkeV2Message['payloads']): IkeV2Message {
  return {
    header: { spiI, spiR, majorVersion: 2, minorVersion: 0, exchangeType: 34, flags: { initiator: true, version: false, response: false }, messageId: 0 },
    payloads,
  };
}

describe('IKEv2 KE and Nonce (RFC 7296 sections 3.4, 3.9)', () => {
  it('round-trips and writes the generic header lengths', () => {
    const m = msg([
      { type: 34, group: 14, keyExchangeData: new Uint8Array(256).fill(7) },
      { type: 40, nonce: new Uint8Array(32).fill(9) },
    ]);
    const bytes = encodeMessageV2(m);
    expect(bytes.length).toBe(28 + 4 + 4 + 256 + 4 + 32);
    expect(bytes[16]).toBe(34); // Next Payload in header = KE
    expect(bytes[28]).toBe(40); // KE's Next Payload = Nonce
    expect(decodeMessageV2(bytes)).toEqual(m);
  });

  it('rejects a nonce shorter than 16 bytes with a typed error naming the payload', () => {
    const bytes = encodeMessageV2(msg([{ type: 40, nonce: new Uint8Array(8) }]));
    expect(() => decodeMessageV2(bytes)).toThrowError(IkeParseError);
    expect(() => decodeMessageV2(bytes)).toThrowError(/Nonce/);
  });

  it('RFC 7296 section 2.5: unknown critical payload is UNSUPPORTED_CRITICAL_PAYLOAD, non-critical is kept', () => {
    const keep = msg([{ type: 'UNKNOWN', payloadType: 200, critical: false, body: fromHex('aabb') }]);
    expect(decodeMessageV2(encodeMessageV2(keep))).toEqual(keep);
    const crit = msg([{ type: 'UNKNOWN', payloadType: 200, critical: true, body: fromHex('aabb') }]);
    try {
      decodeMessageV2(encodeMessageV2(crit));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(IkeParseError);
      expect((e as IkeParseError).kind).toBe('UNSUPPORTED_CRITICAL_PAYLOAD');
      expect((e as IkeParseError).ikev2Notify).toBe(1);
      expect([...(e as IkeParseError).notifyData!]).toEqual([200]);
    }
  });
});
