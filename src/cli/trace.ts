/**
 * How the CLI prints IKE events and SA status: one readable line per event, one JSON object per
 * line with --json, and a table of the SAs. Key material never reaches either output; it goes
 * only to the keylog file.
 */
import type { IsakmpSaStatusV1 } from '../ikev1/index.js';
import type { IkeEvent, SaStatus } from '../ikev2/index.js';
import { toHex } from '../util/bytes.js';

function addr(a: { address: string; port: number }): string {
  return a.address.includes(':') ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

/** The fields of a 'keys' event that are not secret. */
function keysSummary(e: Extract<IkeEvent, { event: 'keys' }>): string {
  if (e.kind === 'ike') return `IKE SA ${e.ikeSaId} keys derived (SPIi ${e.spiI}, SPIr ${e.spiR}, ${e.encr}, ${e.integ})`;
  if (e.kind === 'isakmp') return `ISAKMP SA ${e.ikeSaId} keys derived (CKY-I ${e.spiI}, CKY-R ${e.spiR}, ${e.encr})`;
  return `CHILD SA ${e.childSaId} keys derived (SPI i->r ${e.spiItoR}, r->i ${e.spiRtoI}, ${e.encr}, ${e.integ})`;
}

/** One human-readable line (or block, for traces) for an event. */
export function formatEvent(e: IkeEvent): string {
  switch (e.event) {
    case 'ike-sa-up': {
      const nat = e.natDetected.local || e.natDetected.remote ? `NAT ${[e.natDetected.local && 'local', e.natDetected.remote && 'remote'].filter(Boolean).join('+')}` : 'no NAT';
      return `IKE SA ${e.ikeSaId} up (${e.initiator ? 'initiator' : 'responder'}): ${addr(e.local)} ${e.localId} <=> ${addr(e.remote)} ${e.remoteId}; SPIi ${e.spiI} SPIr ${e.spiR}; ${e.algorithms}; ${nat}`;
    }
    case 'child-sa-up':
      return `CHILD SA ${e.childSaId} up in ${e.ikeSaId}${e.rekeyOf ? ` (replaces ${e.rekeyOf})` : ''}: ${e.localTs.join(',')} === ${e.remoteTs.join(',')} ${e.mode}; SPI in ${e.spiIn} out ${e.spiOut}; ${e.algorithms}${e.virtualIps?.length ? `; virtual IP ${e.virtualIps.join(',')}` : ''}`;
    case 'ike-sa-rekeyed':
      return `IKE SA ${e.ikeSaId} rekeyed: now ${e.newIkeSaId} (SPIi ${e.spiI} SPIr ${e.spiR})`;
    case 'child-sa-rekeyed':
      return `CHILD SA ${e.childSaId} in ${e.ikeSaId} rekeyed: now ${e.newChildSaId}`;
    case 'child-sa-down':
      return `CHILD SA ${e.childSaId} in ${e.ikeSaId} down (SPI in ${e.spiIn} out ${e.spiOut}): ${e.reason}`;
    case 'ike-sa-down':
      return `IKE SA ${e.ikeSaId} down: ${e.reason}`;
    case 'error':
      return `error${e.ikeSaId ? ` in ${e.ikeSaId}` : ''}${e.notify ? ` [${e.notify}]` : ''}: ${e.message}`;
    case 'trace':
      return e.text
        .split('\n')
        .map((l) => `  | ${l}`)
        .join('\n');
    case 'keys':
      return keysSummary(e);
    default:
      return JSON.stringify(eventJson(e as IkeEvent));
  }
}

const SECRET_KEYS = /^(SK_|encrKey|integKey)/;

/** The event as a JSON-ready object: Uint8Array fields as hex, key material left out. */
export function eventJson(e: IkeEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (e.event === 'keys' && SECRET_KEYS.test(k)) continue;
    out[k] = v instanceof Uint8Array ? toHex(v) : v;
  }
  return out;
}

export function eventJsonLine(e: IkeEvent): string {
  return JSON.stringify(eventJson(e), (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v));
}

function ago(t: number | undefined, now: number): string {
  if (t === undefined) return '-';
  const s = Math.round((t - now) / 1000);
  return s > 0 ? `in ${s}s` : `${-s}s ago`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd());
}

/**
 * The SA status view: one block per IKE SA with its SPIs, algorithms, key sizes, group, auth,
 * lifetimes, Message IDs, window and NAT state, then a table of its Child SAs. `now` is on the
 * endpoint's clock.
 */
