/** The version 2 config format (docs/config.md): the example, defaults, and errors with paths. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IkeError } from '../../src/errors.js';
import { CONFIG_DEFAULTS, ConfigError, parseConfig, parseConfigs, pskBytes, resolveConfig } from '../../src/config/index.js';

/** The example from the issue, as written. */
const EXAMPLE_TEXT = `{ "version": 2,
  "local":  { "address": "127.0.0.1", "port": 16500, "id": "fqdn:alice.example" },
  "remote": { "address": "127.0.0.1", "port": 16600, "id": "fqdn:bob.example" },
  "psk": "cisco",
  "ike":   { "proposals": ["aes128-sha256-modp2048"], "lifetime": 3600 },
  "child": { "proposals": ["aes128-sha256"], "localTs": ["10.1.0.0/24"], "remoteTs": ["10.2.0.0/24"],
             "mode": "tunnel", "pfs": "modp2048", "lifetime": 1200 } }`;

const example = () => JSON.parse(EXAMPLE_TEXT) as Record<string, any>;

function errorOf(json: unknown): IkeError {
  try {
    parseConfig(json);
  } catch (e) {
    expect(e).toBeInstanceOf(IkeError);
    expect((e as IkeError).kind).toBe('INVALID_ARGUMENT');
    return e as IkeError;
  }
  throw new Error('accepted');
}

function withChange(change: (c: Record<string, any>) => void): Record<string, any> {
  const c = example();
  change(c);
  return c;
}

describe('parseConfig: the example from the issue', () => {
  it('parses as written and keeps every given value', () => {
    const c = parseConfig(example());
    expect(c.version).toBe(2);
    expect(c.local).toMatchObject({ address: '127.0.0.1', port: 16500, id: 'fqdn:alice.example' });
    expect(c.remote).toMatchObject({ address: '127.0.0.1', port: 16600, id: 'fqdn:bob.example' });
    expect(c.psk).toBe('cisco');
    expect(c.ike).toMatchObject({ proposals: ['aes128-sha256-modp2048'], lifetime: 3600 });
    expect(c.child).toMatchObject({ proposals: ['aes128-sha256'], localTs: ['10.1.0.0/24'], remoteTs: ['10.2.0.0/24'], mode: 'tunnel', pfs: 'modp2048', lifetime: 1200 });
  });

  it('fills the documented defaults', () => {
    const c = parseConfig(example());
    // Contract: NAT-T port is 4500 for port 500, else port + 1.
    expect(c.local.nattPort).toBe(16501);
    expect(c.remote.nattPort).toBe(16601);
    // rekeyTime: 90% of the lifetime.
    expect(c.ike.rekeyTime).toBe(3240);
    expect(c.child.rekeyTime).toBe(1080);
    expect(c.ike.allowWeak).toBe(false);
    expect(c.ike.fragmentation).toBe(false);
    expect(c.ike.dpdDelay).toBeUndefined();
    expect(c.child.esn).toBe(false);
    expect(c.child.requestVirtualIp).toBe(false);
  });

  it('port 500 pairs with NAT-T port 4500 (RFC 7296 section 2.23); lifetimes default to 4 h and 1 h', () => {
    const c = parseConfig(
      withChange((j) => {
        j.local.port = 500;
        delete j.remote.port;
        delete j.ike.lifetime;
        delete j.child.lifetime;
        delete j.child.mode;
        delete j.child.pfs;
      }),
    );
    expect(c.local.nattPort).toBe(4500);
    expect(c.remote.port).toBe(500);
    expect(c.remote.nattPort).toBe(4500);
    expect(c.ike.lifetime).toBe(14400);
    expect(c.ike.rekeyTime).toBe(12960);
    expect(c.child.lifetime).toBe(3600);
    expect(c.child.mode).toBe('tunnel');
    expect(c.child.pfs).toBe(false);
    expect(CONFIG_DEFAULTS.ikeLifetime).toBe(14400);
  });

  it('parsing its own output gives the same config', () => {
    const c = parseConfig(example());
    expect(parseConfig(JSON.parse(JSON.stringify(c)))).toEqual(c);
  });

  it('keeps the optional fields', () => {
    const c = parseConfig(
      withChange((j) => {
        j.name = 'site-a';
        j.local.nattPort = 4501;
        j.ike.fragmentation = { mtu: 1280 };
        j.ike.dpdDelay = 30;
        j.ike.natKeepalive = 20;
        j.ike.rekeyTime = 3000;
        j.child.esn = true;
        j.child.mode = 'transport';
        j.child.requestVirtualIp = true;
      }),
    );
    expect(c.name).toBe('site-a');
    expect(c.local.nattPort).toBe(4501);
    expect(c.ike).toMatchObject({ fragmentation: { mtu: 1280 }, dpdDelay: 30, natKeepalive: 20, rekeyTime: 3000 });
    expect(c.child).toMatchObject({ esn: true, mode: 'transport', requestVirtualIp: true });
  });
});

