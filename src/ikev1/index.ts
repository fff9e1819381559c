/** The IKEv1 exchanges: Main, Aggressive and Quick Mode, Informational (RFC 2409, RFC 2408, RFC 2407). */
export { Ikev1Endpoint } from './endpoint.js';
export { compileConfigV1, configWarningsV1, defaultNattPort, parseConfigV1, type CompiledConfigV1, type IkeConfigV1, type IdText } from './config.js';
export {
  describePhase1,
  describePhase2,
  parsePhase1Proposal,
  parsePhase2Proposal,
  type Phase1Policy,
  type Phase2Policy,
} from './algorithms.js';
export { clientIdWithin, formatClientId, identityText, parseClientId, parseIdentity, type ClientId, type IdentityV1 } from './ids.js';
export type {
  Address,
  Datagram,
  EndpointOptionsV1,
  IkeEventV1,
  IpsecSaStatusV1,
  IsakmpSaStatusV1,
  NatState,
  OutputV1,
} from './types.js';
