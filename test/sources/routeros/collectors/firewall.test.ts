import { describe, expect, it } from 'vitest';
import { firewallCollector } from '../../../../src/sources/routeros/collectors/firewall.js';
import { CollectorOptionError } from '../../../../src/sources/routeros/collectors/support/options.js';
import { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { missingMenu } from './helpers/fixture-api.js';
import {
  callsWithoutProplist,
  commands,
  duplicateSeries,
  namingProblems,
  render,
  repliesFrom,
  setup,
  V6,
  V7,
} from './helpers/fixture-api-families.js';

const V7_MENUS = ['ip-firewall-filter', 'ip-firewall-nat', 'ip-firewall-mangle', 'ip-firewall-raw', 'ipv6-firewall-filter'];
const V7_EMPTY = { '/ipv6/firewall/nat': [], '/ipv6/firewall/mangle': [], '/ipv6/firewall/raw': [] };

/** The three lines one rule produces. */
function rule(
  family: string,
  table: string,
  id: string,
  chain: string,
  action: string,
  comment: string,
  dynamic: boolean,
  bytes: number,
  packets: number,
): string[] {
  const key = `family="${family}",table="${table}",chain="${chain}",id="${id}"`;
  return [
    `routeros_firewall_rule_info{family="${family}",table="${table}",id="${id}",chain="${chain}",action="${action}",comment="${comment}",dynamic="${dynamic}"} 1`,
    `routeros_firewall_rule_bytes_total{${key}} ${bytes}`,
    `routeros_firewall_rule_packets_total{${key}} ${packets}`,
  ];
}

describe('firewallCollector', () => {
  it('maps every enabled rule of the v7 tables, IPv4 and IPv6, to exact samples keyed by .id', async () => {
    const { api, context } = setup(repliesFrom(V7, V7_MENUS, V7_EMPTY), '7.16 (stable)');
    const output = await firewallCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        ...rule('ipv4', 'filter', '*1', 'forward', 'passthrough', 'special dummy rule to show fasttrack counters', true, 73548327516, 61230011),
        // 9007199254740993 is beyond 2^53: the nearest double, never NaN.
        ...rule('ipv4', 'filter', '*2', 'input', 'accept', 'defconf: accept established,related,untracked', false, 9007199254740992, 41234567),
        ...rule('ipv4', 'filter', '*3', 'input', 'drop', 'defconf: drop invalid', false, 1520, 38),
        ...rule('ipv4', 'filter', '*38', 'forward', 'accept', 'VPN', false, 4411, 27),
        ...rule('ipv4', 'filter', '*39', 'forward', 'accept', 'VPN', false, 880, 9),
        ...rule('ipv4', 'filter', '*3A', 'forward', 'drop', '', false, 0, 0),
        ...rule('ipv4', 'nat', '*2', 'srcnat', 'masquerade', '', false, 0, 0),
        ...rule('ipv4', 'nat', '*5', 'dstnat', 'dst-nat', '', true, 1200, 14),
        ...rule('ipv4', 'nat', '*6', 'dstnat', 'dst-nat', '', true, 96, 2),
        ...rule('ipv4', 'mangle', '*1', 'prerouting', 'accept', '', false, 31611, 325),
        ...rule('ipv4', 'raw', '*1', 'prerouting', 'notrack', 'bypass lan', false, 500, 5),
        ...rule('ipv6', 'filter', '*1', 'input', 'accept', 'defconf: accept ICMPv6', false, 33120, 412),
        ...rule('ipv6', 'filter', '*2', 'forward', 'drop', 'defconf: drop everything else not coming from LAN', false, 0, 0),
      ].sort(),
    );
    expect(output.dropped).toBe(0);
    expect(duplicateSeries(output.samples)).toEqual([]);
    expect(commands(api.calls).sort()).toEqual(
      ['filter', 'nat', 'mangle', 'raw']
        .flatMap((table) => [`print /ip/firewall/${table} ?disabled=true ?#!`, `print /ipv6/firewall/${table} ?disabled=true ?#!`])
        .sort(),
    );
  });

  it('keeps rules with the same chain, action and comment apart (akpw/mktxp #153)', async () => {
    const { context } = setup(repliesFrom(V7, ['ip-firewall-filter']), '7.16 (stable)', {
      options: { tables: ['filter'], families: ['ipv4'] },
    });
    const output = await firewallCollector.collect(context);
    const vpn = render(output.samples).filter((text) => text.includes('comment="VPN"'));
    expect(vpn).toEqual([
      'routeros_firewall_rule_info{family="ipv4",table="filter",id="*38",chain="forward",action="accept",comment="VPN",dynamic="false"} 1',
      'routeros_firewall_rule_info{family="ipv4",table="filter",id="*39",chain="forward",action="accept",comment="VPN",dynamic="false"} 1',
    ]);
  });

  it('sends a proplist and =stats= with every print', async () => {
    const { api, context } = setup(repliesFrom(V7, V7_MENUS, V7_EMPTY), '7.16 (stable)');
    await firewallCollector.collect(context);
    expect(api.calls).toHaveLength(8);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
    for (const call of api.calls) {
      expect(call.options?.attributes).toEqual({ stats: '' });
      expect(call.options?.proplist).toEqual(['.id', 'chain', 'action', 'comment', 'dynamic', 'bytes', 'packets']);
      expect(call.options?.signal).toBe(context.signal);
    }
  });

  it('skips the IPv6 menus on a v6 router whose ipv6 package is disabled, without asking', async () => {
    const replies = repliesFrom(V6, ['ip-firewall-filter', 'ip-firewall-nat'], { '/ip/firewall/mangle': [], '/ip/firewall/raw': [] });
    const { api, context } = setup(replies, '6.49.10 (long-term)', { packages: ['routeros-mipsbe', 'system', 'dhcp', 'ppp'] });
    const output = await firewallCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        ...rule('ipv4', 'filter', '*1', 'forward', 'passthrough', 'special dummy rule to show fasttrack counters', true, 123456789, 234567),
        ...rule('ipv4', 'filter', '*2', 'input', 'accept', 'defconf: accept established,related', false, 5544332211, 4433221),
        ...rule('ipv4', 'filter', '*3', 'forward', 'fasttrack-connection', '', false, 0, 0),
        ...rule('ipv4', 'nat', '*1', 'srcnat', 'masquerade', 'defconf: masquerade', false, 99887766, 112233),
      ].sort(),
    );
    expect(api.calls.map((call) => call.path).filter((path) => path.startsWith('/ipv6'))).toEqual([]);
  });

  it('keeps the IPv4 tables when the IPv6 menus trap as missing (package list unknown)', async () => {
    const replies = repliesFrom(V6, ['ip-firewall-filter', 'ip-firewall-nat'], { '/ip/firewall/mangle': [], '/ip/firewall/raw': [] });
    const { api, context } = setup(replies, '6.49.10 (long-term)', { packages: [] });
    const output = await firewallCollector.collect(context);
    expect(output.samples).toHaveLength(12);
    expect(api.calls.filter((call) => call.path.startsWith('/ipv6'))).toHaveLength(4);
  });

  it('propagates the missing-feature trap when no table exists, so the engine marks it unsupported', async () => {
    const { context } = setup({}, '7.16 (stable)');
    const error = await firewallCollector.collect(context).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(TrapError);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('does not swallow traps that are not about a missing menu', async () => {
    const denied = new TrapError('not enough permissions (9)', 0);
    const { context } = setup(repliesFrom(V7, V7_MENUS, { ...V7_EMPTY, '/ipv6/firewall/raw': denied }), '7.16 (stable)');
    await expect(firewallCollector.collect(context)).rejects.toBe(denied);
  });

  it('filters chains with include_chains/exclude_chains and reads only the selected tables and families', async () => {
    const { api, context } = setup(repliesFrom(V7, V7_MENUS, V7_EMPTY), '7.16 (stable)', {
      options: { tables: ['filter', 'nat'], families: ['ipv4'], include_chains: ['forward', 'dst.*'], exclude_chains: ['dstnat'] },
    });
    const output = await firewallCollector.collect(context);
    expect(commands(api.calls)).toEqual(['print /ip/firewall/filter ?disabled=true ?#!', 'print /ip/firewall/nat ?disabled=true ?#!']);
    const ids = output.samples.filter((sample) => sample.metric.name.endsWith('.info')).map((sample) => sample.attributes['id']);
    expect(ids).toEqual(['*1', '*38', '*39', '*3A']);
  });

  it('caps the rules per router and reports the series of the others as dropped', async () => {
    const { context } = setup(repliesFrom(V7, V7_MENUS, V7_EMPTY), '7.16 (stable)', { options: { max_series: 2 } });
    const output = await firewallCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        ...rule('ipv4', 'filter', '*1', 'forward', 'passthrough', 'special dummy rule to show fasttrack counters', true, 73548327516, 61230011),
        ...rule('ipv4', 'filter', '*2', 'input', 'accept', 'defconf: accept established,related,untracked', false, 9007199254740992, 41234567),
      ].sort(),
    );
    // 13 rules of 3 series each; 11 rules did not fit.
    expect(output.dropped).toBe(33);
  });

  it('rejects bad options with an error naming the key', async () => {
    const { context } = setup({}, '7.16 (stable)', { options: { tables: ['filter', 'bogus'] } });
    await expect(firewallCollector.collect(context)).rejects.toThrow(new CollectorOptionError('tables: unknown value "bogus" (expected filter, nat, mangle, raw)'));
    const bad = setup({}, '7.16 (stable)', { options: { include_chains: ['('] } });
    await expect(firewallCollector.collect(bad.context)).rejects.toThrow(/^include_chains\[0\]: invalid regular expression/);
    const families = setup({}, '7.16 (stable)', { options: { families: ['ipv5'] } });
    await expect(firewallCollector.collect(families.context)).rejects.toBeInstanceOf(CollectorOptionError);
  });

  it('follows the naming rule under routeros_firewall_', () => {
    expect(namingProblems(firewallCollector, ['routeros_firewall_'])).toEqual([]);
    expect(firewallCollector.defaultEnabled).toBe(true);
    expect(firewallCollector.name).toBe('firewall');
  });

  it('fails fast when the router reports a menu as missing for IPv4 only', async () => {
    const { context } = setup({ '/ip/firewall/filter': missingMenu() }, '7.16 (stable)', { options: { tables: ['filter'], families: ['ipv4'] } });
    await expect(firewallCollector.collect(context)).rejects.toBeInstanceOf(TrapError);
  });
});
