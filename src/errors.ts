/**
 * Errors are values with a code. Every code maps to the Notify that the protocol wants sent
 * (RFC 7296 section 3.10.1 for IKEv2, RFC 2408 section 3.14.1 for IKEv1).
 */

export type IkeErrorKind =
  | 'INVALID_SYNTAX'
  | 'UNSUPPORTED_CRITICAL_PAYLOAD'
  | 'INVALID_MAJOR_VERSION'
  | 'INVALID_MESSAGE_ID'
  | 'INVALID_SPI'
  | 'INVALID_KE_PAYLOAD'
  | 'INVALID_PAYLOAD_TYPE'
  | 'PAYLOAD_MALFORMED'
  | 'NO_PROPOSAL_CHOSEN'
  | 'AUTHENTICATION_FAILED'
  | 'INTEGRITY_CHECK_FAILED'
  | 'TS_UNACCEPTABLE'
  | 'UNSUPPORTED_ALGORITHM'
  | 'DOI_NOT_SUPPORTED'
  | 'INVALID_FLAGS'
  | 'INVALID_ARGUMENT'
  | 'INTERNAL_ERROR';

/** IKEv2 Notify Message Error Types (RFC 7296 section 3.10.1), where one fits. */
const IKEV2_NOTIFY: Partial<Record<IkeErrorKind, number>> = {
  UNSUPPORTED_CRITICAL_PAYLOAD: 1,
  INVALID_SPI: 11,
  INVALID_MAJOR_VERSION: 5,
  INVALID_SYNTAX: 7,
  PAYLOAD_MALFORMED: 7,
  INVALID_FLAGS: 7,
  INVALID_PAYLOAD_TYPE: 7,
  INVALID_MESSAGE_ID: 9,
  NO_PROPOSAL_CHOSEN: 14,
  INVALID_KE_PAYLOAD: 17,
  AUTHENTICATION_FAILED: 24,
  TS_UNACCEPTABLE: 38,
};

/** ISAKMP Notify Message Types (RFC 2408 section 3.14.1), where one fits. */
const IKEV1_NOTIFY: Partial<Record<IkeErrorKind, number>> = {
  INVALID_PAYLOAD_TYPE: 1,
  DOI_NOT_SUPPORTED: 2,
  INVALID_MAJOR_VERSION: 5,
  INVALID_FLAGS: 8,
  INVALID_SPI: 11,
  NO_PROPOSAL_CHOSEN: 14,
  PAYLOAD_MALFORMED: 16,
  INVALID_SYNTAX: 16,
  INVALID_KE_PAYLOAD: 17,
  AUTHENTICATION_FAILED: 24,
  INTEGRITY_CHECK_FAILED: 23,
  INVALID_MESSAGE_ID: 9,
  UNSUPPORTED_CRITICAL_PAYLOAD: 1,
};

export interface IkeErrorOptions {
  /** Payload or structure being processed, in RFC words ("SA Proposal", "Transform Attribute"). */
  payload?: string;
  /** Absolute byte offset in the datagram where the problem was found. */
  offset?: number;
  /** Notification Data to send with the Notify (e.g. the payload type for UNSUPPORTED_CRITICAL_PAYLOAD). */
  notifyData?: Uint8Array;
  cause?: unknown;
}

export class IkeError extends Error {
  readonly kind: IkeErrorKind;
  readonly payload?: string;
  readonly offset?: number;
  readonly reason: string;
  readonly notifyData?: Uint8Array;

  constructor(kind: IkeErrorKind, reason: string, options: IkeErrorOptions = {}) {
    const where = [options.payload, options.offset !== undefined ? `at offset ${options.offset}` : undefined]
      .filter(Boolean)
      .join(' ');
    super(`${kind}: ${where ? `${where}: ` : ''}${reason}`, options.cause ? { cause: options.cause } : undefined);
    this.name = 'IkeError';
    this.kind = kind;
    this.reason = reason;
    this.payload = options.payload;
    this.offset = options.offset;
    this.notifyData = options.notifyData;
  }

  /** The IKEv2 Notify Message Type to send for this error, if any (RFC 7296 section 3.10.1). */
  get ikev2Notify(): number | undefined {
    return IKEV2_NOTIFY[this.kind];
  }

  /** The ISAKMP Notify Message Type to send for this error, if any (RFC 2408 section 3.14.1). */
  get ikev1Notify(): number | undefined {
    return IKEV1_NOTIFY[this.kind];
  }
}

/** A decoder's error: the bytes do not form the structure they claim to. */
export class IkeParseError extends IkeError {
  constructor(kind: IkeErrorKind, reason: string, options: IkeErrorOptions = {}) {
    super(kind, reason, options);
    this.name = 'IkeParseError';
  }
}

export function isIkeError(e: unknown): e is IkeError {
  return e instanceof IkeError;
}
