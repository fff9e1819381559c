/**
 * The pcapng format (draft-ietf-opsawg-pcapng): a sequence of blocks, each framed by Block Type,
 * Block Total Length and a trailing copy of that length. A Section Header Block starts each section
 * and fixes its byte order; Interface Description Blocks number the section's interfaces; packets
 * come in Enhanced, Simple or (obsolete) Packet Blocks. Other blocks are skipped by their length.
 */
import { CaptureCursor } from './cursor.js';
import { CaptureParseError } from './errors.js';
import type { Capture, CapturedFrame, CaptureInterface, CaptureTimestamp } from './types.js';

export const BlockType = {
  SECTION_HEADER: 0x0a0d0d0a,
  INTERFACE_DESCRIPTION: 0x00000001,
  PACKET_OBSOLETE: 0x00000002,
  SIMPLE_PACKET: 0x00000003,
  ENHANCED_PACKET: 0x00000006,
} as const;

const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BLOCK_FRAMING = 12;

const OPT_ENDOFOPT = 0;
const IF_NAME = 2;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

/** True when the buffer starts with a Section Header Block type. */
export function isPcapng(buf: Uint8Array): boolean {
  return buf.length >= 4 && buf[0] === 0x0a && buf[1] === 0x0d && buf[2] === 0x0d && buf[3] === 0x0a;
}

/** Section 4.2: the byte order of a section, from the Byte-Order Magic at offset 8 of its SHB. */
function sectionByteOrder(buf: Uint8Array, at: number): boolean {
  if (buf.length - at < 12) throw new CaptureParseError('pcapng Section Header Block', 'too short for the Byte-Order Magic', at);
  const bom = ((buf[at + 8] << 24) | (buf[at + 9] << 16) | (buf[at + 10] << 8) | buf[at + 11]) >>> 0;
  if (bom === BYTE_ORDER_MAGIC) return false;
  if (bom === 0x4d3c2b1a) return true;
  throw new CaptureParseError('pcapng Section Header Block', `Byte-Order Magic 0x${bom.toString(16)} is neither order of 0x1a2b3c4d`, at + 8);
}

/** Options (section 3.5): code, length, value padded to 32 bits, until opt_endofopt or the end. */
function readOptions(r: CaptureCursor, each: (code: number, value: Uint8Array, at: number) => void): void {
  // Each pass consumes at least the 4-byte option header.
  while (r.remaining > 0) {
    const at = r.offset;
    const code = r.u16('Option Code');
    const length = r.u16('Option Length');
    if (code === OPT_ENDOFOPT) break;
    const value = r.bytes(length, 'Option Value');
    r.skip((4 - (length % 4)) % 4, 'Option padding');
    each(code, value, at);
  }
}

/** Section 4.2 if_tsresol: MSB clear, 10^-n seconds; MSB set, 2^-n seconds. */
function unitsFromTsresol(v: number): bigint {
  const n = BigInt(v & 0x7f);
  return v & 0x80 ? 1n << n : 10n ** n;
}

function timestamp(iface: CaptureInterface, high: number, low: number): CaptureTimestamp {
  const ticks = (BigInt(high) << 32n) | BigInt(low);
  const seconds = ticks / iface.unitsPerSecond + iface.offsetSeconds;
  const nanoseconds = ((ticks % iface.unitsPerSecond) * 1_000_000_000n) / iface.unitsPerSecond;
  return { seconds: Number(seconds), nanoseconds: Number(nanoseconds) };
}

