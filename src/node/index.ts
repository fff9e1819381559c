/** ikestack/node: the Node-only parts (UDP transport, node:crypto provider, pcap files). */
export * from './crypto/index.js';
export * from './pcap.js';
export * from './ikev2-node.js';
export * from './transport.js';
export * from './keylog.js';
export { loadConfigFile, parseConfigText, ConfigFileError } from './config-file.js';
export * from './ikev1-node.js';
export { loadVersionedConfigFile, parseVersionedConfigText, type VersionedConfigs } from './config-file.js';
export * from './cluster/index.js';
export { runFlood, spawnFlood, type FloodOptions, type FloodResult } from './flood/index.js';
