/**
 * Static facts about each key exchange method (Transform Type 4, RFC 7296 section 3.3.2 and the
 * IANA "Transform Type 4 - Key Exchange Method Transform IDs" table): what a caller needs to size
 * a KE payload or rank a proposal without running any arithmetic.
 */
import { KeId } from '../../payloads/iana/ikev2.js';

export type KeFamily = 'modp' | 'ecp' | 'montgomery' | 'ml-kem';

export interface KeInfo {
  readonly id: number;
  /** The IANA name (KeId registry). */
  readonly name: string;
  readonly kind: 'dh' | 'kem';
  readonly family: KeFamily;
  /** Length of the initiator's Key Exchange Data in bytes. */
  readonly publicValueLength: number;
  /** Length of the responder's Key Exchange Data (the ciphertext for a KEM). */
  readonly responseLength: number;
  readonly sharedSecretLength: number;
  /** Estimated security strength in bits (NIST SP 800-57 Part 1 Table 2 where it has the size). */
  readonly securityBits: number;
  /** Below the 112 bits of strength NIST SP 800-57 Part 1 accepts today: offer only for compatibility. */
  readonly weak: boolean;
  /** Where the method is defined. */
  readonly rfc: string;
}

type Row = [id: number, family: KeFamily, pub: number, resp: number, secret: number, bits: number, rfc: string];

const ROWS: Row[] = [
  [1, 'modp', 96, 96, 96, 64, 'RFC 2409 section 6.1'],
  [2, 'modp', 128, 128, 128, 80, 'RFC 2409 section 6.2'],
  [5, 'modp', 192, 192, 192, 96, 'RFC 3526 section 2'],
  [14, 'modp', 256, 256, 256, 112, 'RFC 3526 section 3'],
  [15, 'modp', 384, 384, 384, 128, 'RFC 3526 section 4'],
  [16, 'modp', 512, 512, 512, 152, 'RFC 3526 section 5'],
  [17, 'modp', 768, 768, 768, 176, 'RFC 3526 section 6'],
  [18, 'modp', 1024, 1024, 1024, 200, 'RFC 3526 section 7'],
  [19, 'ecp', 64, 64, 32, 128, 'RFC 5903 section 3.1'],
  [20, 'ecp', 96, 96, 48, 192, 'RFC 5903 section 3.2'],
  [21, 'ecp', 132, 132, 66, 256, 'RFC 5903 section 3.3'],
  [22, 'modp', 128, 128, 128, 80, 'RFC 5114 section 2.1'],
  [23, 'modp', 256, 256, 256, 112, 'RFC 5114 section 2.2'],
  [24, 'modp', 256, 256, 256, 112, 'RFC 5114 section 2.3'],
  [25, 'ecp', 48, 48, 24, 96, 'RFC 5114 section 2.4'],
  [26, 'ecp', 56, 56, 28, 112, 'RFC 5114 section 2.5'],
  [28, 'ecp', 64, 64, 32, 128, 'RFC 6954 section 2'],
  [29, 'ecp', 96, 96, 48, 192, 'RFC 6954 section 2'],
  [30, 'ecp', 128, 128, 64, 256, 'RFC 6954 section 2'],
  [31, 'montgomery', 32, 32, 32, 128, 'RFC 8031 section 2'],
  [32, 'montgomery', 56, 56, 56, 224, 'RFC 8031 section 2'],
  [35, 'ml-kem', 800, 768, 32, 128, 'draft-ietf-ipsecme-ikev2-mlkem, FIPS 203'],
  [36, 'ml-kem', 1184, 1088, 32, 192, 'draft-ietf-ipsecme-ikev2-mlkem, FIPS 203'],
  [37, 'ml-kem', 1568, 1568, 32, 256, 'draft-ietf-ipsecme-ikev2-mlkem, FIPS 203'],
];

const CATALOG: ReadonlyMap<number, KeInfo> = new Map(
  ROWS.map(([id, family, pub, resp, secret, bits, rfc]) => [
    id,
    Object.freeze({
      id,
      name: KeId.label(id),
      kind: family === 'ml-kem' ? 'kem' : 'dh',
      family,
      publicValueLength: pub,
      responseLength: resp,
      sharedSecretLength: secret,
      securityBits: bits,
      weak: bits < 112,
      rfc,
    } satisfies KeInfo),
  ]),
);

/** Static metadata of a key exchange method, or undefined for one this library does not implement. */
export function keInfo(id: number): KeInfo | undefined {
  return CATALOG.get(id);
}

/** Every implemented key exchange method ID, in ascending order. */
export function keIds(): number[] {
  return [...CATALOG.keys()];
}
