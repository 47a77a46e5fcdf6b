import { describe, expect, it } from 'vitest';
import { prometheusName } from '../../../../src/engine/metric.js';
import { ETHERNET_AUTO_NEGOTIATION, ETHERNET_MONITOR_PROPLIST, ETHERNET_SPEED, ethernetCollector } from '../../../../src/sources/routeros/collectors/ethernet.js';
import { monitorOnce } from '../../../../src/sources/routeros/collectors/support/fetch.js';
import { SampleList, addStateSet } from '../../../../src/sources/routeros/collectors/support/samples.js';
import { CollectorOptionError } from '../../../../src/sources/routeros/collectors/support/options.js';
import type { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { callsWithoutProplist, commands, namingProblems, render, repliesFrom, V6, V7 } from './helpers/fixture-api-families.js';
import { monitorCalls, monitorsFrom, monitorSetup } from './helpers/fixture-api-monitors.js';

/** `speed` as rated, in bits per second; exported in bytes per second. */
function port(name: string, speed: number, fullDuplex: 0 | 1): string[] {
  return [
    `routeros_ethernet_auto_negotiation{interface="${name}",state="done"} 1`,
    `routeros_ethernet_auto_negotiation{interface="${name}",state="incomplete"} 0`,
    `routeros_ethernet_full_duplex{interface="${name}"} ${fullDuplex}`,
    `routeros_ethernet_speed_bytes_per_second{interface="${name}"} ${speed / 8}`,
  ];
}

function v7(options: Record<string, unknown> = {}) {
  return monitorSetup(repliesFrom(V7, ['interface-ethernet']), monitorsFrom(V7, ['interface-ethernet-monitor']), '7.16 (stable)', { options });
}

describe('ethernetCollector', () => {
  it('monitors every running port in ONE call and maps speed, duplex and auto-negotiation (v7)', async () => {
    const { api, context } = v7();
    const output = await ethernetCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [...port('ether1', 1e9, 1), ...port('ether2', 1e8, 0), ...port('uplink-isp', 1e10, 1)].sort(),
    );
    expect(commands(api.calls)).toEqual(['print /interface/ethernet ?running=true', 'execute /interface/ethernet/monitor']);
    expect(monitorCalls(api)).toEqual(['/interface/ethernet/monitor ether1,ether2,uplink-isp']);
    expect(api.calls[1]?.options?.proplist).toEqual(ETHERNET_MONITOR_PROPLIST);
    expect(api.calls[0]?.options?.proplist).toEqual(['name']);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
  });

  it('reads v6 rows and applies include/exclude before the monitor', async () => {
    const { api, context } = monitorSetup(
      repliesFrom(V6, ['interface-ethernet']),
      monitorsFrom(V6, ['interface-ethernet-monitor']),
      '6.49.10 (long-term)',
      { options: { include: ['sfp.*', 'mgmt'], exclude: ['sfp1'] } },
    );
    const output = await ethernetCollector.collect(context);
    expect(render(output.samples)).toEqual([...port('mgmt', 1e9, 1), ...port('sfp-sfpplus1', 1e10, 1)].sort());
    expect(monitorCalls(api)).toEqual(['/interface/ethernet/monitor sfp-sfpplus1,mgmt']);
  });

  it('sends no monitor when no port is running', async () => {
    const { api, context } = monitorSetup({ '/interface/ethernet': [{ name: 'ether1', running: 'false' }] }, {}, '7.16 (stable)');
    const output = await ethernetCollector.collect(context);
    expect(output.samples).toEqual([]);
    expect(api.calls).toHaveLength(1);
  });

  it('reports an unknown auto-negotiation state as its own series', async () => {
    const { context } = monitorSetup(
      { '/interface/ethernet': [{ name: 'ether9', running: 'true' }] },
      { '/interface/ethernet/monitor': { ether9: { name: 'ether9', 'auto-negotiation': 'Failed', rate: '2.5Gbps' } } },
      '7.16 (stable)',
    );
    expect(render((await ethernetCollector.collect(context)).samples)).toEqual([
      'routeros_ethernet_auto_negotiation{interface="ether9",state="done"} 0',
      'routeros_ethernet_auto_negotiation{interface="ether9",state="failed"} 1',
      'routeros_ethernet_auto_negotiation{interface="ether9",state="incomplete"} 0',
      'routeros_ethernet_speed_bytes_per_second{interface="ether9"} 312500000',
    ]);
  });

  it('propagates a missing /interface/ethernet as a missing feature', async () => {
    const { context } = monitorSetup({}, {}, '7.16 (stable)');
    const error = await ethernetCollector.collect(context).catch((reason: unknown) => reason);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('rejects a bad pattern naming the option', async () => {
    const { context } = v7({ include: ['('] });
    await expect(ethernetCollector.collect(context)).rejects.toBeInstanceOf(CollectorOptionError);
  });

  it('reads every rate RouterOS reports, in bytes per second', async () => {
    const rates: readonly (readonly [string, number])[] = [
      ['10Mbps', 1e7],
      ['100Mbps', 1e8],
      ['1Gbps', 1e9],
      ['2.5Gbps', 2.5e9],
      ['5Gbps', 5e9],
      ['10Gbps', 1e10],
      ['25Gbps', 2.5e10],
      ['40Gbps', 4e10],
      ['100Gbps', 1e11],
    ];
    const ports = rates.map(([rate, bits], index) => ({ name: `ether${index + 1}`, rate, bits }));
    const { context } = monitorSetup(
      { '/interface/ethernet': ports.map(({ name }) => ({ name, running: 'true' })) },
      { '/interface/ethernet/monitor': Object.fromEntries(ports.map(({ name, rate }) => [name, { name, rate }])) },
      '7.16 (stable)',
    );
    const output = await ethernetCollector.collect(context);
    expect(output.samples.map((sample) => [sample.attributes['interface'], sample.value])).toEqual(ports.map(({ name, bits }) => [name, bits / 8]));
  });

  it('follows the naming rule under routeros_ethernet_; the speed is in bytes per second, named by its unit', () => {
    expect(namingProblems(ethernetCollector, ['routeros_ethernet_'])).toEqual([]);
    expect(ethernetCollector.defaultEnabled).toBe(true);
    expect(ETHERNET_SPEED).toMatchObject({ name: 'routeros.ethernet.speed', unit: 'By/s' });
    expect(prometheusName(ETHERNET_SPEED)).toBe('routeros_ethernet_speed_bytes_per_second');
  });
});

describe('monitorOnce', () => {
  it('pairs rows without a name with the items by position, and dedupes items', async () => {
    const { api, context } = monitorSetup(
      {},
      { '/x/monitor': { a: { name: 'a', v: '1' }, b: { name: 'b', v: '2' } } },
      '7.16 (stable)',
      { unnamed: ['/x/monitor'] },
    );
    const rows = await monitorOnce(context, '/x/monitor', ['b', 'a', 'b'], ['name', 'v']);
    expect([...rows]).toEqual([
      ['b', { v: '2' }],
      ['a', { v: '1' }],
    ]);
    expect(api.calls[0]?.attributes).toEqual({ numbers: 'b,a', once: '' });
  });

  it('skips names that would break the numbers list', async () => {
    const { api, context } = monitorSetup({}, { '/x/monitor': { a: { name: 'a' } } }, '7.16 (stable)');
    expect([...(await monitorOnce(context, '/x/monitor', ['a', 'b,c', ''], ['name'])).keys()]).toEqual(['a']);
    expect(api.calls[0]?.attributes).toEqual({ numbers: 'a', once: '' });
  });

  it('sends nothing for no items', async () => {
    const { api, context } = monitorSetup({}, {}, '7.16 (stable)');
    expect((await monitorOnce(context, '/x/monitor', [], ['name'])).size).toBe(0);
    expect(api.calls).toEqual([]);
  });
});

describe('addStateSet', () => {
  it('adds every known state, the current one as 1, in lower case; nothing for an absent state', () => {
    const list = new SampleList();
    addStateSet(list, ETHERNET_AUTO_NEGOTIATION, { interface: 'e1' }, ['done', 'incomplete'], ' Done ');
    addStateSet(list, ETHERNET_AUTO_NEGOTIATION, { interface: 'e2' }, ['done', 'incomplete'], undefined);
    expect(render(list.samples)).toEqual([
      'routeros_ethernet_auto_negotiation{interface="e1",state="done"} 1',
      'routeros_ethernet_auto_negotiation{interface="e1",state="incomplete"} 0',
    ]);
  });
});