describe('parseConfig: errors name the field', () => {
  const cases: Array<[string, (j: Record<string, any>) => void, RegExp]> = [
    ['version missing', (j) => delete j.version, /^INVALID_ARGUMENT: config: version: expected 2/],
    ['version 1', (j) => (j.version = 1), /version: expected 2, got 1/],
    ['unknown top-level field', (j) => (j.extra = 1), /extra: unknown field/],
    ['unknown nested field', (j) => (j.child.localTS = []), /child\.localTS: unknown field/],
    ['bad traffic selector', (j) => (j.child.localTs = ['10.1.0.0/24', '10.1.0.0/33']), /child\.localTs\[1\]: .*prefix length/],
    ['non-string traffic selector', (j) => (j.child.remoteTs = [7]), /child\.remoteTs\[0\]: expected a string/],
    ['empty selector list', (j) => (j.child.remoteTs = []), /child\.remoteTs: must list at least one/],
    ['unknown IKE keyword', (j) => (j.ike.proposals = ['aes128-sha256-modp2048', 'aes129-sha1-modp2048']), /ike\.proposals\[1\]: .*unknown algorithm keyword "aes129"/],
    ['weak IKE proposal', (j) => (j.ike.proposals = ['aes128-sha1-modp1024']), /ike\.proposals\[0\]: .*MODP_1024.*allowWeak/],
    ['weak ESP proposal', (j) => (j.child.proposals = ['3des-sha1']), /child\.proposals\[0\]: .*3DES/],
    ['weak PFS group', (j) => (j.child.pfs = 'modp1024'), /child\.pfs: .*MODP_1024/],
    ['PFS not a key exchange', (j) => (j.child.pfs = 'sha256'), /child\.pfs: .*not a key exchange method/],
    ['PFS unknown keyword', (j) => (j.child.pfs = 'modp2047'), /child\.pfs: .*not a key exchange keyword/],
    ['PFS none', (j) => (j.child.pfs = 'modpnone'), /child\.pfs: .*not a key exchange method/],
    ['PFS with two keywords', (j) => (j.child.pfs = 'modp2048-ecp256'), /child\.pfs: .*not a key exchange keyword/],
    ['missing local id', (j) => delete j.local.id, /local\.id: required/],
    ['bad remote id', (j) => (j.remote.id = 'bob.example'), /remote\.id: .*no "<kind>:" prefix/],
    ['bad ipv4 id', (j) => (j.local.id = 'ipv4:10.0.0.256'), /local\.id: /],
    ['prototype name as id kind', (j) => (j.local.id = 'constructor:00'), /local\.id: /],
    ['bad address', (j) => (j.remote.address = 'vpn.example'), /remote\.address: .*not an IP address/],
    ['mixed families', (j) => (j.remote.address = '::1'), /remote\.address: .*mix IPv4 and IPv6/],
    ['port out of range', (j) => (j.local.port = 70000), /local\.port: 70000 is outside 1-65535/],
    ['port not an integer', (j) => (j.local.port = '500'), /local\.port: expected an integer, got "500"/],
    ['NAT-T port equal to port', (j) => (j.remote.nattPort = 16600), /remote\.nattPort: must differ/],
    ['no default NAT-T port after 65535', (j) => (j.local.port = 65535), /local\.nattPort: no default/],
    ['psk missing', (j) => delete j.psk, /psk: expected a string/],
    ['psk empty', (j) => (j.psk = ''), /psk: must not be empty/],
    ['psk bad hex', (j) => (j.psk = '0xzz'), /psk: after "0x", an even number of hex digits/],
    ['psk odd hex', (j) => (j.psk = '0xabc'), /psk: after "0x"/],
    ['psk bare 0x', (j) => (j.psk = '0x'), /psk: "0x" with no hex digits/],
    ['rekeyTime not below lifetime', (j) => (j.ike.rekeyTime = 3600), /ike\.rekeyTime: 3600 s must be shorter than the lifetime \(3600 s\)/],
    ['child lifetime too short', (j) => (j.child.lifetime = 10), /child\.lifetime: 10 is outside/],
    ['mode', (j) => (j.child.mode = 'beet'), /child\.mode: expected "tunnel" or "transport"/],
    ['esn not boolean', (j) => (j.child.esn = 'yes'), /child\.esn: expected true or false/],
    ['fragmentation MTU too small (RFC 7383 section 2.5.1)', (j) => (j.ike.fragmentation = { mtu: 100 }), /ike\.fragmentation\.mtu: 100 is outside 576-65535/],
    ['fragmentation true', (j) => (j.ike.fragmentation = true), /ike\.fragmentation: expected an object/],
    ['ike not an object', (j) => (j.ike = []), /ike: expected an object, got an array/],
    ['no proposals', (j) => (j.child.proposals = []), /child\.proposals: must list at least one/],
  ];
  for (const [what, change, pattern] of cases) {
    it(what, () => {
      expect(errorOf(withChange(change)).message).toMatch(pattern);
    });
  }

  it('not an object at all', () => {
    expect(errorOf(null).message).toMatch(/expected an object, got null/);
    expect(errorOf('{}').message).toMatch(/expected an object/);
  });

  it('allowWeak lets weak IKE, ESP and PFS choices through', () => {
    const c = parseConfig(
      withChange((j) => {
        j.ike.allowWeak = true;
        j.ike.proposals = ['3des-sha1-modp1024'];
        j.child.proposals = ['3des-md5'];
        j.child.pfs = 'modp1024';
      }),
    );
    expect(c.ike.allowWeak).toBe(true);
  });
});

