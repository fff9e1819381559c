/** Reading pcap and pcapng captures and finding the IKE and ESP traffic in them. Pure: no Node built-ins. */
export * from './types.js';
export { CaptureParseError } from './errors.js';
export { LinkType } from './linktype.js';
export { parsePcap, pcapMagic } from './pcap.js';
export { parsePcapng, isPcapng, BlockType } from './pcapng.js';
export { parseCapture, isCapture } from './capture.js';
export { decodeLinkLayer, EtherType, type NetworkPacket } from './link.js';
export { decodeIp, decodeIPv4, decodeIPv6, IpProtocol, type IpPacket } from './ip.js';
export { decodeUdp, type UdpDatagram } from './udp.js';
export {
  extractIkeDatagrams,
  scanCapture,
  IKE_PORT,
  IKE_NATT_PORT,
  type IkeDatagram,
  type EspPacket,
  type CaptureNote,
  type CaptureNoteKind,
  type ScanOptions,
  type CaptureScan,
} from './scan.js';