export function formatStatus(status: SaStatus[], now: number): string {
  if (status.length === 0) return 'no IKE SAs';
  const out: string[] = [];
  for (const sa of status) {
    const [localSpi, remoteSpi] = sa.initiator ? [sa.spiI, sa.spiR] : [sa.spiR, sa.spiI];
    const nat = [sa.nat.local && 'we are behind NAT', sa.nat.remote && 'peer is behind NAT'].filter(Boolean).join(', ') || 'none';
    out.push(`IKE SA ${sa.ikeSaId}${sa.name ? ` (${sa.name})` : ''}: ${sa.state}, ${sa.initiator ? 'initiator' : 'responder'}`);
    out.push(
      ...table([
        ['  local', addr(sa.local), sa.localId, `SPI ${localSpi}`],
        ['  remote', addr(sa.remote), sa.remoteId ?? '-', `SPI ${remoteSpi}`],
      ]),
    );
    const keySize = sa.encrKeyBits ? ` ${sa.encrKeyBits}-bit key` : '';
    out.push(`  algorithms  ${sa.algorithms ?? '-'} (encr ${sa.encr ?? '-'}${keySize}, integ ${sa.integ ?? '-'}, prf ${sa.prf ?? '-'}, DH ${sa.dhGroup ?? '-'})`);
    out.push(`  auth        ${sa.authMethod}`);
    out.push(`  lifetime    established ${ago(sa.establishedAt, now)}, rekey ${ago(sa.rekeyAt, now)}, expires ${ago(sa.expiresAt, now)}`);
    out.push(`  message IDs next request ${sa.messageIds.nextRequest}, expected request ${sa.messageIds.expectedRequest}, window ${sa.window}`);
    out.push(`  NAT         ${nat}; fragmentation ${sa.fragmentation ? 'on' : 'off'}`);
    if (sa.children.length > 0) {
      const rows = [['  CHILD SA', 'state', 'SPI in', 'SPI out', 'mode', 'algorithms', 'PFS', 'local TS', 'remote TS', 'rekey', 'expires']];
      for (const c of sa.children) {
        rows.push([`  ${c.childSaId}`, c.state, c.spiIn, c.spiOut, c.mode, c.algorithms, c.pfsGroup ?? '-', c.localTs.join(','), c.remoteTs.join(','), ago(c.rekeyAt, now), ago(c.expiresAt, now)]);
      }
      out.push(...table(rows));
    } else {
      out.push('  no CHILD SAs');
    }
  }
  return out.join('\n');
}

function left(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const sec = seconds % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')} (${seconds}s)`;
}

/**
 * The IKEv1 status view: one block per ISAKMP SA (phase 1: cookies, mode, transform, lifetime
 * left, NAT, DPD), then a table of its IPsec SAs (phase 2: SPIs, transform, PFS group, lifetime
 * left). An established ISAKMP SA is IKE_P1_COMPLETE, idle for Quick Modes: QM_IDLE.
 */
export function formatStatusV1(status: IsakmpSaStatusV1[]): string {
  if (status.length === 0) return 'no ISAKMP SAs';
  const out: string[] = [];
  for (const sa of status) {
    const state = sa.state === 'IKE_P1_COMPLETE' ? 'IKE_P1_COMPLETE (QM_IDLE)' : sa.state;
    const nat = [sa.nat.local && 'we are behind NAT', sa.nat.remote && 'peer is behind NAT'].filter(Boolean).join(', ') || 'none';
    out.push(`ISAKMP SA ${sa.ikeSaId}${sa.name ? ` (${sa.name})` : ''}: ${state}, ${sa.mode === 'main' ? 'Main' : 'Aggressive'} Mode, ${sa.initiator ? 'initiator' : 'responder'}`);
    out.push(
      ...table([
        ['  local', addr(sa.local), sa.localId, `${sa.initiator ? 'CKY-I' : 'CKY-R'} ${sa.initiator ? sa.spiI : sa.spiR}`],
        ['  remote', addr(sa.remote), sa.remoteId ?? '-', `${sa.initiator ? 'CKY-R' : 'CKY-I'} ${sa.initiator ? sa.spiR : sa.spiI}`],
      ]),
    );
    out.push(`  transform   ${sa.algorithms ?? '-'}, auth ${sa.authMethod}`);
    out.push(`  lifetime    left ${left(sa.lifetimeLeft)}`);
    out.push(`  NAT         ${nat}; DPD ${sa.dpd ? 'on' : 'off'}${sa.peerVendorIds.length ? `; peer Vendor IDs ${sa.peerVendorIds.join(', ')}` : ''}`);
    if (sa.children.length > 0) {
      const rows = [['  IPsec SA', 'state', 'SPI in', 'SPI out', 'mode', 'transform', 'PFS', 'local ID', 'remote ID', 'lifetime left']];
      for (const c of sa.children) {
        const state = c.state === 'INSTALLED' ? 'IKE_QM_PHASE2_COMPLETE' : c.state;
        rows.push([`  ${c.childSaId}`, state, c.spiIn, c.spiOut, c.mode, c.algorithms, c.pfsGroup ?? 'no PFS', c.localTs.join(','), c.remoteTs.join(','), left(c.lifetimeLeft)]);
      }
      out.push(...table(rows));
    } else {
      out.push('  no IPsec SAs');
    }
  }
  return out.join('\n');
}
