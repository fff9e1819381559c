import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/commands/demo.js';
import { fromHex } from '../../src/util/bytes.js';

afterEach(() => vi.restoreAllMocks());

async function demoOutput(): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const code = await run([]);
  return { code, text: lines.join('\n') };
}

/** The encoded bytes printed under a title, joined from the hex lines. */
function encodedUnder(text: string, title: string): Uint8Array {
  const block = text.split('\n== ').find((b) => b.startsWith(title) || b.startsWith(`== ${title}`));
  if (!block) throw new Error(`no block ${title}`);
  const hex = block.split('  decoded:')[0].split('\n').filter((l) => /^ {4}[0-9a-f]+$/.test(l)).join('');
  return fromHex(hex);
}

describe('ike demo', () => {
  it('exits 0 and prints every message it builds, encoded and decoded', async () => {
    const { code, text } = await demoOutput();
    expect(code).toBe(0);
    for (const name of ['IKE_SA_INIT request', 'IKE_AUTH request', 'ISAKMP IDENTITY_PROTECTION', 'ISAKMP AGGRESSIVE', 'ISAKMP QUICK_MODE v1.0 flags E']) {
      expect(text).toContain(name);
    }
    expect(text).not.toContain('DIFFERENT BYTES');
    expect(text).toMatch(/7 structures encoded, decoded and re-encoded to the same bytes\.$/);
  });

  it('IKE_SA_INIT carries both proposals, the NAT-D notifies and IKEV2_FRAGMENTATION_SUPPORTED', async () => {
    const { text } = await demoOutput();
    expect(text).toMatch(/Proposal #1 IKE, no SPI, 4 transform\(s\)\n\s+ENCR ENCR_AES_CBC \(keylen 128\)\n\s+PRF PRF_HMAC_SHA2_256\n\s+INTEG AUTH_HMAC_SHA2_256_128\n\s+KE MODP_2048/);
    expect(text).toMatch(/Proposal #2 IKE, no SPI, 3 transform\(s\)\n\s+ENCR ENCR_AES_GCM_16 \(keylen 256\)\n\s+PRF PRF_HMAC_SHA2_384\n\s+KE ECP_384/);
    for (const n of ['NAT_DETECTION_SOURCE_IP', 'NAT_DETECTION_DESTINATION_IP', 'IKEV2_FRAGMENTATION_SUPPORTED']) expect(text).toContain(n);
    // RFC 7296 section 3.1: the printed bytes start with the header: SPIr zero, Next Payload SA (33),
    // version 2.0, IKE_SA_INIT (34), flags I (0x08), Message ID 0, then Length.
    const bytes = encodedUnder(text, 'IKEv2 IKE_SA_INIT');
    expect([...bytes.subarray(8, 24)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 33, 0x20, 34, 0x08, 0, 0, 0, 0]);
    expect((bytes[24] << 24) | (bytes[25] << 16) | (bytes[26] << 8) | bytes[27]).toBe(bytes.length);
  });

  it('IKEv1 Main Mode 1 offers LIFE_DURATION 86400 and the NAT-T, DPD, XAUTH, Cisco Unity and fragmentation vendor IDs', async () => {
    const { text } = await demoOutput();
    expect(text).toContain('LIFE_DURATION = 86400');
    for (const v of ['NAT-T (RFC 3947)', 'Dead Peer Detection (RFC 3706)', 'XAUTH', 'Cisco Unity', 'IKE Fragmentation']) expect(text).toContain(v);
    // RFC 2408 section 3.1: version 1.0 (0x10), Identity Protection (2), no flags.
    const bytes = encodedUnder(text, 'IKEv1 Main Mode message 1');
    expect([bytes[16], bytes[17], bytes[18], bytes[19]]).toEqual([1, 0x10, 2, 0]);
    expect(text).toContain('IDi (24 bytes) ID_IPV6_ADDR');
    expect(text).toContain('ID (24 bytes) ID_IPV6_ADDR 2001:db8::10 protocol 17 port 500');
  });
});
