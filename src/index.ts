/**
 * ikestack: the core entry. Runs anywhere (no Node built-ins). Node-only parts live in `ikestack/node`.
 */
export * from './errors.js';
export * from './util/bytes.js';
export { Reader } from './payloads/reader.js';
export { Writer } from './payloads/writer.js';
export * from './payloads/registry.js';
export * as ikev2Iana from './payloads/iana/ikev2.js';
export * from './payloads/ikev2/index.js';
export * from './crypto/index.js';
export * from './payloads/ikev1/index.js';
export * from './keys/index.js';
export * from './pcap/index.js';
export * from './config/index.js';
export * from './ikev2/proposals.js';
export * from './ikev2/traffic-selectors.js';
export * from './ikev2/index.js';
export {
  Ikev1Endpoint,
  parseConfigV1,
  compileConfigV1,
  configWarningsV1,
  type IkeConfigV1,
  type CompiledConfigV1,
  type IkeEventV1,
  type OutputV1,
  type EndpointOptionsV1,
  type IsakmpSaStatusV1,
  type IpsecSaStatusV1,
} from './ikev1/index.js';
