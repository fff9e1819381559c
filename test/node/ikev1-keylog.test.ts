import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ikev1DecryptionTableLine } from '../../src/node/keylog.js';
import { sharedDir } from '../helpers/shared.js';

const dir = sharedDir('IKESTACK_WIRESHARK_DIR');

describe('ikev1_decryption_table lines (Wireshark IKEv1 dissector: Initiator COOKIE, Encryption Key)', () => {
  it.skipIf(!dir)('rebuilds every row of Wireshark test suite ikev1_decryption_table.tmpl from its two fields', () => {
    const rows = readFileSync(join(dir!, 'ikev1_decryption_table.tmpl'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const [cky, key] = row.split(',');
      expect(ikev1DecryptionTableLine(cky.toUpperCase(), `0x${key}`)).toBe(row);
    }
  });

  it('RFC 2408 section 3.1: the Initiator COOKIE has 8 octets; anything else is refused', () => {
    expect(() => ikev1DecryptionTableLine('0011223344556677aa', '00')).toThrow(/8 octets/);
    expect(() => ikev1DecryptionTableLine('00112233445566', '00')).toThrow();
    expect(() => ikev1DecryptionTableLine('0011223344556677', 'zz')).toThrow(/not hex/);
  });
});
