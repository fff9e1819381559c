/**
 * `ike demo [--live-only | --codec-only] [--v1-only | --v2-only] [--provider pure|node] [--keylog FILE|DIR]`, in two sections:
 *  1. live: an initiator and a responder in this process, over real UDP sockets on 127.0.0.1,
 *     run IKE_SA_INIT + IKE_AUTH, a CREATE_CHILD_SA for a second Child SA, a Child SA rekey, an
 *     IKE SA rekey and a delete, printed as a trace with the SA status table; then IKEv1 between
 *     127.0.0.1 and 127.0.0.2 (different addresses, so that Wireshark's IKEv1 table applies):
 *     Main Mode + Quick Mode with PFS, and Aggressive Mode + Quick Mode, each with its status
 *     view and a delete;
 *  2. codec: typical IKEv2 and IKEv1 messages built as objects, encoded, printed, decoded back
 *     and traced. Offline and deterministic: key exchange values, nonces and ciphertext there are
 *     filler bytes (SHA-256 of a label), not the output of a real exchange.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { parseConfig, type IkeConfig } from '../../config/index.js';
import type { CryptoProvider } from '../../crypto/provider.js';
import { pureProvider } from '../../crypto/pure.js';
import type { IkeEvent } from '../../ikev2/index.js';
import { parseConfigV1, type IkeConfigV1, type IkeEventV1 } from '../../ikev1/index.js';
import { nodeProvider } from '../../node/crypto/index.js';
import { startIkev1, type IkeNodeV1 } from '../../node/ikev1-node.js';
import { startIkev2, type IkeNode } from '../../node/ikev2-node.js';
import { findFreeUdpPorts } from '../../node/transport.js';
import { ipToBytes } from '../../payloads/address.js';
import * as v1 from '../../payloads/iana/ikev1.js';
import * as v2 from '../../payloads/iana/ikev2.js';
import { makeAttributeV1 } from '../../payloads/ikev1/attributes.js';
import { describeMessageV1, describePayloadV1 } from '../../payloads/ikev1/describe.js';
import type { IsakmpHeader } from '../../payloads/ikev1/header.js';
import { decodeMessageV1, decodePayloadChainV1, encodeMessageV1, encodePayloadChainBytesV1, type IkeV1Message } from '../../payloads/ikev1/message.js';
import type { PayloadV1, TransformV1 } from '../../payloads/ikev1/types.js';
import { describeMessageV2, describePayloadV2 } from '../../payloads/ikev2/describe.js';
import type { IkeV2Header } from '../../payloads/ikev2/header.js';
import { decodeMessageV2, decodePayloadChainV2, encodeMessageV2, encodePayloadChainV2, type IkeV2Message } from '../../payloads/ikev2/message.js';
import { makeTransform } from '../../payloads/ikev2/sa.js';
import type { PayloadV2 } from '../../payloads/ikev2/types.js';
import { Reader } from '../../payloads/reader.js';
import { VendorId } from '../../payloads/vendor-ids.js';
import { Writer } from '../../payloads/writer.js';
import { bytesEqual, concatBytes, toHex, utf8Encode } from '../../util/bytes.js';
import { formatEvent, formatStatus, formatStatusV1 } from '../trace.js';

/** Deterministic stand-in bytes: SHA-256(label || counter) blocks. */
function filler(label: string, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0, block = 0; i < length; block++) {
    const h = sha256(utf8Encode(`${label}/${block}`));
    out.set(h.subarray(0, Math.min(32, length - i)), i);
    i += 32;
  }
  return out;
}

const INITIATOR = { ip: '192.0.2.10', port: 500 };
const RESPONDER = { ip: '198.51.100.20', port: 500 };
const SPI_I = filler('SPIi', 8);
const SPI_R = filler('SPIr', 8);

/** RFC 7296 section 2.23: SHA-1(SPIi | SPIr | IP address | port). */
function natDetection(spiI: Uint8Array, spiR: Uint8Array, ip: string, port: number): Uint8Array {
  return sha1(concatBytes(spiI, spiR, ipToBytes(ip), new Uint8Array([port >> 8, port & 0xff])));
}

function v2Header(exchangeType: number, messageId: number, spiR: Uint8Array): IkeV2Header {
  return { spiI: SPI_I, spiR, majorVersion: 2, minorVersion: 0, exchangeType, flags: { initiator: true, version: false, response: false }, messageId };
}

const T = v2.TransformType;

