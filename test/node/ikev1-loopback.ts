/** A pair of version 1 configs on 127.0.0.1 (initiator) and 127.0.0.2 (responder), free ports. */
import type { IkeConfigV1 } from '../../src/ikev1/index.js';
import { parseConfigV1 } from '../../src/ikev1/index.js';
import { findFreeUdpPorts } from '../../src/node/transport.js';

export const V1_I = '127.0.0.1';
export const V1_R = '127.0.0.2';

export async function loopbackPairV1(o: { mode?: 'main' | 'aggressive'; pfs?: string | false; ike?: string[]; esp?: string[] } = {}): Promise<{ initiator: IkeConfigV1; responder: IkeConfigV1; json: { initiator: unknown; responder: unknown } }> {
  const [pi, pin] = await findFreeUdpPorts(V1_I, 2);
  const [pr, prn] = await findFreeUdpPorts(V1_R, 2);
  const mode = o.mode ?? 'main';
  const ike = { proposals: o.ike ?? ['aes128-sha256-modp2048'], lifetime: 86400 };
  const esp = o.esp ?? ['aes128-sha256'];
  const pfs = o.pfs === undefined ? 'modp2048' : o.pfs;
  const initiator = {
    version: 1,
    name: 'v1',
    mode,
    local: { address: V1_I, port: pi, nattPort: pin, id: 'fqdn:alice.example' },
    remote: { address: V1_R, port: pr, nattPort: prn, id: 'fqdn:bob.example' },
    psk: 'loopback-v1-secret',
    ike,
    child: { proposals: esp, localTs: ['10.1.0.0/16'], remoteTs: ['10.2.0.0/16'], mode: 'tunnel', pfs, lifetime: 3600 },
  };
  const responder = {
    version: 1,
    name: 'v1',
    mode,
    local: { address: V1_R, port: pr, nattPort: prn, id: 'fqdn:bob.example' },
    remote: { address: V1_I, port: pi, nattPort: pin, id: 'fqdn:alice.example' },
    psk: 'loopback-v1-secret',
    ike: { ...ike, ...(mode === 'aggressive' ? { aggressive: true } : {}) },
    child: { proposals: esp, localTs: ['10.2.0.0/16'], remoteTs: ['10.1.0.0/16'], mode: 'tunnel', pfs, lifetime: 3600 },
  };
  return { initiator: parseConfigV1(initiator), responder: parseConfigV1(responder), json: { initiator, responder } };
}
