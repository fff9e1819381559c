/** The objects a capture file decodes to. */

export type CaptureFormat = 'pcap' | 'pcapng';

/** Seconds and nanoseconds since 1970-01-01 UTC (pcapng if_tsoffset already added). */
export interface CaptureTimestamp {
  seconds: number;
  nanoseconds: number;
}

/** A capture interface: the single one of a pcap file, or a pcapng Interface Description Block. */
export interface CaptureInterface {
  /** LINKTYPE_* value (see LinkType). */
  linkType: number;
  /** Snap length; 0 means no limit. */
  snapLength: number;
  /** Timestamp units per second (pcap: 10^6 or 10^9; pcapng: from if_tsresol, default 10^6). */
  unitsPerSecond: bigint;
  /** pcapng if_tsoffset, seconds added to every timestamp. */
  offsetSeconds: bigint;
  /** pcapng if_name, when present. */
  name?: string;
  /** 0-based index of the pcapng section this interface belongs to (0 for pcap). */
  section: number;
}

export interface CapturedFrame {
  /** 1-based frame number in file order, as Wireshark numbers them. */
  number: number;
  /** Index into Capture.interfaces. */
  interfaceIndex: number;
  linkType: number;
  /** Absent for a pcapng Simple Packet Block, which carries none. */
  timestamp?: CaptureTimestamp;
  /** Length of the packet on the wire; `data` may be shorter (snap length). */
  originalLength: number;
  /** The captured bytes, a view into the capture buffer. */
  data: Uint8Array;
  /** Absolute offset of `data` in the capture buffer. */
  offset: number;
}

export interface Capture {
  format: CaptureFormat;
  interfaces: CaptureInterface[];
  frames: CapturedFrame[];
}
