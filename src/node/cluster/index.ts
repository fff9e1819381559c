/** IKEv2 over worker threads, datagrams routed by SPI partition. */
export { startIkev2Cluster, type ClusterCounters, type ClusterEvent, type ClusterSaStatus, type IkeCluster, type StartIkev2ClusterOptions } from './cluster.js';
export type { ClusterEndpointOptions, Operation as ClusterOperation, ProviderName as ClusterProviderName } from './protocol.js';
export { hashInitiator, workerFor } from './route.js';
