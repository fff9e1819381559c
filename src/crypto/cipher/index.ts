/** Encryption transforms (Transform Type 1) for the pure provider, and the helpers they share. */
export { pureEncryption, aeadNonce, ctrBlock } from './pure.js';
export { encrInfo, knownEncrIds, type EncrInfo } from './catalog.js';
export { ccmSeal, ccmOpen } from './ccm.js';
export { gcmSeal, gcmOpen, gmacSeal, gmacOpen } from './gcm.js';
export { desBlock, tripleDesBlock } from './des.js';
export { cbcEncrypt, cbcDecrypt, type BlockFunction } from './cbc.js';
