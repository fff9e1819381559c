import { IkeParseError } from '../errors.js';

/**
 * A capture file (pcap, pcapng) or a captured frame (link, IP, UDP headers) that does not form
 * the structure it claims to. It is an IkeParseError, so callers catch one type for the codec and
 * the captures; `payload` names the structure ("pcapng Enhanced Packet Block", "IPv4 header") and
 * `offset` is the absolute byte offset in the capture file or frame.
 */
export class CaptureParseError extends IkeParseError {
  constructor(structure: string, reason: string, offset: number) {
    super('INVALID_SYNTAX', reason, { payload: structure, offset });
    this.name = 'CaptureParseError';
  }
}
