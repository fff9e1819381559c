/**
 * The files a --keylog path names, shared by the IKEv1 and IKEv2 nodes: a directory gets the file
 * names Wireshark reads from a profile (`ikev1_decryption_table` or `ikev2_decryption_table`, and
 * `esp_sa`); any other path gets the IKE rows, and `<path>.esp_sa` the ESP rows.
 */
import { appendFileSync, existsSync, statSync } from 'node:fs';
import type { IkeEvent } from '../ikev2/types.js';
import { espSaLine, parseAlgorithmName } from './keylog.js';

type ChildKeys = Extract<IkeEvent, { event: 'keys'; kind: 'child' }>;

/** What the ESP rows need from an SA's status row (IKEv2 SaStatus and IKEv1 IsakmpSaStatusV1 both have it). */
interface SaAddresses {
  initiator: boolean;
  local: { address: string };
  remote: { address: string };
  children: ReadonlyArray<{ childSaId: string; spiOut: string }>;
}

export class KeylogFiles {
  readonly ike: string;
  readonly esp: string;

  constructor(path: string, ikeTable: 'ikev1_decryption_table' | 'ikev2_decryption_table') {
    const isDir = existsSync(path) && statSync(path).isDirectory();
    this.ike = isDir ? `${path}/${ikeTable}` : path;
    this.esp = isDir ? `${path}/esp_sa` : `${path}.esp_sa`;
  }

  append(file: string, line: string): void {
    appendFileSync(file, `${line}\n`, { mode: 0o600 });
  }

  /** One esp_sa row per direction of a CHILD SA (IPsec SA), addressed from the SA that made it. */
  appendChildSa(e: ChildKeys, sa: SaAddresses | undefined): void {
    const encr = parseAlgorithmName(e.encr, 'encr');
    const integ = parseAlgorithmName(e.integ, 'integ');
    if (!encr) throw new Error(`unknown encryption algorithm ${e.encr}`);
    if (!sa) throw new Error(`no SA ${e.ikeSaId} for the keys of ${e.childSaId}`);
    const child = sa.children.find((c) => c.childSaId === e.childSaId);
    // "Initiator" in the key event is the initiator of the exchange that made the SA (RFC 7296 section 2.17,
    // RFC 2409 section 5.5), not of the IKE SA.
    const weInitiated = child ? child.spiOut === e.spiItoR : sa.initiator;
    const [i, r] = weInitiated ? [sa.local.address, sa.remote.address] : [sa.remote.address, sa.local.address];
    const common = { encr: encr.id, keyBits: encr.keyBits, integ: integ?.id };
    this.append(this.esp, espSaLine({ ...common, src: i, dst: r, spi: e.spiItoR, encrKey: e.encrKeyItoR, integKey: e.integKeyItoR }));
    this.append(this.esp, espSaLine({ ...common, src: r, dst: i, spi: e.spiRtoI, encrKey: e.encrKeyRtoI, integKey: e.integKeyRtoI }));
  }
}
