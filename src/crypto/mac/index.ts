/** Hashes, PRFs and integrity algorithms on @noble/hashes and @noble/ciphers. */
export { hashLength, hmac, isHashName, pureHash } from './hash.js';
export { aesCmac, aesCmacPrf128, aesXcbcMac, aesXcbcPrf128 } from './aes-mac.js';
export { makePrf, purePrf, type MacFunction } from './prf.js';
export { makeIntegrity, pureIntegrity } from './integrity.js';