/** IKE_SA_INIT request (RFC 7296 section 1.2): SA, KE, Ni, NAT-D notifies, IKEV2_FRAGMENTATION_SUPPORTED (RFC 7383). */
function ikeSaInit(): IkeV2Message {
  const spiR = new Uint8Array(8);
  return {
    header: v2Header(v2.ExchangeType.IKE_SA_INIT, 0, spiR),
    payloads: [
      {
        type: v2.PayloadType.SA,
        proposals: [
          {
            proposalNum: 1,
            protocolId: v2.ProtocolId.IKE,
            spi: new Uint8Array(0),
            transforms: [
              makeTransform(T.ENCR, v2.EncrId.ENCR_AES_CBC, 128),
              makeTransform(T.PRF, v2.PrfId.PRF_HMAC_SHA2_256),
              makeTransform(T.INTEG, v2.IntegId.AUTH_HMAC_SHA2_256_128),
              makeTransform(T.KE, v2.KeId.MODP_2048),
            ],
          },
          {
            proposalNum: 2,
            protocolId: v2.ProtocolId.IKE,
            spi: new Uint8Array(0),
            transforms: [
              makeTransform(T.ENCR, v2.EncrId.ENCR_AES_GCM_16, 256),
              makeTransform(T.PRF, v2.PrfId.PRF_HMAC_SHA2_384),
              makeTransform(T.KE, v2.KeId.ECP_384),
            ],
          },
        ],
      },
      { type: v2.PayloadType.KE, group: v2.KeId.MODP_2048, keyExchangeData: filler('g^i', 256) },
      { type: v2.PayloadType.NONCE, nonce: filler('Ni', 32) },
      notify(v2.NotifyType.NAT_DETECTION_SOURCE_IP, natDetection(SPI_I, spiR, INITIATOR.ip, INITIATOR.port)),
      notify(v2.NotifyType.NAT_DETECTION_DESTINATION_IP, natDetection(SPI_I, spiR, RESPONDER.ip, RESPONDER.port)),
      notify(v2.NotifyType.IKEV2_FRAGMENTATION_SUPPORTED, new Uint8Array(0)),
    ],
  };
}

function notify(notifyType: number, data: Uint8Array): PayloadV2 {
  return { type: v2.PayloadType.N, protocolId: 0, spi: new Uint8Array(0), notifyType, data };
}

/** The IKE_AUTH request's inner payloads (RFC 7296 section 1.2), IDi an IPv6 address (section 3.5). */
function ikeAuthInner(): PayloadV2[] {
  const v6 = (s: string) => ipToBytes(s);
  return [
    { type: v2.PayloadType.IDi, idType: v2.IdType.ID_IPV6_ADDR, data: v6('2001:db8::10') },
    { type: v2.PayloadType.AUTH, method: v2.AuthMethod.SHARED_KEY_MIC, authData: filler('AUTH', 32) },
    {
      type: v2.PayloadType.SA,
      proposals: [
        {
          proposalNum: 1,
          protocolId: v2.ProtocolId.ESP,
          spi: filler('ESP SPI', 4),
          transforms: [makeTransform(T.ENCR, v2.EncrId.ENCR_AES_GCM_16, 256), makeTransform(T.ESN, v2.EsnId.NO_ESN)],
        },
      ],
    },
    {
      type: v2.PayloadType.TSi,
      selectors: [{ tsType: v2.TsType.TS_IPV6_ADDR_RANGE, ipProtocol: 0, startPort: 0, endPort: 65535, startAddress: v6('2001:db8::10'), endAddress: v6('2001:db8::10') }],
    },
    {
      type: v2.PayloadType.TSr,
      selectors: [{ tsType: v2.TsType.TS_IPV6_ADDR_RANGE, ipProtocol: 0, startPort: 0, endPort: 65535, startAddress: v6('2001:db8:1::'), endAddress: v6('2001:db8:1::ffff') }],
    },
  ];
}

/** IKE_AUTH request with an SK payload (RFC 7296 section 3.14) whose IV, ciphertext and ICV are opaque filler. */
function ikeAuth(firstInner: number): IkeV2Message {
  return {
    header: v2Header(v2.ExchangeType.IKE_AUTH, 1, SPI_R),
    payloads: [{ type: v2.PayloadType.SK, firstPayload: firstInner, data: filler('SK: IV | ciphertext | ICV', 16 + 144 + 16) }],
  };
}

const COOKIE_I = filler('CKY-I', 8);
const COOKIE_R = filler('CKY-R', 8);

