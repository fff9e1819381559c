/** A matching initiator/responder config pair on 127.0.0.1 with free ports (the example, re-ported). */
import type { IkeConfig } from '../../src/config/index.js';
import { parseConfig } from '../../src/config/index.js';
import { findFreeUdpPorts } from '../../src/node/transport.js';

export interface Pair {
  initiator: IkeConfig;
  responder: IkeConfig;
}

export async function loopbackPair(overrides: { ike?: Partial<IkeConfig['ike']>; child?: Partial<IkeConfig['child']>; psk?: string; responderPsk?: string; address?: string } = {}): Promise<Pair> {
  const address = overrides.address ?? '127.0.0.1';
  const [pI, pIn, pR, pRn] = await findFreeUdpPorts(address, 4);
  const ike = { proposals: ['aes128-sha256-modp2048'], lifetime: 3600, ...overrides.ike };
  const child = { proposals: ['aes128-sha256'], mode: 'tunnel', lifetime: 1200, ...overrides.child };
  const initiator = parseConfig({
    version: 2,
    name: 'alice',
    local: { address, port: pI, nattPort: pIn, id: 'fqdn:alice.example' },
    remote: { address, port: pR, nattPort: pRn, id: 'fqdn:bob.example' },
    psk: overrides.psk ?? 'cisco',
    ike,
    child: { ...child, localTs: ['10.1.0.0/24'], remoteTs: ['10.2.0.0/24'] },
  });
  const responder = parseConfig({
    version: 2,
    name: 'bob',
    local: { address, port: pR, nattPort: pRn, id: 'fqdn:bob.example' },
    remote: { address, port: pI, nattPort: pIn, id: 'fqdn:alice.example' },
    psk: overrides.responderPsk ?? overrides.psk ?? 'cisco',
    ike,
    child: { ...child, localTs: ['10.2.0.0/24'], remoteTs: ['10.1.0.0/24'] },
  });
  return { initiator, responder };
}
