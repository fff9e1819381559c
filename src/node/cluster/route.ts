/**
 * Which worker a received IKE datagram belongs to, from its header alone (RFC 7296 section 3.1):
 * each worker draws its own SPIs inside its partition (EndpointOptions.spiPartition), so the SPI
 * that the receiver chose names the worker; a new IKE_SA_INIT request, which has no such SPI yet,
 * goes to a worker picked by a hash of SPIi and the sender's address, the same one for each of
 * its retransmissions (RFC 7296 section 2.1).
 */
import type { Address } from '../../ikev2/index.js';

/** RFC 7296 section 3.1: the Initiator flag of the header's Flags octet. */
const FLAG_INITIATOR = 0x08;
const FLAGS_OFFSET = 19;
const HEADER_LENGTH = 28;

function isZero(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

/**
 * FNV-1a (32 bits) over the octets of SPIi, then the address and port as text, then MurmurHash3's
 * final mix: FNV-1a's low bits alone are weak (its lowest bit is the parity of the inputs' lowest
 * bits), and the worker is the hash modulo a small number.
 */
export function hashInitiator(data: Uint8Array, remote: Address): number {
  let h = 0x811c9dc5;
  const step = (x: number) => {
    h ^= x & 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  };
  for (let i = 0; i < 8 && i < data.length; i++) step(data[i]);
  const text = `${remote.address}|${remote.port}`;
  for (let i = 0; i < text.length; i++) step(text.charCodeAt(i));
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The index (0 to workers - 1) of the worker for a datagram whose non-ESP marker, if any, is
 * already removed. The SPI that is ours is SPIr when the sender is the original initiator (the I
 * flag set) and SPIi otherwise (RFC 7296 section 3.1); its first octet modulo `workers` is the
 * partition it was drawn in. Datagrams too short for an IKE header, and requests with SPIr zero,
 * are hashed.
 */
export function workerFor(data: Uint8Array, remote: Address, workers: number): number {
  if (workers <= 1) return 0;
  if (data.length < HEADER_LENGTH) return hashInitiator(data, remote) % workers;
  const fromInitiator = (data[FLAGS_OFFSET] & FLAG_INITIATOR) !== 0;
  if (!fromInitiator) return data[0] % workers;
  if (isZero(data, 8, 16)) return hashInitiator(data, remote) % workers;
  return data[8] % workers;
}
