import { describe, expect, it } from 'vitest';
import { ADDRESS_LISTS_MAX, addressListSettings, addressListsCollector } from '../../../../src/sources/routeros/collectors/address-lists.js';
import { CollectorOptionError } from '../../../../src/sources/routeros/collectors/support/options.js';
import { commands, namingProblems, render, setup } from './helpers/fixture-api-families.js';

const V4 = [
  ...Array.from({ length: 5 }, (_, index) => ({ '.id': `*${index + 1}`, list: 'blocklist', address: `198.51.100.${index}`, dynamic: 'true' })),
  { '.id': '*10', list: 'allowed', address: '192.0.2.10', dynamic: 'false' },
];
const V6 = [{ '.id': '*1', list: 'blocklist', address: '2001:db8::1', dynamic: 'true' }];

describe('addressListsCollector', () => {
  it('counts the total and each named list per family with count-only queries, never printing the entries', async () => {
    const { api, context } = setup({ '/ip/firewall/address-list': V4, '/ipv6/firewall/address-list': V6 }, '7.16 (stable)', {
      options: { lists: ['blocklist', 'absent'] },
    });
    expect(render((await addressListsCollector.collect(context)).samples)).toEqual(
      [
        'routeros_firewall_address_lists_entries{family="ipv4"} 6',
        'routeros_firewall_address_list_entries{family="ipv4",list="blocklist"} 5',
        'routeros_firewall_address_list_entries{family="ipv4",list="absent"} 0',
        'routeros_firewall_address_lists_entries{family="ipv6"} 1',
        'routeros_firewall_address_list_entries{family="ipv6",list="blocklist"} 1',
        'routeros_firewall_address_list_entries{family="ipv6",list="absent"} 0',
      ].sort(),
    );
    expect(commands(api.calls)).toEqual([
      'count /ip/firewall/address-list',
      'count /ip/firewall/address-list ?list=blocklist',
      'count /ip/firewall/address-list ?list=absent',
      'count /ipv6/firewall/address-list',
      'count /ipv6/firewall/address-list ?list=blocklist',
      'count /ipv6/firewall/address-list ?list=absent',
    ]);
    expect(api.calls.every((call) => call.method === 'count')).toBe(true);
  });

  it('reports only the totals without lists, skips IPv6 where RouterOS 6 lacks it, and honours families', async () => {
    const v6 = setup({ '/ip/firewall/address-list': V4 }, '6.49.10 (long-term)', { packages: ['system', 'security'] });
    expect(render((await addressListsCollector.collect(v6.context)).samples)).toEqual(['routeros_firewall_address_lists_entries{family="ipv4"} 6']);
    expect(commands(v6.api.calls)).toEqual(['count /ip/firewall/address-list']);

    const onlyV6 = setup({ '/ip/firewall/address-list': V4, '/ipv6/firewall/address-list': V6 }, '7.16 (stable)', { options: { families: ['ipv6'] } });
    expect(render((await addressListsCollector.collect(onlyV6.context)).samples)).toEqual(['routeros_firewall_address_lists_entries{family="ipv6"} 1']);
  });

  it('bounds the lists (each costs a command per family) and rejects bad options by key', () => {
    const many = Array.from({ length: ADDRESS_LISTS_MAX + 1 }, (_, index) => `list${index}`);
    expect(() => addressListSettings({ lists: many })).toThrow(CollectorOptionError);
    expect(() => addressListSettings({ lists: many })).toThrow(/^lists: at most 20 lists/);
    expect(() => addressListSettings({ lists: [''] })).toThrow(new CollectorOptionError('lists: a list name must not be empty'));
    expect(() => addressListSettings({ lists: 5 })).toThrow(new CollectorOptionError('lists: must be a list of strings'));
    expect(addressListSettings({ lists: ['a', 'a'] }).lists).toEqual(['a']);
  });

  it('is off by default and follows the naming rule', () => {
    expect(addressListsCollector.defaultEnabled).toBe(false);
    expect(namingProblems(addressListsCollector, ['routeros_firewall_address_list'])).toEqual([]);
  });
});
