/**
 * IP address text <-> bytes, shared by the IKEv2 and IKEv1 ID and traffic-selector codecs.
 * IPv4 in dotted decimal; IPv6 accepted in any RFC 4291 section 2.2 form and printed in the
 * RFC 5952 canonical form.
 */
import { IkeError } from '../errors.js';

function bad(text: string, why: string): never {
  throw new IkeError('INVALID_ARGUMENT', `"${text.slice(0, 60)}" is not an IP address: ${why}`, { payload: 'IP address' });
}

function parseIpv4(text: string, into: Uint8Array, at: number): void {
  const parts = text.split('.');
  if (parts.length !== 4) bad(text, 'IPv4 needs four dotted parts');
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    // Leading zeros are refused: some parsers read them as octal.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) bad(text, `bad IPv4 part "${p}"`);
    into[at + i] = Number(p);
  }
}

function parseIpv6(text: string): Uint8Array {
  let s = text;
  const out = new Uint8Array(16);
  // RFC 4291 section 2.2 form 3: the last 32 bits may be written as dotted IPv4; two zero groups
  // hold their place while the hex groups are read.
  const lastColon = s.lastIndexOf(':');
  const dotted = s.slice(lastColon + 1).includes('.') ? s.slice(lastColon + 1) : undefined;
  if (dotted !== undefined) s = `${s.slice(0, lastColon + 1)}0:0`;
  const halves = s.split('::');
  if (halves.length > 2) bad(text, '"::" may appear once');
  const groups = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').map((g) => {
          if (!/^[0-9a-fA-F]{1,4}$/.test(g)) bad(text, `bad IPv6 group "${g}"`);
          return parseInt(g, 16);
        });
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (halves.length === 2 ? head.length + tail.length > 7 : head.length !== 8) {
    bad(text, 'IPv6 needs eight groups, or fewer with one "::"');
  }
  const words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  for (let i = 0; i < 8; i++) {
    out[i * 2] = words[i] >> 8;
    out[i * 2 + 1] = words[i] & 0xff;
  }
  if (dotted !== undefined) parseIpv4(dotted, out, 12);
  return out;
}

/** Address text to its 4 (IPv4) or 16 (IPv6) network-order bytes. */
export function ipToBytes(text: string): Uint8Array {
  if (text.includes(':')) return parseIpv6(text);
  const out = new Uint8Array(4);
  parseIpv4(text, out, 0);
  return out;
}

function formatIpv4(b: Uint8Array, at = 0): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/** RFC 5952 section 4: lowercase, no leading zeros, the longest run (first on a tie) of two or more zero groups as "::". */
function formatIpv6(b: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i] << 8) | b[i + 1]);
  // RFC 5952 section 5: IPv4-mapped addresses keep the dotted quad.
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) return `::ffff:${formatIpv4(b, 12)}`;
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  if (bestAt < 0) return hex(words);
  return `${hex(words.slice(0, bestAt))}::${hex(words.slice(bestAt + bestLen))}`;
}

/** 4 or 16 network-order bytes to address text (RFC 5952 form for IPv6). */
export function bytesToIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return formatIpv4(bytes);
  if (bytes.length === 16) return formatIpv6(bytes);
  throw new IkeError('INVALID_ARGUMENT', `an IP address is 4 or 16 bytes, not ${bytes.length}`, { payload: 'IP address' });
}
