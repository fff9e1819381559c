/** The sans-IO IKEv2 session (RFC 7296): endpoint, events and status types. */
export { Ikev2Endpoint } from './endpoint.js';
export type { Address, Datagram, IkeEvent, Output, SaStatus, ChildSaStatus, EndpointOptions, NatState } from './types.js';
export type { IkeSaState } from './ike-sa.js';
export { defaultNattPort } from './ike-sa.js';
