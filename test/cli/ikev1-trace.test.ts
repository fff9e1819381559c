import { describe, expect, it } from 'vitest';
import { formatStatusV1 } from '../../src/cli/trace.js';
import type { IsakmpSaStatusV1 } from '../../src/ikev1/index.js';

const sa: IsakmpSaStatusV1 = {
  ikeSaId: 'isakmp-1',
  name: 'v1',
  state: 'IKE_P1_COMPLETE',
  mode: 'main',
  initiator: false,
  spiI: '0011223344556677',
  spiR: '8899aabbccddeeff',
  local: { address: '127.0.0.2', port: 500 },
  remote: { address: '127.0.0.1', port: 500 },
  localId: 'fqdn:bob.example',
  remoteId: 'fqdn:alice.example',
  algorithms: 'aes128-sha256-modp2048',
  authMethod: 'PRE_SHARED_KEY',
  lifetimeLeft: 3725,
  nat: { local: false, remote: true },
  dpd: true,
  peerVendorIds: [],
  children: [
    {
      childSaId: 'ipsec-1',
      state: 'INSTALLED',
      spiIn: 'c0ffee01',
      spiOut: 'c0ffee02',
      algorithms: 'aes128-sha256',
      mode: 'tunnel (UDP)',
      localTs: ['10.2.0.0/24'],
      remoteTs: ['10.1.0.0/24'],
      establishedAt: 0,
      lifetimeLeft: 59,
    },
  ],
};

describe('formatStatusV1: the phase 1 and phase 2 SA view', () => {
  it('an established ISAKMP SA reads IKE_P1_COMPLETE (QM_IDLE), its cookies named as RFC 2408 section 3.1 does, from our side', () => {
    const text = formatStatusV1([sa]);
    expect(text).toContain('ISAKMP SA isakmp-1 (v1): IKE_P1_COMPLETE (QM_IDLE), Main Mode, responder');
    // As responder, our cookie is CKY-R and the peer's CKY-I.
    expect(text).toMatch(/local\s+127\.0\.0\.2:500\s+fqdn:bob\.example\s+CKY-R 8899aabbccddeeff/);
    expect(text).toMatch(/remote\s+127\.0\.0\.1:500\s+fqdn:alice\.example\s+CKY-I 0011223344556677/);
    expect(text).toContain('left 1:02:05 (3725s)');
    expect(text).toContain('peer is behind NAT; DPD on');
  });

  it('IPsec SAs: SPIs, transform, PFS group (or no PFS), lifetime left', () => {
    const text = formatStatusV1([sa, { ...sa, ikeSaId: 'isakmp-2', children: [{ ...sa.children[0], childSaId: 'ipsec-2', pfsGroup: 'modp2048' }] }]);
    expect(text).toMatch(/ipsec-1\s+IKE_QM_PHASE2_COMPLETE\s+c0ffee01\s+c0ffee02\s+tunnel \(UDP\)\s+aes128-sha256\s+no PFS\s+10\.2\.0\.0\/24\s+10\.1\.0\.0\/24\s+0:00:59 \(59s\)/);
    expect(text).toMatch(/ipsec-2\s+IKE_QM_PHASE2_COMPLETE\s+.*\s+modp2048\s+/);
  });

  it('a half-open SA shows its state as it is, and no SAs say so', () => {
    expect(formatStatusV1([{ ...sa, state: 'IKE_R_MM4', children: [], lifetimeLeft: undefined }])).toMatch(/IKE_R_MM4, Main Mode[\s\S]*left -[\s\S]*no IPsec SAs/);
    expect(formatStatusV1([])).toBe('no ISAKMP SAs');
  });
});
