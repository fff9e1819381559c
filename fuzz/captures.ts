/** IKE messages from the team's Wireshark captures (pcap, pcapng, gzipped or not), as extra fuzz seeds. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { extractIkeDatagrams, isCapture } from '../src/pcap/index.js';

export function captureSeeds(dir: string | undefined): Uint8Array[] {
  if (!dir) return [];
  const out: Uint8Array[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!/\.(pcap|pcapng)(\.gz)?$/.test(name)) continue;
    try {
      let buf: Uint8Array = readFileSync(join(dir, name));
      if (name.endsWith('.gz')) buf = gunzipSync(buf);
      if (!isCapture(buf)) continue;
      for (const d of extractIkeDatagrams(buf)) out.push(d.ike.slice());
    } catch {
      // A capture this reader cannot take adds no seeds.
    }
  }
  return out;
}