describe('resolveConfig: protocol values', () => {
  it('IDs become ID payload contents (RFC 7296 section 3.5: ID_FQDN is 2)', () => {
    const r = resolveConfig(parseConfig(example()));
    expect(r.localId.idType).toBe(2);
    expect(new TextDecoder().decode(r.localId.data)).toBe('alice.example');
    expect(r.remoteId?.idType).toBe(2);
    const noRemote = resolveConfig(parseConfig(withChange((j) => delete j.remote.id)));
    expect(noRemote.remoteId).toBeUndefined();
  });

  it('the PSK is UTF-8 text, or hex bytes after 0x', () => {
    expect(pskBytes('cisco')).toEqual(Uint8Array.from([0x63, 0x69, 0x73, 0x63, 0x6f]));
    expect(pskBytes('0x00ff10')).toEqual(Uint8Array.from([0x00, 0xff, 0x10]));
    expect(pskBytes('0X00FF')).toEqual(Uint8Array.from([0x00, 0xff]));
    expect(pskBytes('clé')).toEqual(Uint8Array.from([0x63, 0x6c, 0xc3, 0xa9]));
  });

  it('proposals carry the PFS group; selectors are address ranges', () => {
    const r = resolveConfig(parseConfig(example()));
    expect(r.ike.proposals).toHaveLength(1);
    expect(r.child.pfsGroup).toBe(14);
    expect(r.child.proposals[0].transforms.map((t) => [t.transformType, t.transformId])).toEqual([
      [1, 12],
      [3, 12],
      [4, 14],
      [5, 0],
    ]);
    expect(r.child.localTs[0].startAddress).toEqual(Uint8Array.from([10, 1, 0, 0]));
    expect(r.child.remoteTs[0].endAddress).toEqual(Uint8Array.from([10, 2, 0, 255]));
    expect(r.localNattPort).toBe(16501);
    expect(r.remoteNattPort).toBe(16601);
    expect(r.ike.dpdDelay).toBe(0);
  });

  it('applies the defaults to a config built in code', () => {
    const r = resolveConfig({
      version: 2,
      local: { address: '192.0.2.1', port: 500, id: 'ipv4:192.0.2.1' },
      remote: { address: '192.0.2.2', port: 500 },
      psk: 'secret',
      ike: { proposals: ['aes256gcm16-prfsha384-ecp384'] },
      child: { proposals: ['aes256gcm16'], localTs: ['10.1.0.0/24'], remoteTs: ['10.2.0.0/24'], esn: true },
    });
    expect(r.localNattPort).toBe(4500);
    expect(r.ike.lifetime).toBe(14400);
    expect(r.ike.rekeyTime).toBe(12960);
    expect(r.child.lifetime).toBe(3600);
    expect(r.child.rekeyTime).toBe(3240);
    expect(r.child.mode).toBe('tunnel');
    expect(r.child.pfsGroup).toBeUndefined();
    expect(r.child.proposals[0].transforms.find((t) => t.transformType === 5)?.transformId).toBe(1);
    expect(r.localId).toEqual({ idType: 1, data: Uint8Array.from([192, 0, 2, 1]) });
  });
});

