import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/commands/decode.js';
import { encodeMessageV2, type IkeV2Message } from '../../src/payloads/ikev2/message.js';
import { concatBytes, toHex } from '../../src/util/bytes.js';
import { sharedDir } from '../helpers/shared.js';
import { fakeIke, ipv4, pcapFile, udp } from '../pcap/build.js';

const dir = sharedDir('IKESTACK_WIRESHARK_DIR');
const tmp = mkdtempSync(join(tmpdir(), 'ike-decode-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let stdout: string[];
let stderr: string[];
beforeEach(() => {
  stdout = [];
  stderr = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void stdout.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

const initSa: IkeV2Message = {
  header: {
    spiI: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
    spiR: new Uint8Array(8),
    majorVersion: 2,
    minorVersion: 0,
    exchangeType: 34,
    flags: { initiator: true, version: false, response: false },
    messageId: 0,
  },
  payloads: [
    { type: 34, group: 19, keyExchangeData: new Uint8Array(64).fill(3) },
    { type: 40, nonce: new Uint8Array(32).fill(4) },
  ],
};

describe('ike decode', () => {
  it('decodes a hex IKEv2 message with the trace printer', async () => {
    expect(await run([toHex(encodeMessageV2(initSa))])).toBe(0);
    const text = stdout.join('\n');
    expect(text).toMatch(/^input 1, 136 bytes/);
    expect(text).toMatch(/IKE_SA_INIT request 0/);
    expect(text).toMatch(/SPIi 0102030405060708/);
  });

  it('RFC 3948 section 2.2: a leading non-ESP marker is removed', async () => {
    expect(await run([toHex(concatBytes(new Uint8Array(4), encodeMessageV2(initSa)))])).toBe(0);
    expect(stdout[0]).toBe('input 1 (non-ESP marker), 136 bytes');
  });

  it('exits 1 and names the payload and offset when a message does not decode', async () => {
    const bytes = encodeMessageV2(initSa).subarray(0, 100);
    expect(await run([toHex(bytes)])).toBe(1);
    expect(stderr.join('\n')).toMatch(/input 1: cannot decode: INVALID_SYNTAX: IKE Header at offset 24/);
    expect(await run([toHex(bytes), '--json'])).toBe(1);
    const line = JSON.parse(stdout.at(-1)!);
    expect(line.error).toMatchObject({ kind: 'INVALID_SYNTAX', payload: 'IKE Header', offset: 24 });
  });

  it('exits 2 for input that is neither a file nor hex, and for an unknown option', async () => {
    expect(await run(['not-hex-and-no-such-file'])).toBe(2);
    expect(await run(['00', '--bogus'])).toBe(2);
    expect(await run([])).toBe(2);
  });

  it('reads a gzipped capture by its magic bytes whatever the name, and finds IKE on 4500', async () => {
    const ike = encodeMessageV2(initSa);
    const frame = ipv4({ src: [10, 0, 0, 1], dst: [10, 0, 0, 2], protocol: 17, payload: udp(4500, 4500, concatBytes(new Uint8Array(4), ike)) });
    const esp = ipv4({ src: [10, 0, 0, 2], dst: [10, 0, 0, 1], protocol: 50, payload: fakeIke(1) });
    const path = join(tmp, 'capture.dat');
    writeFileSync(path, gzipSync(pcapFile({ le: true, linkType: 101 }, [{ seconds: 0, fraction: 0, data: frame }, { seconds: 1, fraction: 0, data: esp }])));
    expect(await run([path])).toBe(0);
    expect(stdout[0]).toBe('frame 1  1970-01-01T00:00:00.000000000Z  10.0.0.1:4500 -> 10.0.0.2:4500 (non-ESP marker), 136 bytes');
    expect(stdout.at(-1)).toBe(`${path}: 1 IKE message(s), 1 ESP packet(s), 0 frame(s) skipped`);
  });

  it('a file of hex text is one message', async () => {
    const path = join(tmp, 'message.hex');
    writeFileSync(path, `${toHex(encodeMessageV2(initSa))}\n`);
    expect(await run([path])).toBe(0);
    expect(stdout.join('\n')).toMatch(/IKE_SA_INIT request/);
  });

  it.skipIf(!dir)('prints each frame of a real IKEv2 capture with addresses and ports', async () => {
    expect(await run([join(dir!, 'ikev2-decrypt-aes256gcm16.pcap')])).toBe(0);
    const text = stdout.join('\n');
    expect(text).toMatch(/^frame 1 {2}2016-08-20T16:35:21\.499556000Z {2}192\.168\.1\.2:500 -> 192\.168\.1\.14:500, 248 bytes$/m);
    expect(text.match(/^frame \d+/gm)).toHaveLength(6);
    expect(text).toMatch(/IKE_AUTH request 1/);
    expect(text).toMatch(/INFORMATIONAL request 0 \[R\]/);
    expect(stdout.at(-1)).toMatch(/6 IKE message\(s\), 0 ESP packet\(s\), 0 frame\(s\) skipped$/);
  });

  it.skipIf(!dir)('--json prints one object per IKEv1 message, bytes as hex', async () => {
    expect(await run([join(dir!, 'ikev1-bug-12620.pcapng.gz'), '--json'])).toBe(0);
    const lines = stdout.map((l) => JSON.parse(l));
    expect(lines).toHaveLength(10);
    expect(lines.map((l) => l.message.header.exchangeType)).toEqual([4, 4, 4, 5, 6, 6, 6, 6, 6, 6]);
    expect(lines[0]).toMatchObject({ frame: 1, version: 1, src: '192.168.0.100', srcPort: 500, message: { header: { initiatorCookie: '29f6006212625def' } } });
  });
});
