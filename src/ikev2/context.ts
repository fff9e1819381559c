/** What an IKE SA needs from the endpoint that runs it, for the duration of one call. */
import type { CryptoProvider, RandomSource } from '../crypto/provider.js';
import type { IkeSa } from './ike-sa.js';
import type { IkeConfig } from './policy.js';
import type { IkeEvent, Output } from './types.js';

export interface SessionLimits {
  retransmitBase: number;
  retransmitTries: number;
  maxFragments: number;
  maxReassembledBytes: number;
  halfOpenTimeout: number;
}

export interface SessionContext {
  provider: CryptoProvider;
  random: RandomSource;
  trace: boolean;
  keylog: boolean;
  limits: SessionLimits;
  configs: IkeConfig[];
  out: Output;
  emit(e: IkeEvent): void;
  newIkeSaId(): string;
  newChildSaId(): string;
  /** Indexes an IKE SA by its current local SPI (after IKE_SA_INIT or a rekey). */
  index(sa: IkeSa): void;
  /** Removes an IKE SA from every index. */
  forget(sa: IkeSa): void;
}
