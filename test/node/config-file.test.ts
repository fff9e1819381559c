import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigFileError, loadConfigFile, parseConfigText } from '../../src/node/config-file.js';

/** The example of the issue, as written. */
const EXAMPLE = `{ "version": 2,
  "local":  { "address": "127.0.0.1", "port": 16500, "id": "fqdn:alice.example" },
  "remote": { "address": "127.0.0.1", "port": 16600, "id": "fqdn:bob.example" },
  "psk": "cisco",
  "ike":   { "proposals": ["aes128-sha256-modp2048"], "lifetime": 3600 },
  "child": { "proposals": ["aes128-sha256"], "localTs": ["10.1.0.0/24"], "remoteTs": ["10.2.0.0/24"],
             "mode": "tunnel", "pfs": "modp2048", "lifetime": 1200 } }`;

describe('config files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ike-config-'));

  it('reads one config object', async () => {
    const f = join(dir, 'one.json');
    writeFileSync(f, EXAMPLE);
    const [c] = await loadConfigFile(f);
    expect(c.local.port).toBe(16500);
    expect(c.remote.id).toBe('fqdn:bob.example');
  });

  it('reads an array of configs', () => {
    expect(parseConfigText(`[${EXAMPLE}, ${EXAMPLE}]`, 'two.json')).toHaveLength(2);
  });

  it('names the file in a JSON syntax error', () => {
    expect(() => parseConfigText('{ "version": 2,', 'broken.json')).toThrow(/^broken\.json: not JSON/);
  });

  it("names the file and the config's place in an array in a config error", () => {
    const bad = EXAMPLE.replace('"version": 2', '"version": 3');
    expect(() => parseConfigText(`[${EXAMPLE}, ${bad}]`, 'list.json')).toThrow(/^list\.json: config \[1\]: .*version/);
    expect(() => parseConfigText(bad, 'x.json')).toThrow(ConfigFileError);
  });

  it('a missing file is an error naming it', async () => {
    await expect(loadConfigFile(join(dir, 'absent.json'))).rejects.toThrow(/absent\.json: no such file/);
  });

  it('an empty array is an error', () => {
    expect(() => parseConfigText('[]', 'empty.json')).toThrow(/empty\.json: the array holds no config/);
  });
});
