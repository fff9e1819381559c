/** Typed look-ups over a decoded payload list (the exchange rules of RFC 7296 section 1 name payloads by type). */
import { PayloadType } from '../iana/ikev2.js';
import type { NotifyPayload, PayloadOfType, PayloadV2 } from './types.js';

/** The first payload of a wire type, typed by it. */
export function findPayloadV2<T extends number>(payloads: readonly PayloadV2[], type: T): PayloadOfType<T> | undefined {
  return payloads.find((p) => p.type === type) as PayloadOfType<T> | undefined;
}

/** Every payload of a wire type, in message order. */
export function findPayloadsV2<T extends number>(payloads: readonly PayloadV2[], type: T): PayloadOfType<T>[] {
  return payloads.filter((p) => p.type === type) as PayloadOfType<T>[];
}

/** The first Notify of a Notify Message Type. */
export function findNotifyV2(payloads: readonly PayloadV2[], notifyType: number): NotifyPayload | undefined {
  return payloads.find((p): p is NotifyPayload => p.type === PayloadType.N && p.notifyType === notifyType);
}
