/** Trace lines: each message sent or received, described payload by payload, decrypted ones too. */
import { describeMessageV1, describePayloadV1 } from '../payloads/ikev1/describe.js';
import { decodeMessageV1 } from '../payloads/ikev1/message.js';
import type { PayloadV1 } from '../payloads/ikev1/types.js';
import type { Context, IsakmpSa } from './state.js';

/** `bytes` may be empty when only the decrypted payloads are to be shown. */
export function traceMessage(ctx: Context, sa: IsakmpSa | undefined, direction: 'send' | 'recv', label: string, bytes: Uint8Array, inner?: readonly PayloadV1[]): void {
  ctx.trace(() => {
    const lines = [`${sa ? `${sa.id} ` : ''}${direction === 'send' ? '>' : '<'} ${label}`];
    if (bytes.length) {
      try {
        lines.push(describeMessageV1(decodeMessageV1(bytes)));
      } catch {
        lines.push(`  ${bytes.length} bytes, not decodable`);
      }
    }
    if (inner) {
      lines.push('  decrypted:');
      for (const p of inner) lines.push(...describePayloadV1(p, '    '));
    }
    return lines.join('\n');
  });
}

