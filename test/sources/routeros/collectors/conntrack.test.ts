import { describe, expect, it } from 'vitest';
import { conntrackCollector } from '../../../../src/sources/routeros/collectors/conntrack.js';
import { CollectorOptionError } from '../../../../src/sources/routeros/collectors/support/options.js';
import { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { missingMenu } from './helpers/fixture-api.js';
import { callsWithoutProplist, commands, namingProblems, render, repliesFrom, setup, V6, V7 } from './helpers/fixture-api-families.js';

const V7_MENUS = ['ip-firewall-connection', 'ipv6-firewall-connection', 'ip-firewall-connection-tracking'];

describe('conntrackCollector', () => {
  it('counts v7 entries per family and protocol with count-only queries and reads the maximum', async () => {
    const { api, context } = setup(repliesFrom(V7, V7_MENUS), '7.16 (stable)');
    const output = await conntrackCollector.collect(context);
    expect(render(output.samples)).toEqual([
      'routeros_conntrack_entries{family="ipv4"} 7',
      'routeros_conntrack_entries{family="ipv6"} 3',
      'routeros_conntrack_max_entries 1048576',
      'routeros_conntrack_protocol_entries{family="ipv4",protocol="icmp"} 1',
      'routeros_conntrack_protocol_entries{family="ipv4",protocol="tcp"} 3',
      'routeros_conntrack_protocol_entries{family="ipv4",protocol="udp"} 2',
      'routeros_conntrack_protocol_entries{family="ipv6",protocol="icmpv6"} 1',
      'routeros_conntrack_protocol_entries{family="ipv6",protocol="tcp"} 1',
      'routeros_conntrack_protocol_entries{family="ipv6",protocol="udp"} 1',
    ]);
    // The connection table is never printed: only counts, and one print of the settings row.
    expect(commands(api.calls).sort()).toEqual([
      'count /ip/firewall/connection',
      'count /ip/firewall/connection ?protocol=icmp',
      'count /ip/firewall/connection ?protocol=tcp',
      'count /ip/firewall/connection ?protocol=udp',
      'count /ipv6/firewall/connection',
      'count /ipv6/firewall/connection ?protocol=icmpv6',
      'count /ipv6/firewall/connection ?protocol=tcp',
      'count /ipv6/firewall/connection ?protocol=udp',
      'print /ip/firewall/connection/tracking',
    ]);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
    expect(api.calls.find((call) => call.method === 'print')?.options?.proplist).toEqual(['max-entries']);
    expect(api.calls.every((call) => call.options?.signal === context.signal)).toBe(true);
  });

  it('keeps IPv4 on a v6 router whose IPv6 menu is missing', async () => {
    const { api, context } = setup(repliesFrom(V6, ['ip-firewall-connection', 'ip-firewall-connection-tracking']), '6.49.10 (long-term)', {
      packages: [],
    });
    const output = await conntrackCollector.collect(context);
    expect(render(output.samples)).toEqual([
      'routeros_conntrack_entries{family="ipv4"} 3',
      'routeros_conntrack_max_entries 174400',
      'routeros_conntrack_protocol_entries{family="ipv4",protocol="icmp"} 0',
      'routeros_conntrack_protocol_entries{family="ipv4",protocol="tcp"} 1',
      'routeros_conntrack_protocol_entries{family="ipv4",protocol="udp"} 2',
    ]);
    expect(api.calls.some((call) => call.path.startsWith('/ipv6'))).toBe(true);
  });

  it('does not ask for IPv6 when the v6 package list lacks ipv6', async () => {
    const { api, context } = setup(repliesFrom(V6, ['ip-firewall-connection', 'ip-firewall-connection-tracking']), '6.49.10 (long-term)', {
      packages: ['system', 'dhcp'],
    });
    await conntrackCollector.collect(context);
    expect(api.calls.filter((call) => call.path.startsWith('/ipv6'))).toEqual([]);
  });

  it('counts the configured protocols and families only', async () => {
    const { api, context } = setup(repliesFrom(V7, V7_MENUS), '7.16 (stable)', { options: { families: ['ipv4'], protocols: ['tcp', 'gre'] } });
    const output = await conntrackCollector.collect(context);
    expect(render(output.samples)).toEqual([
      'routeros_conntrack_entries{family="ipv4"} 7',
      'routeros_conntrack_max_entries 1048576',
      'routeros_conntrack_protocol_entries{family="ipv4",protocol="gre"} 1',
      'routeros_conntrack_protocol_entries{family="ipv4",protocol="tcp"} 3',
    ]);
    expect(api.calls).toHaveLength(4);
  });

  it('propagates a missing IPv4 connection table as unsupported', async () => {
    const replies = repliesFrom(V7, V7_MENUS, { '/ip/firewall/connection': missingMenu() });
    const { context } = setup(replies, '7.16 (stable)');
    const error = await conntrackCollector.collect(context).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(TrapError);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('rejects protocol names that are not protocol names', async () => {
    const { context } = setup({}, '7.16 (stable)', { options: { protocols: ['tcp ?x'] } });
    await expect(conntrackCollector.collect(context)).rejects.toThrow(new CollectorOptionError('protocols: invalid protocol name "tcp ?x"'));
  });

  it('follows the naming rule under routeros_conntrack_ (and stays clear of routeros_conntrack_source_)', () => {
    expect(namingProblems(conntrackCollector, ['routeros_conntrack_'])).toEqual([]);
    expect(conntrackCollector.metrics.some((metric) => metric.name.startsWith('routeros.conntrack.source.'))).toBe(false);
    expect(conntrackCollector.defaultEnabled).toBe(true);
  });
});
