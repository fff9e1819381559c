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

describe('ike demo, IKEv1 live section: 127.0.0.1 <-> 127.0.0.2 over UDP', () => {
  it('Main Mode + Quick Mode with PFS and Aggressive Mode + Quick Mode, traced with MM/AM/QM names, status view, delete; exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ike-demo-v1-'));
    const { code, text } = await demo(['--live-only', '--v1-only', '--keylog', dir]);
    expect(text).not.toContain('FAILED');
    expect(code).toBe(0);
    expect(text).not.toContain('==== Live: IKEv2');
    // RFC 2409 section 5 (Main Mode: six messages), 5.4 (Aggressive Mode: three), 5.5 (Quick Mode: three).
    for (const m of ['> MM1', '< MM2', '> MM3', '< MM4', '> MM5', '< MM6', '> AM1', '< AM2', '> AM3', '> QM1', '< QM2', '> QM3']) expect(text).toContain(m);
    for (const s of ['IKE_I_MM1', 'IKE_I_AM1', 'IKE_P1_COMPLETE', 'QM_IDLE', 'IKE_QM_PHASE2_COMPLETE']) expect(text).toContain(s);
    expect(text).toContain('LIFE_DURATION = 86400');
    // Phase 2 with PFS in Main Mode's run, without in Aggressive Mode's.
    expect(text).toMatch(/ipsec-1\s+IKE_QM_PHASE2_COMPLETE\s+[0-9a-f]{8}\s+[0-9a-f]{8}\s+tunnel\s+\S+\s+modp2048/);
    expect(text).toMatch(/ipsec-1\s+IKE_QM_PHASE2_COMPLETE\s+[0-9a-f]{8}\s+[0-9a-f]{8}\s+tunnel\s+\S+\s+no PFS/);
    expect(text.match(/=> ISAKMP SA \S+ deleted at both ends; alice has 0 ISAKMP SA\(s\), bob 0/g)).toHaveLength(2);
    expect(text).toContain('IKEv1 live section completed.');
    // One ikev1_decryption_table row per run (alice's two ISAKMP SAs), keyed by the CKY-I the trace shows.
    const rows = readFileSync(join(dir, 'ikev1_decryption_table'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const [cky] = row.split(',');
      expect(text).toContain(`CKY-I ${cky}`);
    }
    expect(readFileSync(join(dir, 'esp_sa'), 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it('with no option: IKEv2 live, then IKEv1 live, then the codec section', async () => {
    const { code, text } = await demo([]);
    expect(code).toBe(0);
    const v2 = text.indexOf('==== Live: IKEv2');
    const v1 = text.indexOf('==== Live: IKEv1');
    expect(v2).toBeGreaterThanOrEqual(0);
    expect(v1).toBeGreaterThan(v2);
    expect(text.indexOf('==== Codec')).toBeGreaterThan(v1);
  });

  it('--v1-only with --v2-only is a usage error', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect((await demo(['--v1-only', '--v2-only'])).code).toBe(2);
  });
});
