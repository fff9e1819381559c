/** IPv4 / IPv6 address text for ID and NAT-OA payloads (RFC 5952 text form for IPv6). */

export function formatIpv4(b: Uint8Array): string {
  return Array.from(b).join('.');
}

/** RFC 5952 section 4: lower case, leading zeros dropped, the longest run (2+) of zero groups as "::". */
export function formatIpv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i] << 8) | b[i + 1]);
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}

export function parseIpv4(s: string): Uint8Array {
  const parts = s.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new RangeError(`not an IPv4 address: ${s}`);
  }
  return new Uint8Array(parts.map(Number));
}

export function parseIpv6(s: string): Uint8Array {
  const halves = s.split('::');
  if (halves.length > 2) throw new RangeError(`not an IPv6 address: ${s}`);
  const parse = (h: string) => (h === '' ? [] : h.split(':'));
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 2 && missing < 1) || (halves.length === 1 && missing !== 0)) {
    throw new RangeError(`not an IPv6 address: ${s}`);
  }
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new RangeError(`not an IPv6 address: ${s}`);
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

/** The prefix length of a contiguous netmask, or undefined when the mask is not contiguous. */
export function prefixLengthOf(mask: Uint8Array): number | undefined {
  let n = 0;
  let i = 0;
  for (; i < mask.length && mask[i] === 0xff; i++) n += 8;
  if (i < mask.length) {
    const b = mask[i];
    let bits = 0;
    while (bits < 8 && (b << bits) & 0x80) bits++;
    if (((b << bits) & 0xff) !== 0) return undefined;
    n += bits;
    for (i++; i < mask.length; i++) if (mask[i] !== 0) return undefined;
  }
  return n;
}
