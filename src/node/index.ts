/** ikestack/node: the Node-only parts (UDP transport, node:crypto provider, pcap files). */
export * from './crypto/index.js';
export * from './pcap.js';
