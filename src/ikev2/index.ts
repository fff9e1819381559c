/**
 * The sans-IO IKEv2 session (RFC 7296). An Ikev2Endpoint owns IKE SAs and is driven from outside:
 *
 *   const ep = new Ikev2Endpoint({ provider, configs });
 *   let out = ep.initiate(undefined, now);            // IKE_SA_INIT for the first config
 *   // send out.datagrams (prefix the four-octet non-ESP marker when `marker`), handle out.events;
 *   out = ep.receive({ data, local, remote, marker }, now);   // for every datagram that arrives
 *   out = ep.timeout(now);                             // whenever now >= ep.nextTimeout()
 *
 * Every call returns the datagrams to send and the events to report; nothing is thrown for
 * anything a peer sends. Time is `now` in milliseconds and randomness comes from `random`, so a
 * run with the same inputs replays byte for byte.
 */
export { Ikev2Endpoint } from './endpoint.js';
export type { Address, Datagram, IkeEvent, Output, SaStatus, ChildSaStatus, EndpointOptions, NatState } from './types.js';
export type { IkeSaState } from './ike-sa.js';
export { defaultNattPort } from './ike-sa.js';
