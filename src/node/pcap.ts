/** Reading capture files from disk. gzip is recognised by its magic bytes (RFC 1952 section 2.3.1: 1f 8b), not by the file name. */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseCapture } from '../pcap/capture.js';
import type { Capture } from '../pcap/types.js';

/** The file's bytes, gunzipped when they start with the gzip magic. */
export function readMaybeGzipped(path: string): Uint8Array {
  const raw = new Uint8Array(readFileSync(path));
  return isGzip(raw) ? new Uint8Array(gunzipSync(raw)) : raw;
}

export function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** Reads and parses a pcap or pcapng file, gzipped or not. */
export function readCaptureFile(path: string): Capture {
  return parseCapture(readMaybeGzipped(path));
}
