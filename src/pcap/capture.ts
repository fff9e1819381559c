import { CaptureParseError } from './errors.js';
import { parsePcap, pcapMagic } from './pcap.js';
import { isPcapng, parsePcapng } from './pcapng.js';
import type { Capture } from './types.js';

/** True when the bytes start like a pcap or pcapng file. */
export function isCapture(buf: Uint8Array): boolean {
  return isPcapng(buf) || pcapMagic(buf) !== undefined;
}

/** Parses a pcap or a pcapng file, told apart by their magic numbers. */
export function parseCapture(buf: Uint8Array): Capture {
  if (isPcapng(buf)) return parsePcapng(buf);
  if (pcapMagic(buf)) return parsePcap(buf);
  throw new CaptureParseError('capture file', 'neither a pcap magic number nor a pcapng Section Header Block', 0);
}
