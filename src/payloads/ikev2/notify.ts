/** RFC 7296 section 3.10: Notify. */
import { NOTIFY_STATUS_FIRST, PayloadType } from '../iana/ikev2.js';
import type { PayloadBodyCodec } from './bodies.js';
import { checkField } from './invalid.js';
import type { NotifyPayload } from './types.js';

/** Protocol ID (1), SPI Size (1), Notify Message Type (2), SPI, Notification Data. */
export const notifyCodec: PayloadBodyCodec<NotifyPayload> = {
  name: 'Notify',
  decode(r) {
    const protocolId = r.u8('Protocol ID');
    const spiSize = r.u8('SPI Size');
    const notifyType = r.u16('Notify Message Type');
    const spi = r.bytes(spiSize, 'SPI');
    return { type: PayloadType.N, protocolId, spi, notifyType, data: r.rest() };
  },
  encode(w, p) {
    checkField('Notify', 'Protocol ID', p.protocolId, 8);
    checkField('Notify', 'SPI Size', p.spi.length, 8);
    checkField('Notify', 'Notify Message Type', p.notifyType, 16);
    w.u8(p.protocolId).u8(p.spi.length).u16(p.notifyType).bytes(p.spi).bytes(p.data);
  },
};

/** RFC 7296 section 3.10.1: types 0-16383 report errors. */
export function isErrorNotify(notifyType: number): boolean {
  return notifyType < NOTIFY_STATUS_FIRST;
}