function v1Header(exchangeType: number, responderCookie: Uint8Array, encryption: boolean, messageId = 0): IsakmpHeader {
  return {
    initiatorCookie: COOKIE_I,
    responderCookie,
    majorVersion: 1,
    minorVersion: 0,
    exchangeType,
    flags: { encryption, commit: false, authenticationOnly: false },
    messageId,
  };
}

const A = v1.Phase1Attribute;

/** An IKE (phase 1) transform, RFC 2409 Appendix A attributes. */
function phase1Transform(n: number, encryption: number, keyLength: number | undefined, hash: number, group: number): TransformV1 {
  return {
    transformNumber: n,
    transformId: v1.IsakmpTransformId.KEY_IKE,
    attributes: [
      makeAttributeV1(A.ENCRYPTION_ALGORITHM, encryption),
      ...(keyLength ? [makeAttributeV1(A.KEY_LENGTH, keyLength)] : []),
      makeAttributeV1(A.HASH_ALGORITHM, hash),
      makeAttributeV1(A.AUTHENTICATION_METHOD, v1.AuthMethod.PRE_SHARED_KEY),
      makeAttributeV1(A.GROUP_DESCRIPTION, group),
      makeAttributeV1(A.LIFE_TYPE, v1.LifeType.SECONDS),
      // 86400 does not fit the 16-bit TV form, so it goes out as a 4-octet TLV (RFC 2408 section 3.3).
      makeAttributeV1(A.LIFE_DURATION, 86400),
    ],
  };
}

function phase1Sa(): PayloadV1 {
  return {
    type: v1.PayloadType.SA,
    doi: v1.Doi.IPSEC,
    situation: v1.Situation.SIT_IDENTITY_ONLY,
    proposals: [
      {
        proposalNumber: 1,
        protocolId: v1.ProtocolId.PROTO_ISAKMP,
        spi: new Uint8Array(0),
        transforms: [
          phase1Transform(1, v1.Phase1Encryption.AES_CBC, 256, v1.Phase1Hash.SHA2_256, v1.GroupDescription.MODP_2048),
          phase1Transform(2, v1.Phase1Encryption.AES_CBC, 128, v1.Phase1Hash.SHA, v1.GroupDescription.MODP_2048),
          phase1Transform(3, v1.Phase1Encryption['3DES_CBC'], undefined, v1.Phase1Hash.SHA, v1.GroupDescription.MODP_1024),
        ],
      },
    ],
  };
}

/** A Quick Mode ESP offer (RFC 2407 sections 4.4.4 and 4.5): AES-256 in tunnel mode with HMAC-SHA2-256. */
function phase2Sa(): PayloadV1 {
  const I = v1.IpsecAttribute;
  return {
    type: v1.PayloadType.SA,
    doi: v1.Doi.IPSEC,
    situation: v1.Situation.SIT_IDENTITY_ONLY,
    proposals: [
      {
        proposalNumber: 1,
        protocolId: v1.ProtocolId.PROTO_IPSEC_ESP,
        spi: filler('QM ESP SPI', 4),
        transforms: [
          {
            transformNumber: 1,
            transformId: v1.EspTransformId.ESP_AES,
            attributes: [
              makeAttributeV1(I.SA_LIFE_TYPE, v1.LifeType.SECONDS),
              makeAttributeV1(I.SA_LIFE_DURATION, 3600),
              makeAttributeV1(I.ENCAPSULATION_MODE, v1.EncapsulationMode.TUNNEL),
              makeAttributeV1(I.AUTHENTICATION_ALGORITHM, v1.AuthAlgorithm.HMAC_SHA2_256),
              makeAttributeV1(I.KEY_LENGTH, 256),
            ],
          },
        ],
      },
    ],
  };
}

const vendorIds = (): PayloadV1[] =>
  [
    VendorId.NAT_T_RFC3947,
    VendorId.DPD,
    VendorId.XAUTH,
    VendorId.CISCO_UNITY,
    // IKE fragmentation VID with capability flags 0x80000000 after the hash.
    concatBytes(VendorId.FRAGMENTATION, new Uint8Array([0x80, 0, 0, 0])),
  ].map((vendorId) => ({ type: v1.PayloadType.VID, vendorId }));

/** Main Mode message 1 (RFC 2409 section 5): SA and vendor IDs. */
function mainMode1(): IkeV1Message {
  return { header: v1Header(v1.ExchangeType.IDENTITY_PROTECTION, new Uint8Array(8), false), payloads: [phase1Sa(), ...vendorIds()] };
}

