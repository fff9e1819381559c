/** RFC 7296 section 3.11: Delete. */
import { PayloadType, ProtocolId } from '../iana/ikev2.js';
import type { PayloadBodyCodec } from './bodies.js';
import { checkField, invalidPayload } from './invalid.js';
import type { DeletePayload } from './types.js';

/** RFC 7296 section 3.11: the SPI Size each protocol must use (the IKE SA is named by the header). */
function requiredSpiSize(protocolId: number): number | undefined {
  if (protocolId === ProtocolId.IKE) return 0;
  if (protocolId === ProtocolId.AH || protocolId === ProtocolId.ESP) return 4;
  return undefined;
}

function checkDelete(p: { protocolId: number; spiSize: number; count: number }, fail: (reason: string, field: 'size' | 'count') => never): void {
  const need = requiredSpiSize(p.protocolId);
  if (need !== undefined && p.spiSize !== need) fail(`SPI Size ${p.spiSize} for ${ProtocolId.label(p.protocolId)}, expected ${need}`, 'size');
  // RFC 7296 section 3.11: deleting the IKE SA carries no SPIs.
  if (p.protocolId === ProtocolId.IKE && p.count !== 0) fail(`Num of SPIs ${p.count} for IKE, expected 0`, 'count');
  if (p.spiSize === 0 && p.count !== 0) fail(`Num of SPIs ${p.count} with SPI Size 0`, 'count');
}

/** Protocol ID (1), SPI Size (1), Num of SPIs (2), SPIs. */
export const deleteCodec: PayloadBodyCodec<DeletePayload> = {
  name: 'Delete',
  decode(r) {
    const protocolId = r.u8('Protocol ID');
    const sizeAt = r.offset;
    const spiSize = r.u8('SPI Size');
    const countAt = r.offset;
    const count = r.u16('Num of SPIs');
    checkDelete({ protocolId, spiSize, count }, (reason, field) => r.fail(reason, 'INVALID_SYNTAX', field === 'size' ? sizeAt : countAt));
    if (count * spiSize !== r.remaining) {
      r.fail(`Num of SPIs ${count} x SPI Size ${spiSize} is ${count * spiSize} bytes but ${r.remaining} remain`, 'INVALID_SYNTAX', countAt);
    }
    const spis: Uint8Array[] = [];
    for (let i = 0; i < count; i++) spis.push(r.bytes(spiSize, 'Security Parameter Index'));
    return { type: PayloadType.D, protocolId, spiSize, spis };
  },
  encode(w, p) {
    checkField('Delete', 'Protocol ID', p.protocolId, 8);
    checkField('Delete', 'SPI Size', p.spiSize, 8);
    checkField('Delete', 'Num of SPIs', p.spis.length, 16);
    checkDelete({ protocolId: p.protocolId, spiSize: p.spiSize, count: p.spis.length }, (reason) => invalidPayload('Delete', reason));
    w.u8(p.protocolId).u8(p.spiSize).u16(p.spis.length);
    for (const spi of p.spis) {
      if (spi.length !== p.spiSize) invalidPayload('Delete', `an SPI of ${spi.length} bytes with SPI Size ${p.spiSize}`);
      w.bytes(spi);
    }
  },
};
