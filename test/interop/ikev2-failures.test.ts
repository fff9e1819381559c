/**
 * Interop matrix, refusals both ways with strongSwan charon: a PSK mismatch ends in
 * AUTHENTICATION_FAILED (RFC 7296 2.21.2), disjoint IKE proposals in NO_PROPOSAL_CHOSEN (2.7, 2.21.1),
 * and a CHILD SA that cannot be made (disjoint selectors: TS_UNACCEPTABLE, 2.9; or an ESN proposal that
 * charon's kernel-libipsec cannot install) leaves the IKE SA standing (2.21.3).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IkeConnectError } from '../../src/node/ikev2-node.js';
import { charonAvailable } from '../helpers/charon.js';
import { CHILD, CONN, oursMarksCustomPorts, startPair, type Pair, type PairOptions } from './fixture.js';

const MARKS = oursMarksCustomPorts();

let p: Pair | undefined;
afterEach(async () => {
  await p?.stop();
  p = undefined;
});

async function pair(o: Partial<PairOptions>): Promise<Pair> {
  p = await startPair({ ike: ['aes128-sha256-modp2048'], esp: ['aes128-sha256'], ...o });
  return p;
}

async function connectFails(q: Pair): Promise<IkeConnectError> {
  try {
    await q.ours.connect(CONN, { timeoutMs: 15_000 });
  } catch (e) {
    expect(e).toBeInstanceOf(IkeConnectError);
    return e as IkeConnectError;
  }
  throw new Error('connect() succeeded where it had to fail');
}

describe.skipIf(!charonAvailable())('refusals against strongSwan charon', () => {
  it.skipIf(!MARKS)('PSK mismatch, ours initiates (RFC 7296 2.21.2): charon answers AUTHENTICATION_FAILED, no SA remains', async () => {
    const q = await pair({ psk: 'ours', charonPsk: 'theirs' });
    const err = await connectFails(q);
    expect(err.notify).toBe('AUTHENTICATION_FAILED');
    expect(q.charon.log()).toMatch(/tried 1 shared key for 'bob\.example' - 'alice\.example', but MAC mismatched/);
    await q.charon.waitForSas((s) => s.length === 0);
    expect(q.ours.status()).toEqual([]);
  });

  it('PSK mismatch, charon initiates (RFC 7296 2.21.2): ours answers AUTHENTICATION_FAILED, charon gives up', async () => {
    const q = await pair({ psk: 'ours', charonPsk: 'theirs' });
    const failed = q.ours.waitFor('error', (e) => e.notify === 'AUTHENTICATION_FAILED', 10_000);
    await expect(q.charon.initiate(CHILD)).rejects.toThrow(/failed/);
    await failed;
    expect(q.charon.log()).toMatch(/received AUTHENTICATION_FAILED notify error/);
    await q.charon.waitForSas((s) => s.length === 0);
  });

  it.skipIf(!MARKS)('disjoint IKE proposals, ours initiates (RFC 7296 2.7): charon answers NO_PROPOSAL_CHOSEN', async () => {
    const q = await pair({ ike: ['aes256gcm16-prfsha384-ecp384'], charonIke: ['aes128-sha256-modp2048'] });
    const err = await connectFails(q);
    expect(err.notify).toBe('NO_PROPOSAL_CHOSEN');
    expect(q.charon.log()).toMatch(/received proposals: IKE:AES_GCM_16_256\/PRF_HMAC_SHA2_384\/ECP_384/);
    expect(q.charon.log()).toMatch(/generating IKE_SA_INIT response 0 \[ N\(NO_PROP\) \]/);
    expect(q.charon.log()).toMatch(/received proposals unacceptable/);
  });

  it('disjoint IKE proposals, charon initiates (RFC 7296 2.7): ours answers NO_PROPOSAL_CHOSEN', async () => {
    const q = await pair({ ike: ['aes256gcm16-prfsha384-ecp384'], charonIke: ['aes128-sha256-modp2048'] });
    await expect(q.charon.initiate(CHILD)).rejects.toThrow(/failed/);
    expect(q.charon.log()).toMatch(/received NO_PROPOSAL_CHOSEN notify error/);
    expect(q.ours.status()).toEqual([]);
  });

  it.skipIf(!MARKS)('disjoint traffic selectors, ours initiates (RFC 7296 2.9, 2.21.3): TS_UNACCEPTABLE for the CHILD SA, the IKE SA stays up', async () => {
    const q = await pair({ ourChild: { localTs: ['10.7.0.0/24'] } });
    const err = await connectFails(q);
    expect(err.notify).toBe('TS_UNACCEPTABLE');
    const [sa] = await q.charon.waitForSas((s) => s.length === 1 && s[0].state === 'ESTABLISHED');
    expect(sa.children).toEqual([]);
    expect(q.ours.status()).toHaveLength(1);
    expect(q.ours.status()[0].children).toEqual([]);
  });

  it('disjoint traffic selectors, charon initiates (RFC 7296 2.9, 2.21.3): ours answers TS_UNACCEPTABLE, charon keeps the IKE SA', async () => {
    const q = await pair({ ourChild: { localTs: ['10.7.0.0/24'] } });
    await expect(q.charon.initiate(CHILD)).rejects.toThrow(/failed/);
    expect(q.charon.log()).toMatch(/received TS_UNACCEPTABLE notify, no CHILD_SA built/);
    const [sa] = await q.charon.waitForSas((s) => s.length === 1 && s[0].state === 'ESTABLISHED');
    expect(sa.children).toEqual([]);
    expect(q.ours.status()).toHaveLength(1);
  });

  it.skipIf(!MARKS)('ESN offered (RFC 7296 3.3.2 transform type 5): charon selects it but kernel-libipsec cannot install it, so NO_PROPOSAL_CHOSEN for the CHILD SA and the IKE SA stays (2.21.3)', async () => {
    const q = await pair({ esp: ['aes256-sha512-esn'] });
    const err = await connectFails(q);
    expect(err.notify).toBe('NO_PROPOSAL_CHOSEN');
    expect(q.charon.log()).toMatch(/selected proposal: ESP:AES_CBC_256\/HMAC_SHA2_512_256\/EXT_SEQ/);
    expect(q.charon.log()).toMatch(/IPsec SA: ESN not supported/);
    const [sa] = await q.charon.waitForSas((s) => s.length === 1 && s[0].state === 'ESTABLISHED');
    expect(sa.children).toEqual([]);
    expect(q.ours.status()).toHaveLength(1);
  });
});
