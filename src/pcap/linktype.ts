import { defineRegistry } from '../payloads/registry.js';

/**
 * The link-layer header types this reader understands (tcpdump.org "Link-layer header types",
 * LINKTYPE_* values as stored in pcap and pcapng files).
 */
export const LinkType = defineRegistry('Link-layer header type', {
  NULL: 0,
  ETHERNET: 1,
  /** DLT_RAW on most BSDs (value 12) and OpenBSD (value 14); LINKTYPE_RAW is 101. */
  RAW_BSD: 12,
  RAW_OPENBSD: 14,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
});
