/**
 * Hand-framing for the IKEv2 payload tests: builds datagrams from hex written out field by field
 * from the RFC 7296 figures, independently of the encoder under test.
 */
import { fromHex } from '../../src/util/bytes.js';

/** A generic payload header (RFC 7296 section 3.2) in front of a body given as hex. */
export function gp(next: number, bodyHex: string, critical = false): string {
  const body = bodyHex.replace(/\s+/g, '');
  const len = 4 + body.length / 2;
  return hex8(next) + (critical ? '80' : '00') + hex16(len) + body;
}

export function hex8(n: number): string {
  return n.toString(16).padStart(2, '0');
}

export function hex16(n: number): string {
  return n.toString(16).padStart(4, '0');
}

export const SPI_I = '0102030405060708';
export const SPI_R = '0000000000000000';

/** An IKE header (RFC 7296 section 3.1): IKE_SA_INIT request from the initiator, Message ID 0. */
export function datagram(first: number, payloadsHex: string): Uint8Array {
  const body = payloadsHex.replace(/\s+/g, '');
  const len = 28 + body.length / 2;
  return fromHex(SPI_I + SPI_R + hex8(first) + '20' + '22' + '08' + '00000000' + len.toString(16).padStart(8, '0') + body);
}

export const HEADER = {
  spiI: fromHex(SPI_I),
  spiR: fromHex(SPI_R),
  majorVersion: 2 as const,
  minorVersion: 0,
  exchangeType: 34,
  flags: { initiator: true, version: false, response: false },
  messageId: 0,
};
