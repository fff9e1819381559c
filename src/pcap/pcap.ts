/**
 * The classic libpcap file format (draft-ietf-opsawg-pcap): a 24-byte file header whose magic
 * number gives the byte order and the timestamp unit, then records of a 16-byte header and the
 * captured bytes.
 */
import { CaptureCursor } from './cursor.js';
import { CaptureParseError } from './errors.js';
import type { Capture, CapturedFrame, CaptureInterface } from './types.js';

const MAGIC_MICROSECONDS = 0xa1b2c3d4;
const MAGIC_NANOSECONDS = 0xa1b23c4d;
const FILE_HEADER_LENGTH = 24;
const RECORD_HEADER_LENGTH = 16;
/** draft-ietf-opsawg-pcap section 4: LinkType is the low 16 bits; FCS length and flag bits sit above. */
const LINK_TYPE_MASK = 0x03ff_ffff;

/** The byte order and unit a pcap magic number announces, or undefined when it is not one. */
export function pcapMagic(buf: Uint8Array): { littleEndian: boolean; nanoseconds: boolean } | undefined {
  if (buf.length < 4) return undefined;
  const be = ((buf[0] << 24) | (buf[1] << 16) | (buf[2] << 8) | buf[3]) >>> 0;
  const le = ((buf[3] << 24) | (buf[2] << 16) | (buf[1] << 8) | buf[0]) >>> 0;
  for (const [value, littleEndian] of [
    [be, false],
    [le, true],
  ] as const) {
    if (value === MAGIC_MICROSECONDS) return { littleEndian, nanoseconds: false };
    if (value === MAGIC_NANOSECONDS) return { littleEndian, nanoseconds: true };
  }
  return undefined;
}

export function parsePcap(buf: Uint8Array): Capture {
  const magic = pcapMagic(buf);
  if (!magic) throw new CaptureParseError('pcap File Header', 'Magic Number is not a pcap magic number', 0);
  const header = CaptureCursor.of(buf, 'pcap File Header', magic.littleEndian).sub(FILE_HEADER_LENGTH, 'pcap File Header');
  header.u32('Magic Number');
  const major = header.u16('Major Version');
  header.u16('Minor Version');
  // Section 4: the current version is 2.4; a different major version is a different format.
  if (major !== 2) header.fail(`Major Version ${major}, expected 2`, 4);
  header.u32('Reserved1');
  header.u32('Reserved2');
  const snapLength = header.u32('SnapLen');
  const linkType = header.u32('LinkType and additional information') & LINK_TYPE_MASK;

  const unitsPerSecond = magic.nanoseconds ? 1_000_000_000n : 1_000_000n;
  const iface: CaptureInterface = { linkType, snapLength, unitsPerSecond, offsetSeconds: 0n, section: 0 };
  const frames: CapturedFrame[] = [];
  const r = new CaptureCursor(buf, FILE_HEADER_LENGTH, buf.length, 'pcap Packet Record', magic.littleEndian);
  // Each pass consumes at least the 16-byte record header, so the loop ends.
  while (!r.atEnd) {
    const recordAt = r.offset;
    if (r.remaining < RECORD_HEADER_LENGTH) r.fail(`record header needs ${RECORD_HEADER_LENGTH} bytes, only ${r.remaining} remain`);
    const seconds = r.u32('Timestamp (Seconds)');
    const fraction = r.u32(magic.nanoseconds ? 'Timestamp (Nanoseconds)' : 'Timestamp (Microseconds)');
    const capturedLength = r.u32('Captured Packet Length');
    const originalLength = r.u32('Original Packet Length');
    if (capturedLength > r.remaining) {
      r.fail(`Captured Packet Length ${capturedLength} exceeds the ${r.remaining} byte(s) left in the file`, recordAt + 8);
    }
    const offset = r.offset;
    const data = r.bytes(capturedLength, 'Packet Data');
    const nanos = magic.nanoseconds ? fraction : fraction * 1000;
    frames.push({
      number: frames.length + 1,
      interfaceIndex: 0,
      linkType,
      timestamp: { seconds: seconds + Math.floor(nanos / 1e9), nanoseconds: nanos % 1e9 },
      originalLength,
      data,
      offset,
    });
  }
  return { format: 'pcap', interfaces: [iface], frames };
}
