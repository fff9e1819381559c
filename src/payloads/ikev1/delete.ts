import { ProtocolId, PayloadType } from '../iana/ikev1.js';
import type { PayloadBodyCodecV1 } from './bodies.js';
import type { DeletePayloadV1 } from './types.js';
import { uintField } from './fields.js';

/** RFC 2408 section 3.15: an ISAKMP SA is named by its two cookies, 16 octets. */
export const ISAKMP_SPI_SIZE = 16;

/**
 * RFC 2408 section 3.15: DOI (4), Protocol-Id (1), SPI Size (1), # of SPIs (2), then # of SPIs
 * times SPI Size octets, which must fill the payload exactly.
 */
export const deleteCodecV1: PayloadBodyCodecV1<DeletePayloadV1> = {
  name: 'Delete',
  decode(r) {
    const doi = r.u32('Domain of Interpretation');
    const protocolId = r.u8('Protocol-Id');
    const sizeAt = r.offset;
    const spiSize = r.u8('SPI Size');
    const countAt = r.offset;
    const count = r.u16('# of SPIs');
    if (protocolId === ProtocolId.PROTO_ISAKMP && spiSize !== ISAKMP_SPI_SIZE) {
      r.fail(`an ISAKMP SA is deleted by its 16-octet cookie pair, SPI Size is ${spiSize}`, 'INVALID_SYNTAX', sizeAt);
    }
    if (spiSize === 0) r.fail('SPI Size 0 names no SA', 'INVALID_SYNTAX', sizeAt);
    if (count * spiSize !== r.remaining) {
      r.fail(`# of SPIs ${count} x SPI Size ${spiSize} = ${count * spiSize} octets, but ${r.remaining} remain`, 'INVALID_SYNTAX', countAt);
    }
    const spis: Uint8Array[] = [];
    for (let i = 0; i < count; i++) spis.push(r.bytes(spiSize, 'SPI'));
    return { type: PayloadType.D, doi, protocolId, spiSize, spis };
  },
  encode(w, p) {
    if (p.spis.length > 0xffff) throw new RangeError('# of SPIs is two octets');
    if (p.spiSize < 1) throw new RangeError('SPI Size is at least 1');
    w.u32(uintField(p.doi, 32, 'DOI')).u8(uintField(p.protocolId, 8, 'Protocol-Id')).u8(uintField(p.spiSize, 8, 'SPI Size')).u16(p.spis.length);
    for (const spi of p.spis) {
      if (spi.length !== p.spiSize) throw new RangeError(`every SPI is SPI Size (${p.spiSize}) octets`);
      w.bytes(spi);
    }
  },
};
