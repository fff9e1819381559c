/**
 * `ike decode <hex | file.bin | capture.pcap[ng][.gz]>... [--json]`: prints every IKE message with
 * the codec's trace printers, one JSON object per message with --json. Exit status 0 when all
 * messages decode, 1 when one does not, 2 for a usage or input error.
 */
import { existsSync, statSync } from 'node:fs';
import { IkeError } from '../../errors.js';
import { readMaybeGzipped } from '../../node/pcap.js';
import { ikeVersionOf } from '../../payloads/framing.js';
import { describeMessageV1 } from '../../payloads/ikev1/describe.js';
import { decodeMessageV1 } from '../../payloads/ikev1/message.js';
import { describeMessageV2 } from '../../payloads/ikev2/describe.js';
import { decodeMessageV2 } from '../../payloads/ikev2/message.js';
import { isCapture } from '../../pcap/capture.js';
import { scanCapture, type IkeDatagram } from '../../pcap/scan.js';
import type { CaptureTimestamp } from '../../pcap/types.js';
import { fromHex, toHex } from '../../util/bytes.js';

const USAGE = `usage: ike decode <hex | file.bin | capture.pcap | capture.pcapng[.gz]>... [--json]

  hex             an IKE message as hex (spaces and colons allowed; a leading
                  non-ESP marker 00000000 is removed)
  file.bin        a file holding one IKE message, raw or as hex text
  capture         a pcap or pcapng file, gzipped or not: every IKE message on
                  UDP 500 and 4500 (RFC 3948 framing) is decoded
  --json          one JSON object per message (byte strings as hex)`;

/** Where a message came from: a capture frame, or the n-th input. */
type Origin = Omit<IkeDatagram, 'ike'> | { input: number; nonEspMarker: boolean };

interface Output {
  json: boolean;
  failures: number;
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const json = args.includes('--json');
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--json');
  const inputs = args.filter((a) => !a.startsWith('--'));
  if (unknown.length || inputs.length === 0) {
    console.error(unknown.length ? `ike decode: unknown option ${unknown[0]}\n${USAGE}` : USAGE);
    return 2;
  }
  const out: Output = { json, failures: 0 };
  for (const [i, input] of inputs.entries()) {
    const loaded = load(input);
    if (typeof loaded === 'string') {
      console.error(`ike decode: ${loaded}`);
      return 2;
    }
    if (isCapture(loaded)) decodeCapture(input, loaded, out);
    else {
      const marker = loaded.length >= 4 && loaded[0] === 0 && loaded[1] === 0 && loaded[2] === 0 && loaded[3] === 0;
      decodeOne(marker ? loaded.subarray(4) : loaded, { input: i + 1, nonEspMarker: marker }, out);
    }
  }
  return out.failures ? 1 : 0;
}

/** A file's bytes (gunzipped; hex text turned to bytes), or the argument as hex; a string is an error. */
function load(input: string): Uint8Array | string {
  if (existsSync(input) && statSync(input).isFile()) {
    const bytes = readMaybeGzipped(input);
    if (!isCapture(bytes) && bytes.length > 0 && bytes.every(isHexText)) {
      const hex = parseHex(new TextDecoder().decode(bytes));
      if (hex) return hex;
    }
    return bytes;
  }
  return parseHex(input) ?? `${input}: not a file, and not hex`;
}

function isHexText(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66) || c === 0x3a || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x78;
}

function parseHex(text: string): Uint8Array | undefined {
  try {
    const b = fromHex(text.trim());
    return b.length ? b : undefined;
  } catch {
    return undefined;
  }
}

function decodeCapture(name: string, bytes: Uint8Array, out: Output): void {
  let scan;
  try {
    scan = scanCapture(bytes);
  } catch (e) {
    out.failures++;
    report(e, { input: 0, nonEspMarker: false }, out, `${name}: `);
    return;
  }
  for (const n of scan.notes) {
    if (out.json) console.log(JSON.stringify({ frame: n.frame, note: n.kind, detail: n.detail }));
    else console.error(`frame ${n.frame}: ${n.kind}: ${n.detail}`);
  }
  for (const d of scan.ike) {
    const { ike, ...origin } = d;
    decodeOne(ike, origin, out);
  }
  if (!out.json) {
    console.log(`${name}: ${scan.ike.length} IKE message(s), ${scan.esp.length} ESP packet(s), ${scan.notes.length} frame(s) skipped`);
  }
}

function decodeOne(bytes: Uint8Array, origin: Origin, out: Output): void {
  try {
    const version = ikeVersionOf(bytes);
    // Printing is not processing: RFC 7296 section 2.5's critical-bit rule is for a receiver.
    const message = version === 2 ? decodeMessageV2(bytes, { rejectUnknownCritical: false }) : decodeMessageV1(bytes);
    if (out.json) {
      console.log(JSON.stringify({ ...originJson(origin), length: bytes.length, version, message }, jsonBytes));
    } else {
      console.log(originLine(origin, bytes.length));
      console.log(version === 2 ? describeMessageV2(message as ReturnType<typeof decodeMessageV2>) : describeMessageV1(message as ReturnType<typeof decodeMessageV1>));
      console.log('');
    }
  } catch (e) {
    out.failures++;
    report(e, origin, out, '');
  }
}

function report(e: unknown, origin: Origin, out: Output, prefix: string): void {
  if (!(e instanceof IkeError)) throw e;
  if (out.json) {
    const error = { kind: e.kind, payload: e.payload, offset: e.offset, reason: e.reason };
    console.log(JSON.stringify({ ...originJson(origin), error }));
  } else {
    console.error(`${prefix}${'frame' in origin ? `frame ${origin.frame}` : `input ${origin.input}`}: cannot decode: ${e.message}`);
  }
}

function originJson(o: Origin): Record<string, unknown> {
  if (!('frame' in o)) return { input: o.input, nonEspMarker: o.nonEspMarker };
  return { ...o, timestamp: o.timestamp ? isoTime(o.timestamp) : undefined };
}

function originLine(o: Origin, length: number): string {
  if (!('frame' in o)) return `input ${o.input}${o.nonEspMarker ? ' (non-ESP marker)' : ''}, ${length} bytes`;
  const at = (ip: string, port: number) => (o.ipVersion === 6 ? `[${ip}]:${port}` : `${ip}:${port}`);
  const time = o.timestamp ? `  ${isoTime(o.timestamp)}` : '';
  return `frame ${o.frame}${time}  ${at(o.src, o.srcPort)} -> ${at(o.dst, o.dstPort)}${o.nonEspMarker ? ' (non-ESP marker)' : ''}, ${length} bytes`;
}

function isoTime(t: CaptureTimestamp): string {
  const date = new Date(t.seconds * 1000);
  if (Number.isNaN(date.getTime())) return `${t.seconds}.${String(t.nanoseconds).padStart(9, '0')}`;
  return date.toISOString().replace(/\.\d{3}Z$/, `.${String(t.nanoseconds).padStart(9, '0')}Z`);
}

/** JSON.stringify replacer: byte strings as hex, bigints as decimal strings. */
function jsonBytes(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return toHex(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}
