import { describe, expect, it } from 'vitest';
import { ipsecCollector } from '../../../../src/sources/routeros/collectors/ipsec.js';
import { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { callsWithoutProplist, commands, namingProblems, render, repliesFrom, setup, V6, V7 } from './helpers/fixture-api-families.js';

function info(id: string, local: string, remote: string, side: string): string {
  return `routeros_ipsec_peer_info{id="${id}",local_address="${local}",remote_address="${remote}",side="${side}"} 1`;
}

/** The fixture context's poll time (2025-01-02 10:00:00 UTC) in Unix seconds. */
const NOW = Date.UTC(2025, 0, 2, 10) / 1000;

/** Uptime (only while established), last seen as a timestamp from the poll time, phase-2 SAs. */
function liveness(id: string, uptime: number | undefined, lastSeenAgo: number, phase2: number): string[] {
  return [
    ...(uptime === undefined ? [] : [`routeros_ipsec_peer_uptime_seconds{id="${id}"} ${uptime}`]),
    `routeros_ipsec_peer_last_seen_timestamp_seconds{id="${id}"} ${NOW - lastSeenAgo}`,
    `routeros_ipsec_peer_phase2_sas{id="${id}"} ${phase2}`,
  ];
}

function traffic(id: string, rxBytes: number, txBytes: number, rxPackets: number, txPackets: number): string[] {
  return [
    `routeros_ipsec_peer_receive_bytes_total{id="${id}"} ${rxBytes}`,
    `routeros_ipsec_peer_transmit_bytes_total{id="${id}"} ${txBytes}`,
    `routeros_ipsec_peer_receive_packets_total{id="${id}"} ${rxPackets}`,
    `routeros_ipsec_peer_transmit_packets_total{id="${id}"} ${txPackets}`,
  ];
}

describe('ipsecCollector', () => {
  it('maps v7 active peers to counts per state and per-peer state, traffic and info', async () => {
    const { api, context } = setup(repliesFrom(V7, ['ip-ipsec-active-peers']), '7.16 (stable)');
    const output = await ipsecCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        'routeros_ipsec_active_peers{state="established"} 2',
        'routeros_ipsec_active_peers{state="expired"} 1',
        info('*1', '203.0.113.1', '198.51.100.20', 'initiator'),
        'routeros_ipsec_peer_established{id="*1"} 1',
        ...liveness('*1', 5 * 3600 + 3 * 60, 4, 2),
        ...traffic('*1', 987654, 123456, 4321, 1234),
        info('*2', '203.0.113.1', '198.51.100.77', 'responder'),
        'routeros_ipsec_peer_established{id="*2"} 1',
        ...liveness('*2', 12 * 60, 1, 1),
        ...traffic('*2', 5000, 7000, 50, 60),
        info('*3', '203.0.113.1', '192.0.2.200', 'initiator'),
        'routeros_ipsec_peer_established{id="*3"} 0',
        ...liveness('*3', undefined, 120, 0),
      ].sort(),
    );
    expect(commands(api.calls)).toEqual(['print /ip/ipsec/active-peers']);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
    expect(api.calls[0]?.options?.attributes).toEqual({ stats: '' });
  });

  it('reads v6 peers without traffic counters', async () => {
    const { context } = setup(repliesFrom(V6, ['ip-ipsec-active-peers']), '6.49.10 (long-term)');
    const output = await ipsecCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        'routeros_ipsec_active_peers{state="established"} 1',
        info('*1', '203.0.113.1', '198.51.100.20', 'initiator'),
        'routeros_ipsec_peer_established{id="*1"} 1',
        ...liveness('*1', 2 * 86_400 + 3 * 3600, 7, 1),
      ].sort(),
    );
  });

  it('reports 0 established peers rather than nothing', async () => {
    const { context } = setup({ '/ip/ipsec/active-peers': [] }, '7.16 (stable)');
    const output = await ipsecCollector.collect(context);
    expect(render(output.samples)).toEqual(['routeros_ipsec_active_peers{state="established"} 0']);
  });

  it('filters and caps per-peer series; the state counts cover every peer', async () => {
    const filtered = setup(repliesFrom(V7, ['ip-ipsec-active-peers']), '7.16 (stable)', { options: { exclude: ['192\\.0\\.2\\..*'] } });
    const filteredOutput = await ipsecCollector.collect(filtered.context);
    expect(render(filteredOutput.samples)).toContain('routeros_ipsec_active_peers{state="expired"} 1');
    expect(filteredOutput.samples.some((sample) => sample.attributes['id'] === '*3')).toBe(false);

    const capped = setup(repliesFrom(V7, ['ip-ipsec-active-peers']), '7.16 (stable)', { options: { max_series: 1 } });
    const output = await ipsecCollector.collect(capped.context);
    expect([...new Set(output.samples.map((sample) => sample.attributes['id']).filter(Boolean))]).toEqual(['*1']);
    // *2: info, established, uptime, last seen, phase 2, four counters; *3: info, established, last seen, phase 2.
    expect(output.dropped).toBe(9 + 4);
  });

  it('propagates a missing IPsec menu', async () => {
    const { context } = setup({}, '6.49.10 (long-term)');
    const error = await ipsecCollector.collect(context).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(TrapError);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('follows the naming rule under routeros_ipsec_', () => {
    expect(namingProblems(ipsecCollector, ['routeros_ipsec_'])).toEqual([]);
    expect(ipsecCollector.defaultEnabled).toBe(true);
  });
});