/** Aggressive Mode message 1 (RFC 2409 section 5): SA, KE, Ni, IDii, here an IPv6 address (RFC 2407 section 4.6.2.1). */
function aggressive1(): IkeV1Message {
  return {
    header: v1Header(v1.ExchangeType.AGGRESSIVE, new Uint8Array(8), false),
    payloads: [
      phase1Sa(),
      { type: v1.PayloadType.KE, keyExchangeData: filler('g^xi', 256) },
      { type: v1.PayloadType.NONCE, nonce: filler('Ni_b', 32) },
      { type: v1.PayloadType.ID, idType: v1.IdType.ID_IPV6_ADDR, protocolId: 17, port: 500, data: ipToBytes('2001:db8::10') },
      ...vendorIds(),
    ],
  };
}

/** Quick Mode message 1 (RFC 2409 section 5.5): E flag set, HASH(1) first inside, body opaque. */
function quickMode1(): IkeV1Message {
  return {
    header: v1Header(v1.ExchangeType.QUICK_MODE, COOKIE_R, true, 0x5eed1234),
    firstPayload: v1.PayloadType.HASH,
    encrypted: filler('QM1 ciphertext', 160),
  };
}

function hexLines(b: Uint8Array): string[] {
  const lines: string[] = [];
  for (let i = 0; i < b.length; i += 32) lines.push(`    ${toHex(b.subarray(i, i + 32))}`);
  return lines;
}

interface Shown {
  title: string;
  encoded: Uint8Array;
  trace: () => string;
  reencoded: () => Uint8Array;
}

function show(s: Shown): boolean {
  console.log(`== ${s.title}`);
  console.log(`  encoded: ${s.encoded.length} bytes`);
  for (const l of hexLines(s.encoded)) console.log(l);
  console.log('  decoded:');
  for (const l of s.trace().split('\n')) console.log(`    ${l}`);
  const same = bytesEqual(s.reencoded(), s.encoded);
  console.log(`  re-encoded: ${same ? 'identical bytes' : 'DIFFERENT BYTES'}`);
  console.log('');
  return same;
}

function v2Message(title: string, m: IkeV2Message): Shown {
  const encoded = encodeMessageV2(m);
  const decoded = decodeMessageV2(encoded);
  return { title, encoded, trace: () => describeMessageV2(decoded), reencoded: () => encodeMessageV2(decoded) };
}

function v1Message(title: string, m: IkeV1Message): Shown {
  const encoded = encodeMessageV1(m);
  const decoded = decodeMessageV1(encoded);
  return { title, encoded, trace: () => describeMessageV1(decoded), reencoded: () => encodeMessageV1(decoded) };
}

function v2Chain(title: string, payloads: PayloadV2[]): Shown {
  const w = new Writer();
  const first = encodePayloadChainV2(w, payloads);
  const encoded = w.finish();
  const decoded = decodePayloadChainV2(Reader.of(encoded, 'Payload chain'), first);
  const reencode = () => {
    const w2 = new Writer();
    encodePayloadChainV2(w2, decoded);
    return w2.finish();
  };
  return { title, encoded, trace: () => decoded.map((p) => describePayloadV2(p, '')).join('\n'), reencoded: reencode };
}

function v1Chain(title: string, payloads: PayloadV1[]): Shown {
  const { firstPayload, bytes } = encodePayloadChainBytesV1(payloads);
  const decoded = decodePayloadChainV1(bytes, firstPayload).payloads;
  return {
    title,
    encoded: bytes,
    trace: () => decoded.flatMap((p) => describePayloadV1(p, '')).join('\n'),
    reencoded: () => encodePayloadChainBytesV1(decoded).bytes,
  };
}

