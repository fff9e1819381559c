import { describe, expect, it } from 'vitest';
import { eventJson, eventJsonLine, formatEvent, formatStatus } from '../../src/cli/trace.js';
import type { IkeEvent, SaStatus } from '../../src/ikev2/index.js';

const a = { address: '127.0.0.1', port: 16500 };
const b = { address: '::1', port: 16600 };

describe('CLI event lines', () => {
  it('ike-sa-up names both ends, SPIs, algorithms and NAT state', () => {
    const line = formatEvent({
      event: 'ike-sa-up', ikeSaId: 'ike-1', spiI: '0102030405060708', spiR: '1112131415161718', initiator: true,
      local: a, remote: b, localId: 'fqdn:alice.example', remoteId: 'fqdn:bob.example', algorithms: 'aes128-sha256-prfsha256-modp2048',
      natDetected: { local: false, remote: true },
    });
    expect(line).toBe('IKE SA ike-1 up (initiator): 127.0.0.1:16500 fqdn:alice.example <=> [::1]:16600 fqdn:bob.example; SPIi 0102030405060708 SPIr 1112131415161718; aes128-sha256-prfsha256-modp2048; NAT remote');
  });
  it('error lines carry the notify name', () => {
    expect(formatEvent({ event: 'error', ikeSaId: 'ike-2', notify: 'NO_PROPOSAL_CHOSEN', message: 'peer refused' })).toBe('error in ike-2 [NO_PROPOSAL_CHOSEN]: peer refused');
  });
  it('--json: one object per event, Uint8Array fields as hex', () => {
    const e = { event: 'trace', text: 'x', raw: Uint8Array.of(0xde, 0xad) } as unknown as IkeEvent;
    expect(JSON.parse(eventJsonLine(e))).toEqual({ event: 'trace', text: 'x', raw: 'dead' });
  });
  it('keys events never print key material, in either form', () => {
    const e: IkeEvent = {
      event: 'keys', kind: 'ike', ikeSaId: 'ike-1', spiI: '01', spiR: '02', encr: 'ENCR_AES_CBC', integ: 'AUTH_HMAC_SHA2_256_128',
      SK_ei: 'aaaaaaaa', SK_er: 'bbbbbbbb', SK_ai: 'cccccccc', SK_ar: 'dddddddd',
    };
    for (const text of [formatEvent(e), eventJsonLine(e)]) {
      for (const secret of ['aaaaaaaa', 'bbbbbbbb', 'cccccccc', 'dddddddd']) expect(text).not.toContain(secret);
    }
    expect(eventJson(e)).toMatchObject({ event: 'keys', spiI: '01', spiR: '02' });
  });
});

describe('SA status view', () => {
  const sa: SaStatus = {
    ikeSaId: 'ike-1', name: 'home', state: 'ESTABLISHED', initiator: false, spiI: 'aaaa', spiR: 'bbbb', local: a, remote: b,
    localId: 'fqdn:bob.example', remoteId: 'fqdn:alice.example', algorithms: 'aes128-sha256-prfsha256-modp2048', encr: 'ENCR_AES_CBC',
    encrKeyBits: 128, integ: 'AUTH_HMAC_SHA2_256_128', prf: 'PRF_HMAC_SHA2_256', dhGroup: 'MODP_2048', authMethod: 'PSK',
    establishedAt: 1000, rekeyAt: 61_000, expiresAt: 121_000, messageIds: { nextRequest: 2, expectedRequest: 3 }, window: 1,
    nat: { local: false, remote: false }, fragmentation: false,
    children: [{ childSaId: 'child-1', state: 'INSTALLED', spiIn: 'c1c1c1c1', spiOut: 'c2c2c2c2', algorithms: 'aes128-sha256', mode: 'tunnel', localTs: ['10.2.0.0/24'], remoteTs: ['10.1.0.0/24'], establishedAt: 1000 }],
  };
  it('shows our SPI as the responder SPI, key size, group, auth, lifetimes, message IDs, window and NAT', () => {
    const text = formatStatus([sa], 11_000);
    expect(text).toContain('IKE SA ike-1 (home): ESTABLISHED, responder');
    expect(text).toMatch(/local\s+127\.0\.0\.1:16500\s+fqdn:bob\.example\s+SPI bbbb/);
    expect(text).toMatch(/remote\s+\[::1\]:16600\s+fqdn:alice\.example\s+SPI aaaa/);
    expect(text).toContain('encr ENCR_AES_CBC 128-bit key, integ AUTH_HMAC_SHA2_256_128, prf PRF_HMAC_SHA2_256, DH MODP_2048');
    expect(text).toContain('auth        PSK');
    expect(text).toContain('established 10s ago, rekey in 50s, expires in 110s');
    expect(text).toContain('next request 2, expected request 3, window 1');
    expect(text).toContain('NAT         none');
    expect(text).toMatch(/child-1\s+INSTALLED\s+c1c1c1c1\s+c2c2c2c2\s+tunnel\s+aes128-sha256/);
  });
  it('no SAs', () => {
    expect(formatStatus([], 0)).toBe('no IKE SAs');
  });
});
