/** Key schedules: IKEv2 (RFC 7296), IKEv1 (RFC 2409), and the NIST CAVP SP 800-135 runner. */
export * from './ikev2.js';
export * from './ikev1.js';
export * from './cavp.js';
export * from './acvp.js';