function codecSection(): boolean {
  console.log('==== Codec: IKEv2 and IKEv1 messages built, encoded, decoded and re-encoded');
  console.log('');
  const inner = ikeAuthInner();
  const qmInner: PayloadV1[] = [
    { type: v1.PayloadType.HASH, hash: filler('HASH(1)', 32) },
    phase2Sa(),
    { type: v1.PayloadType.NONCE, nonce: filler('Ni_b QM', 32) },
    { type: v1.PayloadType.ID, idType: v1.IdType.ID_IPV6_ADDR, protocolId: 0, port: 0, data: ipToBytes('2001:db8::10') },
    { type: v1.PayloadType.ID, idType: v1.IdType.ID_IPV6_ADDR_SUBNET, protocolId: 0, port: 0, data: concatBytes(ipToBytes('2001:db8:1::'), ipToBytes('ffff:ffff:ffff:ffff::')) },
  ];
  const shown: Shown[] = [
    v2Message('IKEv2 IKE_SA_INIT request: proposals aes128-sha256-modp2048 and aes256gcm16-prfsha384-ecp384', ikeSaInit()),
    v2Chain('IKEv2 IKE_AUTH inner payloads (the plaintext that SK protects): IDi is an IPv6 address', inner),
    v2Message('IKEv2 IKE_AUTH request: SK payload kept opaque', ikeAuth(v2.PayloadType.IDi)),
    v1Message('IKEv1 Main Mode message 1: SA with three transforms (LIFE_DURATION 86400), vendor IDs', mainMode1()),
    v1Message('IKEv1 Aggressive Mode message 1: IDii is an IPv6 address', aggressive1()),
    v1Chain('IKEv1 Quick Mode message 1 inner payloads (the plaintext the E flag hides): HASH(1), SA, Ni, IDci, IDcr', qmInner),
    v1Message('IKEv1 Quick Mode message 1: encrypted body kept opaque', quickMode1()),
  ];
  let ok = true;
  for (const s of shown) ok = show(s) && ok;
  console.log(ok ? `${shown.length} structures encoded, decoded and re-encoded to the same bytes.` : 'some structures did not round-trip');
  return ok;
}

export async function run(args: string[]): Promise<number> {
  const liveOnly = args.includes('--live-only');
  const codecOnly = args.includes('--codec-only');
  const provider = args.includes('--provider') ? args[args.indexOf('--provider') + 1] : 'node';
  if (provider !== 'node' && provider !== 'pure') {
    console.error('ike demo: --provider must be pure or node');
    return 2;
  }
  const keylog = args.includes('--keylog') ? args[args.indexOf('--keylog') + 1] : undefined;
  if (args.includes('--keylog') && !keylog) {
    console.error('ike demo: --keylog needs a file or directory');
    return 2;
  }
  const v1Only = args.includes('--v1-only');
  const v2Only = args.includes('--v2-only');
  if ((liveOnly && codecOnly) || (v1Only && v2Only)) {
    console.error('ike demo: --live-only and --codec-only, or --v1-only and --v2-only, exclude each other');
    return 2;
  }
  const crypto = provider === 'pure' ? pureProvider : nodeProvider;
  let ok = true;
  if (!codecOnly && !v1Only) ok = (await liveSection(crypto, keylog)) && ok;
  if (!codecOnly && !v2Only) ok = (await liveSectionV1(crypto, keylog)) && ok;
  if (!liveOnly) ok = codecSection() && ok;
  return ok ? 0 : 1;
}

type Named<E extends IkeEvent['event']> = Extract<IkeEvent, { event: E }>;

/**
 * The next `name` event of `node` for which `match` holds, once `action` has run; rejects on an
 * 'error' event of the node or after timeoutMs, and leaves no listener or timer behind.
 */
function after<E extends IkeEvent['event']>(node: IkeNode, name: E, match: (e: Named<E>) => boolean, action: () => void, timeoutMs = 8000): Promise<Named<E>> {
  return new Promise((resolve, reject) => {
    const done = (f: () => void) => {
      clearTimeout(timer);
      node.off('event', onEvent);
      f();
    };
    const onEvent = (e: IkeEvent) => {
      if (e.event === 'error') done(() => reject(new Error(`${e.notify ? `${e.notify}: ` : ''}${e.message}`)));
      else if (e.event === name && match(e as Named<E>)) done(() => resolve(e as Named<E>));
    };
    const timer = setTimeout(() => done(() => reject(new Error(`no ${name} within ${timeoutMs} ms`))), timeoutMs);
    node.on('event', onEvent);
    action();
  });
}

function demoConfigs(ports: number[]): { alice: IkeConfig; bob: IkeConfig } {
  const [pA, pAn, pB, pBn] = ports;
  const ike = { proposals: ['aes128-sha256-modp2048', 'aes256gcm16-prfsha384-ecp384'], lifetime: 3600 };
  const child = { proposals: ['aes128gcm16', 'aes128-sha256'], mode: 'tunnel', pfs: 'modp2048', lifetime: 1200 };
  const alice = parseConfig({
    version: 2,
    name: 'alice',
    local: { address: '127.0.0.1', port: pA, nattPort: pAn, id: 'fqdn:alice.example' },
    remote: { address: '127.0.0.1', port: pB, nattPort: pBn, id: 'fqdn:bob.example' },
    psk: 'demo pre-shared key',
    ike,
    child: { ...child, localTs: ['10.1.0.0/24'], remoteTs: ['10.2.0.0/24'] },
  });
  const bob = parseConfig({
    version: 2,
    name: 'bob',
    local: { address: '127.0.0.1', port: pB, nattPort: pBn, id: 'fqdn:bob.example' },
    remote: { address: '127.0.0.1', port: pA, nattPort: pAn, id: 'fqdn:alice.example' },
    psk: 'demo pre-shared key',
    ike,
    child: { ...child, localTs: ['10.2.0.0/24'], remoteTs: ['10.1.0.0/24'] },
  });
  return { alice, bob };
}

