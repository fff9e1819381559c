import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/commands/demo.js';

afterEach(() => vi.restoreAllMocks());

async function demo(args: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const code = await run(args);
  return { code, text: lines.join('\n') };
}

describe('ike demo, live section: two endpoints over UDP on loopback', () => {
  for (const provider of ['node', 'pure'] as const) {
    it(`runs IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, both rekeys and the delete, and exits 0 (${provider} provider)`, async () => {
      const { code, text } = await demo(['--live-only', '--v2-only', '--provider', provider]);
      expect(text).not.toContain('FAILED');
      expect(code).toBe(0);
      // RFC 7296 section 1.2: Message ID 0 for IKE_SA_INIT, 1 for IKE_AUTH, each with its response.
      for (const m of ['IKE_SA_INIT request 0 [I]', 'IKE_SA_INIT response 0 [R]', 'IKE_AUTH request 1 [I]', 'IKE_AUTH response 1 [R]', 'CREATE_CHILD_SA request 2 [I]']) {
        expect(text).toContain(m);
      }
      expect(text).toMatch(/alice \* IKE SA \S+ up \(initiator\)/);
      expect(text).toMatch(/bob {3}\* IKE SA \S+ up \(responder\)/);
      expect(text).toMatch(/=> CHILD SA \S+ up, SPI in [0-9a-f]{8} out [0-9a-f]{8}/);
      expect(text).toMatch(/=> CHILD SA \S+ replaced by \S+, and deleted/);
      expect(text).toMatch(/=> IKE SA \S+ replaced by \S+ \(SPIi [0-9a-f]{16}, SPIr [0-9a-f]{16}\), and deleted/);
      // The status table after the rekeys: one IKE SA each side, two CHILD SAs in it.
      expect(text).toContain('=> 1 IKE SA(s) at alice, 1 at bob');
      expect(text).toMatch(/CHILD SA\s+state\s+SPI in\s+SPI out/);
      expect(text).toMatch(/=> IKE SA \S+ deleted at both ends; alice has 0 IKE SA\(s\), bob 0/);
      expect(text).toContain('Live section completed.');
      expect(text).not.toContain('==== Codec');
    });
  }

  it('with no option it runs the live section, then the codec section', async () => {
    const { code, text } = await demo([]);
    expect(code).toBe(0);
    expect(text.indexOf('==== Live')).toBeLessThan(text.indexOf('==== Codec'));
    expect(text).toMatch(/7 structures encoded, decoded and re-encoded to the same bytes\.$/);
  });

  it('--keylog DIR: an ikev2_decryption_table row for the IKE SA and its rekeyed successor, esp_sa rows for the three CHILD SAs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ike-demo-keys-'));
    const { code, text } = await demo(['--live-only', '--v2-only', '--keylog', dir]);
    expect(code).toBe(0);
    const ike = readFileSync(join(dir, 'ikev2_decryption_table'), 'utf8').trim().split('\n');
    expect(ike).toHaveLength(2);
    const rekeyed = /IKE SA \S+ replaced by \S+ \(SPIi ([0-9a-f]{16}), SPIr ([0-9a-f]{16})\)/.exec(text);
    expect(ike[1].startsWith(`${rekeyed?.[1]},${rekeyed?.[2]},`)).toBe(true);
    for (const line of ike) expect(line).toMatch(/,"AES-CBC-128 \[RFC3602\]",[0-9a-f]{64},[0-9a-f]{64},"HMAC_SHA2_256_128 \[RFC4868\]"$/);
    const esp = readFileSync(join(dir, 'esp_sa'), 'utf8').trim().split('\n');
    expect(esp).toHaveLength(6);
    // AES-GCM-16 with a 128-bit key: key || 4-octet salt (RFC 4106 section 8.1), ICV length via the unchecked entry.
    for (const line of esp) expect(line).toMatch(/^"IPv4","127\.0\.0\.1","127\.0\.0\.1","0x[0-9a-f]{8}","AES-GCM \[RFC4106\]","0x[0-9a-f]{40}","ANY 128 bit authentication \[no checking\]",""$/);
  });

  it('--codec-only needs no sockets', async () => {
    const { code, text } = await demo(['--codec-only']);
    expect(code).toBe(0);
    expect(text).not.toContain('==== Live');
  });
});
