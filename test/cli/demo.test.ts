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
      const { code, text } = await demo(['--live-only', '--provider', provider]);
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

  it('--codec-only needs no sockets', async () => {
    const { code, text } = await demo(['--codec-only']);
    expect(code).toBe(0);
    expect(text).not.toContain('==== Live');
  });
});
