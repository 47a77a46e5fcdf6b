import { describe, expect, it } from 'vitest';
import { dhcpLeasesCollector } from '../../../../src/sources/routeros/collectors/dhcp-leases.js';
import { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { callsWithoutProplist, commands, duplicateSeries, namingProblems, render, repliesFrom, setup, V6, V7 } from './helpers/fixture-api-families.js';

/** The fixture context's poll time (2025-01-02 10:00:00 UTC) in Unix seconds: times are timestamps from it. */
const NOW = Date.UTC(2025, 0, 2, 10) / 1000;

function info(id: string, server: string, address: string, mac: string, host: string, comment: string): string {
  return `routeros_dhcp_lease_info{id="${id}",server="${server}",address="${address}",mac_address="${mac}",host_name="${host}",comment="${comment}"} 1`;
}

describe('dhcpLeasesCollector', () => {
  it('maps v7 leases to info, bound state, and expiry and last-seen as timestamps from the poll time', async () => {
    const { api, context } = setup(repliesFrom(V7, ['ip-dhcp-server-lease']), '7.16 (stable)');
    const output = await dhcpLeasesCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        info('*5', 'lan_dhcp', '10.10.10.252', '00:11:22:33:44:55', 'Mac-mini', 'mac mini'),
        'routeros_dhcp_lease_bound{id="*5"} 1',
        `routeros_dhcp_lease_expiry_timestamp_seconds{id="*5"} ${NOW + 1317}`,
        `routeros_dhcp_lease_last_seen_timestamp_seconds{id="*5"} ${NOW - 483}`,
        info('*6', 'lan_dhcp', '10.10.10.180', '00:11:22:33:44:66', 'printer', ''),
        'routeros_dhcp_lease_bound{id="*6"} 1',
        `routeros_dhcp_lease_expiry_timestamp_seconds{id="*6"} ${NOW + 570}`,
        `routeros_dhcp_lease_last_seen_timestamp_seconds{id="*6"} ${NOW - 1230}`,
        // Static lease, never seen: no expiry and no last-seen series rather than 0.
        info('*7', 'lan_dhcp', '10.10.10.50', '00:11:22:33:44:77', '', 'NAS (static)'),
        'routeros_dhcp_lease_bound{id="*7"} 0',
        info('*8', 'guest_dhcp', '10.20.0.15', 'AA:BB:CC:DD:EE:01', 'phone', ''),
        'routeros_dhcp_lease_bound{id="*8"} 1',
        `routeros_dhcp_lease_expiry_timestamp_seconds{id="*8"} ${NOW + 1391}`,
        `routeros_dhcp_lease_last_seen_timestamp_seconds{id="*8"} ${NOW - 49}`,
        info('*9', 'guest_dhcp', '10.20.0.16', 'AA:BB:CC:DD:EE:02', '', ''),
        'routeros_dhcp_lease_bound{id="*9"} 0',
        `routeros_dhcp_lease_expiry_timestamp_seconds{id="*9"} ${NOW + 25}`,
        `routeros_dhcp_lease_last_seen_timestamp_seconds{id="*9"} ${NOW - 5}`,
      ].sort(),
    );
    expect(output.dropped).toBe(0);
    expect(duplicateSeries(output.samples)).toEqual([]);
    expect(commands(api.calls)).toEqual(['print /ip/dhcp-server/lease']);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
  });

  it('reads the v6 clock-form expiry (14:40:26)', async () => {
    const { context } = setup(repliesFrom(V6, ['ip-dhcp-server-lease']), '6.49.10 (long-term)');
    const output = await dhcpLeasesCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        info('*2A5C', 'User', '192.168.6.95', 'B8:88:E3:39:EF:E6', 'cc-PC', ''),
        'routeros_dhcp_lease_bound{id="*2A5C"} 1',
        `routeros_dhcp_lease_expiry_timestamp_seconds{id="*2A5C"} ${NOW + 52826}`,
        `routeros_dhcp_lease_last_seen_timestamp_seconds{id="*2A5C"} ${NOW - 29974}`,
        info('*2A5D', 'User', '192.168.6.10', 'B8:88:E3:00:00:10', '', 'printer'),
        'routeros_dhcp_lease_bound{id="*2A5D"} 0',
      ].sort(),
    );
  });

  it('never puts time-varying values into labels', async () => {
    const { context } = setup(repliesFrom(V7, ['ip-dhcp-server-lease']), '7.16 (stable)');
    const output = await dhcpLeasesCollector.collect(context);
    const labelValues = output.samples.flatMap((sample) => Object.values(sample.attributes));
    for (const timeVarying of ['21m57s', '8m3s', '9m30s', 'never']) expect(labelValues).not.toContain(timeVarying);
  });

  it('filters by server and caps leases, counting the series of the rest as dropped', async () => {
    const filtered = setup(repliesFrom(V7, ['ip-dhcp-server-lease']), '7.16 (stable)', { options: { exclude: ['lan_dhcp'] } });
    const ids = (await dhcpLeasesCollector.collect(filtered.context)).samples.map((sample) => sample.attributes['id']);
    expect([...new Set(ids)]).toEqual(['*8', '*9']);

    const capped = setup(repliesFrom(V7, ['ip-dhcp-server-lease']), '7.16 (stable)', { options: { max_series: 2 } });
    const output = await dhcpLeasesCollector.collect(capped.context);
    expect([...new Set(output.samples.map((sample) => sample.attributes['id']))]).toEqual(['*5', '*6']);
    // *7 has 2 series (no expiry, never seen), *8 and *9 have 4 each.
    expect(output.dropped).toBe(10);
  });

  it('propagates a missing lease menu', async () => {
    const { context } = setup({}, '6.49.10 (long-term)');
    const error = await dhcpLeasesCollector.collect(context).catch((reason: unknown) => reason);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('is off by default and follows the naming rule under routeros_dhcp_lease_', () => {
    expect(dhcpLeasesCollector.defaultEnabled).toBe(false);
    expect(dhcpLeasesCollector.name).toBe('dhcp_leases');
    expect(namingProblems(dhcpLeasesCollector, ['routeros_dhcp_lease_'])).toEqual([]);
  });
});