describe('arbitrary input', () => {
  it('parseConfig throws nothing but IkeError on arbitrary JSON and on mutations of the example', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          parseConfig(v);
        } catch (e) {
          expect(e).toBeInstanceOf(IkeError);
        }
      }),
      { numRuns: 500 },
    );
    const paths = [['local', 'port'], ['remote', 'id'], ['ike', 'proposals'], ['child', 'localTs'], ['child', 'pfs'], ['ike', 'fragmentation'], ['psk'], ['child', 'mode']];
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, value) => {
        const j = example();
        let o = j;
        for (const k of path.slice(0, -1)) o = o[k];
        o[path[path.length - 1]] = value;
        try {
          parseConfig(j);
        } catch (e) {
          expect(e).toBeInstanceOf(IkeError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parseConfigs: a config file holds one config or an array', () => {
  it('takes one object or an array, and names the entry of an error', () => {
    expect(parseConfigs(example())).toHaveLength(1);
    const two = parseConfigs([{ ...example(), name: 'a' }, { ...example(), name: 'b' }]);
    expect(two.map((c) => c.name)).toEqual(['a', 'b']);
    const bad = withChange((j) => (j.child.localTs = ['10.1.0.0/33']));
    expect(() => parseConfigs([example(), bad])).toThrow(/^INVALID_ARGUMENT: config: \[1\]\.child\.localTs\[0\]: /);
    expect(() => parseConfigs([example(), null])).toThrow(/^INVALID_ARGUMENT: config: \[1\]: expected an object, got null$/);
    expect(() => parseConfigs([])).toThrow(/no config/);
  });

  it('refuses two configs with one name', () => {
    expect(() => parseConfigs([{ ...example(), name: 'a' }, { ...example(), name: 'a' }])).toThrow(/\[1\]\.name: "a" is already the name of \[0\]/);
  });

  it('errors are ConfigErrors carrying the field path', () => {
    try {
      parseConfig(withChange((j) => (j.ike.lifetime = 'long')));
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).field).toBe('ike.lifetime');
      return;
    }
    throw new Error('accepted');
  });
});

describe('docs/config.md', () => {
  it('its JSON example parses', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../../docs/config.md', import.meta.url), 'utf8');
    const blocks = [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(parseConfig(JSON.parse(block)).version).toBe(2);
  });
});
