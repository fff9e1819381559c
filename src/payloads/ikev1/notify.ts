import { PayloadType } from '../iana/ikev1.js';
import type { PayloadBodyCodecV1 } from './bodies.js';
import type { NotifyPayloadV1 } from './types.js';
import { uintField } from './fields.js';

/**
 * RFC 2408 section 3.14: DOI (4), Protocol-ID (1), SPI Size (1), Notify Message Type (2), SPI
 * (SPI Size octets), Notification Data (the rest).
 */
export const notifyCodecV1: PayloadBodyCodecV1<NotifyPayloadV1> = {
  name: 'Notification',
  decode(r) {
    const doi = r.u32('Domain of Interpretation');
    const protocolId = r.u8('Protocol-ID');
    const spiSize = r.u8('SPI Size');
    const notifyType = r.u16('Notify Message Type');
    const spi = r.bytes(spiSize, 'SPI');
    const data = r.rest();
    return { type: PayloadType.N, doi, protocolId, notifyType, spi, data };
  },
  encode(w, p) {
    if (p.spi.length > 255) throw new RangeError('SPI Size is one octet');
    w.u32(uintField(p.doi, 32, 'DOI')).u8(uintField(p.protocolId, 8, 'Protocol-ID')).u8(p.spi.length).u16(uintField(p.notifyType, 16, 'Notify Message Type')).bytes(p.spi).bytes(p.data);
  },
};