async function liveSection(provider: CryptoProvider, keylog?: string): Promise<boolean> {
  console.log('==== Live: IKEv2 between two endpoints in this process, over UDP on 127.0.0.1');
  const { alice, bob } = demoConfigs(await findFreeUdpPorts('127.0.0.1', 4));
  console.log(`alice (initiator) ${alice.local.address}:${alice.local.port} NAT-T ${alice.local.nattPort}, ${alice.local.id}`);
  console.log(`bob   (responder) ${bob.local.address}:${bob.local.port} NAT-T ${bob.local.nattPort}, ${bob.local.id}`);
  console.log(`PSK authentication; IKE proposals ${alice.ike.proposals.join(', ')}; ESP proposals ${alice.child.proposals.join(', ')}, PFS ${String(alice.child.pfs)}; crypto provider ${provider.name}`);
  console.log('');
  if (keylog) console.log(`Wireshark key tables of every SA: ${keylog}`);
  const a = await startIkev2({ configs: [alice], provider, trace: true, keylog });
  let b: IkeNode;
  try {
    b = await startIkev2({ configs: [bob], provider, trace: true });
  } catch (err) {
    await a.close();
    throw err;
  }
  const print = (who: string) => (e: IkeEvent) => {
    if (e.event === 'trace') for (const l of e.text.split('\n')) console.log(`  ${who} | ${l}`);
    else console.log(`  ${who} * ${formatEvent(e)}`);
  };
  a.on('event', print('alice'));
  b.on('event', print('bob  '));
  const steps = new Steps();
  const step = steps.step;
  try {
    let ikeSaId = '';
    let firstChild = '';
    const established = await step('IKE_SA_INIT + IKE_AUTH (RFC 7296 section 1.2): IKE SA and first CHILD SA', async () => {
      ({ ikeSaId, childSaId: firstChild } = await a.connect(undefined, { timeoutMs: 8000 }));
      return `IKE SA ${ikeSaId} with CHILD SA ${firstChild}`;
    });
    if (!established) return false;
    await step('CREATE_CHILD_SA (RFC 7296 section 1.3.1): a second CHILD SA, with PFS', async () => {
      const up = await after(a, 'child-sa-up', (e) => e.ikeSaId === ikeSaId && !e.rekeyOf && e.childSaId !== firstChild, () => a.act((ep, now) => ep.createChildSa(ikeSaId, now)));
      return `CHILD SA ${up.childSaId} up, SPI in ${up.spiIn} out ${up.spiOut}`;
    });
    await step('CREATE_CHILD_SA rekeying the first CHILD SA (RFC 7296 section 1.3.3), then deleting the old one', async () => {
      const oldDown = after(a, 'child-sa-down', (e) => e.childSaId === firstChild, () => undefined);
      const r = await after(a, 'child-sa-rekeyed', (e) => e.childSaId === firstChild, () => a.act((ep, now) => ep.rekeyChildSa(firstChild, now)));
      await oldDown;
      return `CHILD SA ${r.childSaId} replaced by ${r.newChildSaId}, and deleted`;
    });
    await step('CREATE_CHILD_SA rekeying the IKE SA (RFC 7296 section 1.3.2); its CHILD SAs move to the new one', async () => {
      const old = ikeSaId;
      const oldDown = after(a, 'ike-sa-down', (e) => e.ikeSaId === old, () => undefined);
      const r = await after(a, 'ike-sa-rekeyed', (e) => e.ikeSaId === old, () => a.act((ep, now) => ep.rekeyIkeSa(old, now)));
      ikeSaId = r.newIkeSaId;
      await oldDown;
      return `IKE SA ${r.ikeSaId} replaced by ${r.newIkeSaId} (SPIi ${r.spiI}, SPIr ${r.spiR}), and deleted`;
    });
    await step('SA status', async () => {
      const now = performance.now();
      for (const [who, n] of [['alice', a], ['bob', b]] as const) {
        console.log(`  ${who}:`);
        for (const l of formatStatus(n.status(), now).split('\n')) console.log(`    ${l}`);
      }
      return `${a.status().length} IKE SA(s) at alice, ${b.status().length} at bob`;
    });
    await step('INFORMATIONAL with a Delete payload (RFC 7296 section 1.4.1): the IKE SA and its CHILD SAs go', async () => {
      const bobDown = after(b, 'ike-sa-down', () => b.status().length === 0, () => undefined);
      const down = await after(a, 'ike-sa-down', (e) => e.ikeSaId === ikeSaId, () => a.act((ep, now) => ep.deleteIkeSa(ikeSaId, now)));
      await bobDown;
      return `IKE SA ${down.ikeSaId} deleted at both ends; alice has ${a.status().length} IKE SA(s), bob ${b.status().length}`;
    });
    return steps.ok;
  } finally {
    await Promise.all([a.close({ graceMs: 500 }), b.close({ graceMs: 500 })]);
    console.log(`Live section ${steps.ok ? 'completed' : 'had failures'}.`);
    console.log('');
  }
}

