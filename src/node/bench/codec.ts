/**
 * Codec and key schedule micro-benchmarks on messages from a real in-memory handshake: the
 * IKE_SA_INIT request as sent, and the IKE_AUTH request both as sent (header + SK payload) and as
 * its plaintext payload chain (IDi, AUTH, SA, TSi, TSr and notifies; RFC 7296 section 1.2),
 * captured from the cipher call that encrypted it.
 */
import type { CryptoProvider, Encryption } from '../../crypto/provider.js';
import { PayloadType, PrfId } from '../../payloads/iana/ikev2.js';
import { decodeMessageV2, decodePayloadChainV2, encodeMessageV2, encodePayloadChainV2 } from '../../payloads/ikev2/message.js';
import type { PayloadV2 } from '../../payloads/ikev2/types.js';
import { Reader } from '../../payloads/reader.js';
import { Writer } from '../../payloads/writer.js';
import { deriveIkeSaKeys, skeyseed } from '../../keys/ikev2.js';
import { Ikev2Endpoint, type Datagram } from '../../ikev2/index.js';
import { ikev2BenchConfigs } from './in-memory.js';

export interface CapturedMessages {
  /** IKE_SA_INIT request, as sent. */
  init: Uint8Array;
  /** IKE_AUTH request, as sent. */
  auth: Uint8Array;
  /** The IKE_AUTH request's plaintext payload chain (no padding) and its first payload type. */
  authInner: Uint8Array;
  authInnerFirst: number;
}

/** A provider whose ciphers report each plaintext they encrypt. */
function capturing(provider: CryptoProvider, seen: Uint8Array[]): CryptoProvider {
  const wrap = (e: Encryption | undefined): Encryption | undefined => {
    if (!e) return e;
    // Object.create keeps whatever the algorithm object has (it may be frozen, so no assignment).
    if (e.aead) {
      const seal = (k: Uint8Array, iv: Uint8Array, p: Uint8Array, aad: Uint8Array) => (seen.push(p.slice()), e.seal(k, iv, p, aad));
      return Object.create(e, { seal: { value: seal } }) as Encryption;
    }
    const encrypt = (k: Uint8Array, iv: Uint8Array, p: Uint8Array) => (seen.push(p.slice()), e.encrypt(k, iv, p));
    return Object.create(e, { encrypt: { value: encrypt } }) as Encryption;
  };
  const encryption = (id: number, bits?: number) => wrap(provider.encryption(id, bits));
  return Object.create(provider, { encryption: { value: encryption } }) as CryptoProvider;
}

/**
 * Runs one handshake (aes128-sha256-modp2048, ESP aes128-sha256: a classic proposal) and keeps its
 * first two requests. RFC 7296 section 3.14: the plaintext ends with Pad Length, after the padding.
 */
export function captureMessages(provider: CryptoProvider, proposal = 'aes128-sha256-modp2048', esp = 'aes128-sha256'): CapturedMessages {
  const c = ikev2BenchConfigs(proposal, esp);
  const plaintexts: Uint8Array[] = [];
  const initiator = new Ikev2Endpoint({ provider: capturing(provider, plaintexts), configs: [c.initiator] });
  const responder = new Ikev2Endpoint({ provider, configs: [c.responder] });
  const flip = (d: Datagram): Datagram => ({ data: d.data, local: d.remote, remote: d.local, ...(d.marker ? { marker: true } : {}) });
  const first = initiator.initiate(undefined, 1000);
  const init = first.datagrams[0].data;
  const initResp = responder.receive(flip(first.datagrams[0]), 1000);
  const second = initiator.receive(flip(initResp.datagrams[0]), 1000);
  const auth = second.datagrams[0]?.data;
  if (!auth || plaintexts.length === 0) throw new Error('could not capture an IKE_AUTH request');
  const padded = plaintexts[0];
  const padLength = padded[padded.length - 1];
  const authInner = padded.subarray(0, padded.length - 1 - padLength);
  const sk = decodeMessageV2(auth).payloads.find((p) => p.type === PayloadType.SK);
  if (!sk || sk.type !== PayloadType.SK) throw new Error('IKE_AUTH request without an SK payload');
  return { init, auth, authInner, authInnerFirst: sk.firstPayload };
}

export function decodeInner(m: CapturedMessages): PayloadV2[] {
  return decodePayloadChainV2(Reader.of(m.authInner, 'SK plaintext'), m.authInnerFirst);
}

export function encodeInner(payloads: readonly PayloadV2[]): Uint8Array {
  const w = new Writer(256);
  encodePayloadChainV2(w, payloads);
  return w.finish();
}

/** The operations the codec case times, each over one message. */
export function codecOperations(m: CapturedMessages): Record<string, { bytes: number; op: () => void }> {
  const initMsg = decodeMessageV2(m.init);
  const authMsg = decodeMessageV2(m.auth);
  const inner = decodeInner(m);
  return {
    'decode IKE_SA_INIT': { bytes: m.init.length, op: () => void decodeMessageV2(m.init) },
    'encode IKE_SA_INIT': { bytes: m.init.length, op: () => void encodeMessageV2(initMsg) },
    'decode IKE_AUTH': { bytes: m.auth.length, op: () => void (decodeMessageV2(m.auth), decodeInner(m)) },
    'encode IKE_AUTH': { bytes: m.auth.length, op: () => void (encodeInner(inner), encodeMessageV2(authMsg)) },
  };
}

/**
 * SKEYSEED = prf(Ni | Nr, g^ir) and {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} =
 * prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) (RFC 7296 section 2.14), PRF_HMAC_SHA2_256, for
 * AES-128-CBC with HMAC-SHA2-256-128 (16-byte SK_e, 32-byte SK_a).
 */
export function keyScheduleOperation(provider: CryptoProvider): () => void {
  const prf = provider.prf(PrfId.PRF_HMAC_SHA2_256);
  if (!prf) throw new Error(`${provider.name} has no PRF_HMAC_SHA2_256`);
  const ni = provider.randomBytes(32);
  const nr = provider.randomBytes(32);
  const gir = provider.randomBytes(256);
  const spiI = provider.randomBytes(8);
  const spiR = provider.randomBytes(8);
  return () => {
    const seed = skeyseed(prf, ni, nr, gir);
    deriveIkeSaKeys(prf, seed, ni, nr, spiI, spiR, { encrKeyLength: 16, integKeyLength: 32 });
  };
}
