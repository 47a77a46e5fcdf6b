import { describe, expect, it } from 'vitest';
import { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import {
  INTERFACE_PROPLIST,
  interfaceCollector,
  INTERFACE_DEFAULT_MAX,
  interfaceSettings,
  mapInterfaces,
  typeQuery,
} from '../../../../src/sources/routeros/collectors/interface.js';
import type { Sample } from '../../../../src/sources/routeros/collectors/collector.js';
import { CollectorOptionError } from '../../../../src/sources/routeros/collectors/support/options.js';
import { FixtureApi, contextFor, loadFixture, missingMenu } from './helpers/fixture-api.js';
import { byMetric, valueOf } from './helpers/samples.js';

const NO_FILTER = interfaceSettings({});

function names(samples: readonly Sample[]): string[] {
  return samples.filter((sample) => sample.metric.name === 'routeros.interface.info').map((sample) => sample.attributes['interface'] ?? '');
}

describe('mapInterfaces', () => {
  it('maps the CHR capture (7.19) to exact samples', () => {
    const samples = byMetric(mapInterfaces(loadFixture('interface', '7.19').rows, NO_FILTER).samples);
    expect(samples).toEqual({
      'routeros.interface.info': [
        { attributes: { interface: 'ether1', id: '*2', type: 'ether', mac_address: '0C:00:E6:1F:95:00', default_name: 'ether1', comment: '' }, value: 1 },
        { attributes: { interface: 'ether2', id: '*3', type: 'ether', mac_address: '0C:00:E6:1F:95:01', default_name: 'ether2', comment: 'TO-R18M' }, value: 1 },
        { attributes: { interface: 'lo', id: '*1', type: 'loopback', mac_address: '00:00:00:00:00:00', default_name: '', comment: '' }, value: 1 },
        { attributes: { interface: 'lo1', id: '*7', type: 'bridge', mac_address: '', default_name: '', comment: 'Loopback1' }, value: 1 },
      ],
      'routeros.interface.running': [
        { attributes: { interface: 'ether1' }, value: 1 },
        { attributes: { interface: 'ether2' }, value: 1 },
      ],
      'routeros.interface.disabled': [
        { attributes: { interface: 'ether1' }, value: 0 },
        { attributes: { interface: 'ether2' }, value: 0 },
      ],
      // The bridge's `mtu` is `auto`: no configured MTU, only its L2 MTU.
      'routeros.interface.mtu.bytes': [
        { attributes: { interface: 'ether1' }, value: 1500 },
        { attributes: { interface: 'ether2' }, value: 1500 },
        { attributes: { interface: 'lo' }, value: 65536 },
      ],
      'routeros.interface.actual_mtu.bytes': [
        { attributes: { interface: 'ether1' }, value: 1500 },
        { attributes: { interface: 'ether2' }, value: 1500 },
        { attributes: { interface: 'lo' }, value: 65536 },
      ],
      'routeros.interface.l2mtu.bytes': [{ attributes: { interface: 'lo1' }, value: 65535 }],
      'routeros.interface.receive.bytes': [
        { attributes: { interface: 'ether1' }, value: 60987 },
        { attributes: { interface: 'ether2' }, value: 412345 },
      ],
      'routeros.interface.transmit.bytes': [
        { attributes: { interface: 'ether1' }, value: 2781511 },
        { attributes: { interface: 'ether2' }, value: 398877 },
      ],
      'routeros.interface.receive.packets': [
        { attributes: { interface: 'ether1' }, value: 887 },
        { attributes: { interface: 'ether2' }, value: 3120 },
      ],
      'routeros.interface.transmit.packets': [
        { attributes: { interface: 'ether1' }, value: 10166 },
        { attributes: { interface: 'ether2' }, value: 3002 },
      ],
      'routeros.interface.receive.errors': [
        { attributes: { interface: 'ether1' }, value: 0 },
        { attributes: { interface: 'ether2' }, value: 0 },
      ],
      'routeros.interface.transmit.errors': [
        { attributes: { interface: 'ether1' }, value: 0 },
        { attributes: { interface: 'ether2' }, value: 0 },
      ],
      'routeros.interface.receive.drops': [
        { attributes: { interface: 'ether1' }, value: 0 },
        { attributes: { interface: 'ether2' }, value: 0 },
      ],
      'routeros.interface.transmit.drops': [
        { attributes: { interface: 'ether1' }, value: 0 },
        { attributes: { interface: 'ether2' }, value: 0 },
      ],
      'routeros.interface.link.downs': [
        { attributes: { interface: 'ether1' }, value: 0 },
        { attributes: { interface: 'ether2' }, value: 1 },
      ],
    });
  });

  it('maps the hardware router (7.16): big counters, no duplicate series, no empty rows', () => {
    const samples = mapInterfaces(loadFixture('interface', '7.16').rows, NO_FILTER).samples;
    expect(names(samples)).toEqual(['ether1', 'bridge', 'vlan10', 'wg0', 'ether5']);
    expect(valueOf(samples, 'routeros.interface.receive.bytes', { interface: 'ether1' })).toBe(194632346152);
    expect(valueOf(samples, 'routeros.interface.transmit.bytes', { interface: 'ether1' })).toBe(15355309685);
    // The first ether1 row wins over the disabled duplicate.
    expect(valueOf(samples, 'routeros.interface.running', { interface: 'ether1' })).toBe(1);
    expect(valueOf(samples, 'routeros.interface.disabled', { interface: 'ether5' })).toBe(1);
    expect(valueOf(samples, 'routeros.interface.running', { interface: 'ether5' })).toBe(0);
    expect(valueOf(samples, 'routeros.interface.link.downs', { interface: 'vlan10' })).toBe(2);
    expect(valueOf(samples, 'routeros.interface.transmit.drops', { interface: 'vlan10' })).toBe(3);
    expect(valueOf(samples, 'routeros.interface.transmit.errors', { interface: 'wg0' })).toBe(1);
    // bridge has no rx-error: the series is absent, not 0.
    expect(valueOf(samples, 'routeros.interface.receive.errors', { interface: 'bridge' })).toBeUndefined();
    const series = new Set(samples.map((sample) => `${sample.metric.name}${JSON.stringify(sample.attributes)}`));
    expect(series.size).toBe(samples.length);
  });

  it('maps v6 rows (6.49) with counters beyond 2^53 as finite numbers', () => {
    const samples = mapInterfaces(loadFixture('interface', '6.49').rows, NO_FILTER).samples;
    expect(valueOf(samples, 'routeros.interface.receive.bytes', { interface: 'sfp-sfpplus1' })).toBe(Number(9007199254740993n));
    expect(valueOf(samples, 'routeros.interface.transmit.bytes', { interface: 'sfp-sfpplus1' })).toBe(2 ** 52);
    expect(valueOf(samples, 'routeros.interface.receive.packets', { interface: 'sfp-sfpplus1' })).toBe(7301234567);
    expect(valueOf(samples, 'routeros.interface.receive.errors', { interface: 'sfp-sfpplus1' })).toBe(12);
    expect(valueOf(samples, 'routeros.interface.link.downs', { interface: 'sfp-sfpplus1' })).toBe(3);
    expect(samples.every((sample) => Number.isFinite(sample.value))).toBe(true);
  });

  it('never puts time-varying values in labels', () => {
    const samples = mapInterfaces(loadFixture('interface', '7.16').rows, NO_FILTER).samples;
    const labelValues = samples.flatMap((sample) => Object.values(sample.attributes));
    expect(labelValues).not.toContain('2024-10-19 21:54:32');
    expect(samples.every((sample) => !Object.keys(sample.attributes).some((key) => key.includes('time')))).toBe(true);
  });

  it('handles 2^64 - 1 without NaN', () => {
    const samples = mapInterfaces([{ name: 'x', 'rx-byte': '18446744073709551615', 'tx-byte': 'garbage' }], NO_FILTER).samples;
    expect(valueOf(samples, 'routeros.interface.receive.bytes', { interface: 'x' })).toBe(2 ** 64);
    expect(valueOf(samples, 'routeros.interface.transmit.bytes', { interface: 'x' })).toBeUndefined();
  });

  it('filters names with anchored include/exclude regexes', () => {
    const rows = loadFixture('interface', '7.16').rows;
    expect(names(mapInterfaces(rows, interfaceSettings({ include: ['ether.*', 'wg0'] })).samples)).toEqual(['ether1', 'wg0', 'ether5']);
    expect(names(mapInterfaces(rows, interfaceSettings({ exclude: ['ether\\d+'] })).samples)).toEqual(['bridge', 'vlan10', 'wg0']);
    expect(names(mapInterfaces(rows, interfaceSettings({ include: ['ether'] })).samples)).toEqual([]);
    expect(names(mapInterfaces(rows, interfaceSettings({ include: ['ether.*'], exclude: ['ether5'] })).samples)).toEqual(['ether1']);
  });

  it('filters types on its own too', () => {
    const rows = loadFixture('interface', '7.16').rows;
    expect(names(mapInterfaces(rows, interfaceSettings({ include_types: ['vlan', 'wg'] })).samples)).toEqual(['vlan10', 'wg0']);
    expect(names(mapInterfaces(rows, interfaceSettings({ exclude_types: ['ether'] })).samples)).toEqual(['bridge', 'vlan10', 'wg0']);
  });
});

describe('the interface cap (max_series)', () => {
  const rows = loadFixture('interface', '7.16').rows;

  it('keeps the first interfaces in router order and counts the series of the others', () => {
    const output = mapInterfaces(rows, interfaceSettings({ max_series: 2 }));
    expect(names(output.samples)).toEqual(['ether1', 'bridge']);
    // vlan10 (10 series), wg0 (11: no link-downs) and ether5 (12) go; ether1 has three MTUs, the bridge its actual one.
    expect(output.dropped).toBe(33);
    expect(output.samples).toHaveLength(15 + 11);
  });

  it('counts only what the filters kept', () => {
    const output = mapInterfaces(rows, interfaceSettings({ exclude: ['ether1'], max_series: 1 }));
    expect(names(output.samples)).toEqual(['bridge']);
    expect(output.dropped).toBe(10 + 11 + 12);
    expect(mapInterfaces(rows, interfaceSettings({ max_series: 0 }))).toEqual({ samples: [], dropped: 15 + 11 + 10 + 11 + 12 });
  });

  it(`defaults to ${INTERFACE_DEFAULT_MAX} interfaces`, () => {
    expect(interfaceSettings({}).maxInterfaces).toBe(INTERFACE_DEFAULT_MAX);
    const many = Array.from({ length: INTERFACE_DEFAULT_MAX + 3 }, (_, index) => ({ name: `vlan${index}`, running: 'true' }));
    const output = mapInterfaces(many, NO_FILTER);
    // Two series each (info, running): the last three interfaces are dropped.
    expect(output.dropped).toBe(6);
    expect(names(output.samples)).toHaveLength(INTERFACE_DEFAULT_MAX);
    expect(names(output.samples).at(-1)).toBe(`vlan${INTERFACE_DEFAULT_MAX - 1}`);
  });

  it('reports the drops from collect and rejects a bad cap naming the option', async () => {
    const api = new FixtureApi({ '/interface': rows });
    const output = await interfaceCollector.collect(contextFor(api, '7.16 (stable)', { max_series: 4 }));
    expect(names(output.samples)).toEqual(['ether1', 'bridge', 'vlan10', 'wg0']);
    expect(output.dropped).toBe(12);
    await expect(interfaceCollector.collect(contextFor(api, '7.16 (stable)', { max_series: -1 }))).rejects.toThrow(
      new CollectorOptionError('max_series: must be a non-negative integer'),
    );
    expect(interfaceCollector.options?.map((option) => option.name)).toContain('max_series');
  });
});

describe('typeQuery', () => {
  it('builds RouterOS query words', () => {
    expect(typeQuery({ includeTypes: [], excludeTypes: [] })).toEqual([]);
    expect(typeQuery({ includeTypes: ['ether'], excludeTypes: [] })).toEqual(['type=ether']);
    expect(typeQuery({ includeTypes: ['ether', 'vlan'], excludeTypes: [] })).toEqual(['type=ether', 'type=vlan', '#|']);
    expect(typeQuery({ includeTypes: ['ether', 'vlan', 'wg'], excludeTypes: ['bridge'] })).toEqual([
      'type=ether',
      'type=vlan',
      'type=wg',
      '#||',
      'type=bridge',
      '#!',
    ]);
  });
});

describe('interfaceCollector', () => {
  it('prints /interface with the proplist and no query by default', async () => {
    const api = new FixtureApi({ '/interface': loadFixture('interface', '7.19').rows });
    const output = await interfaceCollector.collect(contextFor(api, '7.19.4 (stable)'));
    expect(names(output.samples)).toEqual(['ether1', 'ether2', 'lo', 'lo1']);
    expect(api.calls).toHaveLength(1);
    expect(api.calls[0]?.options?.proplist).toEqual(INTERFACE_PROPLIST);
    expect(api.calls[0]?.options?.query).toBeUndefined();
  });

  it('sends the type filter to the router as a query', async () => {
    const api = new FixtureApi({ '/interface': loadFixture('interface', '7.16').rows });
    const options = { include_types: ['ether', 'vlan'], exclude: ['ether5'] };
    const output = await interfaceCollector.collect(contextFor(api, '7.16 (stable)', options));
    expect(api.calls[0]?.options?.query).toEqual(['type=ether', 'type=vlan', '#|']);
    expect(names(output.samples)).toEqual(['ether1', 'vlan10']);
  });

  it('reports a bad pattern naming the option', async () => {
    const api = new FixtureApi({ '/interface': [] });
    const error = await interfaceCollector.collect(contextFor(api, '7.16 (stable)', { exclude: ['ether('] })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CollectorOptionError);
    expect((error as Error).message).toMatch(/^exclude\[0\]: invalid regular expression "ether\("/);
    expect(api.calls).toHaveLength(0);
  });

  it('propagates a missing menu as the missing-feature TrapError', async () => {
    const api = new FixtureApi({ '/interface': missingMenu() });
    const error = await interfaceCollector.collect(contextFor(api)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrapError);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('byMetric covers every declared metric on a full row', () => {
    const samples = byMetric(mapInterfaces(loadFixture('interface', '6.49').rows, NO_FILTER).samples);
    expect(Object.keys(samples).sort()).toEqual(interfaceCollector.metrics.map((metric) => metric.name).sort());
  });
});