/** 127.0.0.2 answers on Linux loopback without setup; elsewhere (macOS) it may need an alias. */
const V1_ALICE = '127.0.0.1';
const V1_BOB = '127.0.0.2';

function demoConfigsV1(mode: 'main' | 'aggressive', ports: number[]): { alice: IkeConfigV1; bob: IkeConfigV1 } {
  const [pA, pAn, pB, pBn] = ports;
  const ike = { proposals: mode === 'main' ? ['aes128-sha256-modp2048', 'aes256-sha1-modp2048'] : ['aes256-sha256-modp2048'], lifetime: 86400 };
  const child = { proposals: ['aes128-sha256', 'aes256-sha1'], mode: 'tunnel', pfs: mode === 'main' ? 'modp2048' : false, lifetime: 3600 };
  const common = { version: 1, mode, psk: 'demo pre-shared key' };
  const alice = parseConfigV1({
    ...common,
    name: `alice-${mode}`,
    local: { address: V1_ALICE, port: pA, nattPort: pAn, id: 'fqdn:alice.example' },
    remote: { address: V1_BOB, port: pB, nattPort: pBn, id: 'fqdn:bob.example' },
    ike,
    child: { ...child, localTs: ['10.1.0.0/24'], remoteTs: ['10.2.0.0/24'] },
  });
  const bob = parseConfigV1({
    ...common,
    name: `bob-${mode}`,
    local: { address: V1_BOB, port: pB, nattPort: pBn, id: 'fqdn:bob.example' },
    remote: { address: V1_ALICE, port: pA, nattPort: pAn, id: 'fqdn:alice.example' },
    ike,
    child: { ...child, localTs: ['10.2.0.0/24'], remoteTs: ['10.1.0.0/24'] },
  });
  return { alice, bob };
}

/** The next `name` event of an IKEv1 node once `action` has run; rejects on its 'error' events or after timeoutMs. */
function afterV1<E extends IkeEventV1['event']>(node: IkeNodeV1, name: E, action: () => void, timeoutMs = 8000): Promise<Extract<IkeEventV1, { event: E }>> {
  return new Promise((resolve, reject) => {
    const done = (f: () => void) => {
      clearTimeout(timer);
      node.off('event', onEvent);
      f();
    };
    const onEvent = (e: IkeEventV1) => {
      if (e.event === 'error') done(() => reject(new Error(`${e.notify ? `${e.notify}: ` : ''}${e.message}`)));
      else if (e.event === name) done(() => resolve(e as Extract<IkeEventV1, { event: E }>));
    };
    const timer = setTimeout(() => done(() => reject(new Error(`no ${name} within ${timeoutMs} ms`))), timeoutMs);
    node.on('event', onEvent);
    action();
  });
}