export function parsePcapng(buf: Uint8Array): Capture {
  if (!isPcapng(buf)) throw new CaptureParseError('pcapng Section Header Block', 'the file does not start with a Section Header Block', 0);
  const interfaces: CaptureInterface[] = [];
  const frames: CapturedFrame[] = [];
  let section = -1;
  let littleEndian = false;
  /** Index into `interfaces` of the current section's interface 0 (Interface IDs are per section). */
  let sectionBase = 0;
  let pos = 0;

  // Each pass consumes one block of at least 12 bytes, so the loop ends.
  while (pos < buf.length) {
    const blockAt = pos;
    if (isPcapng(buf.subarray(pos, pos + 4))) {
      littleEndian = sectionByteOrder(buf, pos);
      section++;
      sectionBase = interfaces.length;
    }
    const outer = new CaptureCursor(buf, pos, buf.length, 'pcapng Block', littleEndian);
    if (outer.remaining < BLOCK_FRAMING) outer.fail(`a block needs at least ${BLOCK_FRAMING} bytes, only ${outer.remaining} remain`);
    const type = outer.u32('Block Type');
    const totalLength = outer.u32('Block Total Length');
    if (totalLength < BLOCK_FRAMING || totalLength % 4 !== 0) {
      outer.fail(`Block Total Length ${totalLength} is not a multiple of 4 of at least ${BLOCK_FRAMING}`, blockAt + 4);
    }
    const name = blockName(type);
    if (totalLength > buf.length - blockAt) {
      outer.fail(`Block Total Length ${totalLength} exceeds the ${buf.length - blockAt} byte(s) left in the file`, blockAt + 4);
    }
    const body = outer.sub(totalLength - BLOCK_FRAMING, name, `${name} Block Total Length`);
    const trailerAt = outer.offset;
    const trailer = outer.u32('Block Total Length (trailing)');
    if (trailer !== totalLength) outer.fail(`trailing Block Total Length ${trailer} differs from the leading ${totalLength}`, trailerAt);
    pos = outer.offset;

    switch (type) {
      case BlockType.SECTION_HEADER: {
        body.u32('Byte-Order Magic');
        const major = body.u16('Major Version');
        body.u16('Minor Version');
        // Section 4.1: a reader must not read a section with a major version it does not know.
        if (major !== 1) body.fail(`Major Version ${major}, expected 1`, blockAt + 12);
        body.i64('Section Length');
        readOptions(body, () => {});
        break;
      }
      case BlockType.INTERFACE_DESCRIPTION: {
        const linkType = body.u16('LinkType');
        body.u16('Reserved');
        const snapLength = body.u32('SnapLen');
        const iface: CaptureInterface = { linkType, snapLength, unitsPerSecond: 1_000_000n, offsetSeconds: 0n, section };
        readOptions(body, (code, value, at) => {
          if (code === IF_TSRESOL) {
            if (value.length !== 1) body.fail(`if_tsresol is ${value.length} bytes, expected 1`, at);
            iface.unitsPerSecond = unitsFromTsresol(value[0]);
          } else if (code === IF_TSOFFSET) {
            if (value.length !== 8) body.fail(`if_tsoffset is ${value.length} bytes, expected 8`, at);
            iface.offsetSeconds = new CaptureCursor(value, 0, 8, name, littleEndian).i64('if_tsoffset');
          } else if (code === IF_NAME) {
            iface.name = new TextDecoder('utf-8', { fatal: false }).decode(value).replace(/\0+$/, '');
          }
        });
        interfaces.push(iface);
        break;
      }
      case BlockType.ENHANCED_PACKET:
      case BlockType.PACKET_OBSOLETE: {
        const epb = type === BlockType.ENHANCED_PACKET;
        const ifAt = body.offset;
        const interfaceId = epb ? body.u32('Interface ID') : body.u16('Interface ID');
        if (!epb) body.u16('Drops Count');
        const high = body.u32('Timestamp (Upper)');
        const low = body.u32('Timestamp (Lower)');
        const capturedLength = body.u32('Captured Packet Length');
        const originalLength = body.u32('Original Packet Length');
        const iface = sectionInterface(interfaces, sectionBase, interfaceId, body, ifAt);
        const offset = body.offset;
        const data = body.bytes(capturedLength, 'Packet Data');
        body.skip((4 - (capturedLength % 4)) % 4, 'Packet Data padding');
        readOptions(body, () => {});
        frames.push({
          number: frames.length + 1,
          interfaceIndex: sectionBase + interfaceId,
          linkType: iface.linkType,
          timestamp: timestamp(iface, high, low),
          originalLength,
          data,
          offset,
        });
        break;
      }
      case BlockType.SIMPLE_PACKET: {
        const ifAt = body.offset;
        const originalLength = body.u32('Original Packet Length');
        // Section 4.4: an SPB belongs to the section's first interface; its captured length is the
        // smaller of the original length and the interface's SnapLen, the rest being padding.
        const iface = sectionInterface(interfaces, sectionBase, 0, body, ifAt);
        const capturedLength = Math.min(originalLength, iface.snapLength || originalLength, body.remaining);
        const offset = body.offset;
        const data = body.bytes(capturedLength, 'Packet Data');
        frames.push({ number: frames.length + 1, interfaceIndex: sectionBase, linkType: iface.linkType, originalLength, data, offset });
        break;
      }
      default:
        // Section 3.1: a reader skips blocks it does not understand.
        break;
    }
  }
  return { format: 'pcapng', interfaces, frames };
}

function sectionInterface(interfaces: CaptureInterface[], base: number, id: number, r: CaptureCursor, at: number): CaptureInterface {
  const count = interfaces.length - base;
  if (id >= count) r.fail(`Interface ID ${id} but the section has ${count} Interface Description Block(s) before it`, at);
  return interfaces[base + id];
}

function blockName(type: number): string {
  switch (type) {
    case BlockType.SECTION_HEADER:
      return 'pcapng Section Header Block';
    case BlockType.INTERFACE_DESCRIPTION:
      return 'pcapng Interface Description Block';
    case BlockType.ENHANCED_PACKET:
      return 'pcapng Enhanced Packet Block';
    case BlockType.SIMPLE_PACKET:
      return 'pcapng Simple Packet Block';
    case BlockType.PACKET_OBSOLETE:
      return 'pcapng Packet Block';
    default:
      return `pcapng Block 0x${type.toString(16).padStart(8, '0')}`;
  }
}