/** One IKEv1 run: phase 1 in `mode`, Quick Mode, the status of both phases, the Delete. */
async function runV1(mode: 'main' | 'aggressive', provider: CryptoProvider, keylog: string | undefined, step: (title: string, f: () => Promise<string>) => Promise<boolean>): Promise<void> {
  const ports = [...(await findFreeUdpPorts(V1_ALICE, 2)), ...(await findFreeUdpPorts(V1_BOB, 2))];
  const { alice, bob } = demoConfigsV1(mode, ports);
  const title = mode === 'main' ? 'Main Mode' : 'Aggressive Mode';
  console.log(`${title} + Quick Mode: alice ${alice.local.address}:${alice.local.port} (initiator), bob ${bob.local.address}:${bob.local.port} (responder)`);
  console.log(`   ISAKMP proposals ${alice.ike.proposals.join(', ')}, life ${alice.ike.lifetime} s; ESP proposals ${alice.child.proposals.join(', ')}, PFS ${String(alice.child.pfs || 'none')}, life ${alice.child.lifetime} s`);
  const a = await startIkev1({ configs: [alice], provider, trace: true, keylog });
  let b: IkeNodeV1;
  try {
    b = await startIkev1({ configs: [bob], provider, trace: true });
  } catch (err) {
    await a.close();
    throw err;
  }
  const print = (who: string) => (e: IkeEventV1) => {
    if (e.event === 'trace') for (const l of e.text.split('\n')) console.log(`  ${who} | ${l}`);
    else console.log(`  ${who} * ${formatEvent(e as IkeEvent)}`);
  };
  a.on('event', print('alice'));
  b.on('event', print('bob  '));
  try {
    let ikeSaId = '';
    const phases =
      mode === 'main'
        ? 'MM1..MM6 (RFC 2409 section 5: IKE_I_MM1 .. IKE_P1_COMPLETE, identities encrypted), then QM1..QM3 with PFS (section 5.5)'
        : 'AM1..AM3 (RFC 2409 section 5.4: IKE_I_AM1 .. IKE_P1_COMPLETE, identities in the clear), then QM1..QM3 (section 5.5)';
    const up = await step(`${title}: ${phases}`, async () => {
      const bobUp = afterV1(b, 'child-sa-up', () => undefined);
      const r = await a.connect(undefined, { timeoutMs: 8000 });
      await bobUp;
      ikeSaId = r.ikeSaId;
      const child = a.status()[0]?.children.find((c) => c.childSaId === r.childSaId);
      return `ISAKMP SA ${r.ikeSaId} in IKE_P1_COMPLETE, IPsec SA ${r.childSaId} up, SPI in ${child?.spiIn} out ${child?.spiOut}`;
    });
    if (!up) return;
    await step(`${title} SA status: phase 1 (ISAKMP SA) and phase 2 (IPsec SAs)`, async () => {
      for (const [who, n] of [['alice', a], ['bob', b]] as const) {
        console.log(`  ${who}:`);
        for (const l of formatStatusV1(n.status()).split('\n')) console.log(`    ${l}`);
      }
      return `${a.status().length} ISAKMP SA(s) at alice, ${b.status().length} at bob`;
    });
    await step('INFORMATIONAL with Delete payloads (RFC 2408 section 3.15): the IPsec SAs, then the ISAKMP SA', async () => {
      const bobDown = afterV1(b, 'ike-sa-down', () => undefined);
      const down = await afterV1(a, 'ike-sa-down', () => a.act((ep, now) => ep.deleteIsakmpSa(ikeSaId, now)));
      await bobDown;
      return `ISAKMP SA ${down.ikeSaId} deleted at both ends; alice has ${a.status().length} ISAKMP SA(s), bob ${b.status().length}`;
    });
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

async function liveSectionV1(provider: CryptoProvider, keylog?: string): Promise<boolean> {
  console.log(`==== Live: IKEv1 between two endpoints in this process, over UDP, ${V1_ALICE} <-> ${V1_BOB}`);
  console.log(`PSK authentication; crypto provider ${provider.name}${keylog ? `; Wireshark ikev1_decryption_table and esp_sa rows: ${keylog}` : ''}`);
  console.log('');
  const steps = new Steps();
  const step = steps.step;
  for (const mode of ['main', 'aggressive'] as const) {
    try {
      await runV1(mode, provider, keylog, step);
    } catch (err) {
      steps.failed(err);
    }
  }
  console.log(`IKEv1 live section ${steps.ok ? 'completed' : 'had failures'}.`);
  console.log('');
  return steps.ok;
}

/** The live sections' numbered steps: each prints its title, then its result or FAILED. */
class Steps {
  ok = true;

  failed(err: unknown): void {
    console.log(`  => FAILED: ${err instanceof Error ? err.message : String(err)}`);
    this.ok = false;
  }

  readonly step = async (title: string, f: () => Promise<string>): Promise<boolean> => {
    console.log(`-- ${title}`);
    try {
      console.log(`  => ${await f()}`);
      console.log('');
      return true;
    } catch (err) {
      this.failed(err);
      console.log('');
      return false;
    }
  };
}
