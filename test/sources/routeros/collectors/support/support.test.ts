import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capItems, capSamples, capSeriesGroups } from '../../../../../src/sources/routeros/collectors/support/cap.js';
import { counter, gauge, info, metric } from '../../../../../src/sources/routeros/collectors/support/define.js';
import { isMissingFeature, printOptionalRows, printRows } from '../../../../../src/sources/routeros/collectors/support/fetch.js';
import { createNameFilter } from '../../../../../src/sources/routeros/collectors/support/filter.js';
import { CollectorOptionError, readCount, readStringList, readSwitch } from '../../../../../src/sources/routeros/collectors/support/options.js';
import {
  readBoolean,
  readCounter,
  readDurationSeconds,
  readFlag,
  readMegahertzAsHertz,
  readNumber,
  readRateBytesPerSecond,
  readRatioFromPercent,
  readText,
} from '../../../../../src/sources/routeros/collectors/support/rows.js';
import { SampleList } from '../../../../../src/sources/routeros/collectors/support/samples.js';
import { TrapError } from '../../../../../src/sources/routeros/client/errors.js';
import { FixtureApi, contextFor, missingMenu } from '../helpers/fixture-api.js';

describe('define', () => {
  it('declares frozen definitions', () => {
    const bytes = counter('routeros.x.bytes', 'By', 'Bytes.', ['name']);
    expect(bytes).toEqual({ name: 'routeros.x.bytes', kind: 'counter', unit: 'By', description: 'Bytes.', attributes: ['name'] });
    expect(Object.isFrozen(bytes) && Object.isFrozen(bytes.attributes)).toBe(true);
    expect(gauge('routeros.x.seconds', 's', 'Seconds.')).toMatchObject({ kind: 'gauge', attributes: [] });
    expect(info('routeros.x.info', 'Facts.', ['a'])).toMatchObject({ kind: 'gauge', unit: '' });
    const attributes = ['a'];
    const defined = metric({ name: 'n', kind: 'gauge', unit: '', description: 'd.', attributes });
    attributes.push('b');
    expect(defined.attributes).toEqual(['a']);
  });
});

describe('rows', () => {
  const row = {
    name: 'ether1',
    empty: '',
    bytes: '18446744073709551615',
    flag: 'true',
    off: 'no',
    uptime: '1d',
    at: '2025-01-02 10:00:00',
    load: '25',
    mhz: '672',
    rate: '2.5Gbps',
    volts: '24.1V',
  };

  it('reads typed fields and gives undefined for absent or bad ones', () => {
    expect(readText(row, 'name')).toBe('ether1');
    expect(readText(row, 'empty')).toBeUndefined();
    expect(readText(row, 'missing')).toBeUndefined();
    expect(readCounter(row, 'bytes')).toBe(2 ** 64);
    expect(readCounter(row, 'name')).toBeUndefined();
    expect(readBoolean(row, 'flag')).toBe(true);
    expect(readFlag(row, 'flag')).toBe(1);
    expect(readFlag(row, 'off')).toBe(0);
    expect(readFlag(row, 'missing')).toBeUndefined();
    expect(readDurationSeconds(row, 'uptime')).toBe(86400);
    expect(readRatioFromPercent(row, 'load')).toBe(0.25);
    expect(readMegahertzAsHertz(row, 'mhz')).toBe(672e6);
    expect(readRateBytesPerSecond(row, 'rate')).toBe(2.5e9 / 8);
    expect(readRateBytesPerSecond(row, 'name')).toBeUndefined();
    expect(readNumber(row, 'volts')).toBe(24.1);
    expect(readNumber(row, 'missing')).toBeUndefined();
  });
});

describe('SampleList', () => {
  it('skips undefined and non-finite values and normalises attributes', () => {
    const definition = gauge('routeros.x', '', 'X.', ['a', 'b']);
    const list = new SampleList();
    list.add(definition, { a: '1', extra: 'dropped' }, 5);
    list.add(definition, { a: '2' }, undefined);
    list.add(definition, { a: '3' }, Number.NaN);
    list.add(definition, { a: '4' }, Number.POSITIVE_INFINITY);
    list.addInfo(definition, { a: '5', b: 'x' });
    expect(list.samples).toEqual([
      { metric: definition, attributes: { a: '1', b: '' }, value: 5 },
      { metric: definition, attributes: { a: '5', b: 'x' }, value: 1 },
    ]);
  });
});

describe('options and filter', () => {
  it('reads string lists and counts', () => {
    expect(readStringList({}, 'include')).toEqual([]);
    expect(readStringList({ include: 'a' }, 'include')).toEqual(['a']);
    expect(readStringList({ include: ['a', 'b'] }, 'include')).toEqual(['a', 'b']);
    expect(() => readStringList({ include: [1] }, 'include')).toThrow(new CollectorOptionError('include: must be a list of strings'));
    expect(readCount({}, 'max_series', 100)).toBe(100);
    expect(readCount({ max_series: 5 }, 'max_series', 100)).toBe(5);
    expect(() => readCount({ max_series: -1 }, 'max_series', 100)).toThrow(/^max_series: must be a non-negative integer$/);
  });

  it('matches whole values, include first, then exclude', () => {
    const filter = createNameFilter({ include: ['ether\\d+', 'bridge'], exclude: ['ether1\\d'] });
    expect(filter.isEmpty).toBe(false);
    expect(['ether1', 'ether12', 'ether', 'bridge', 'bridge1', 'vlan'].filter((name) => filter.matches(name))).toEqual([
      'ether1',
      'bridge',
    ]);
    const all = createNameFilter({});
    expect(all.isEmpty).toBe(true);
    expect(all.matches('anything')).toBe(true);
  });

  it('uses custom option keys and names them in errors', () => {
    const filter = createNameFilter({ include_servers: ['lan'] }, { include: 'include_servers', exclude: 'exclude_servers' });
    expect(filter.matches('lan')).toBe(true);
    expect(filter.matches('wan')).toBe(false);
    expect(() => createNameFilter({ exclude_servers: ['ok', '[bad'] }, { include: 'include_servers', exclude: 'exclude_servers' })).toThrow(
      /^exclude_servers\[1\]: invalid regular expression "\[bad"/,
    );
  });
});

describe('cap', () => {
  it('keeps the first N and counts the rest', () => {
    expect(capItems([1, 2, 3, 4], 2)).toEqual({ kept: [1, 2], dropped: 2 });
    expect(capItems([1, 2], 2)).toEqual({ kept: [1, 2], dropped: 0 });
    expect(capItems([1, 2], undefined)).toEqual({ kept: [1, 2], dropped: 0 });
    expect(capItems([1, 2], 0)).toEqual({ kept: [], dropped: 2 });
    const definition = gauge('routeros.x', '', 'X.');
    const samples = [1, 2, 3].map((value) => ({ metric: definition, attributes: {}, value }));
    expect(capSamples(samples, 1)).toEqual({ kept: [samples[0]], dropped: 2 });
  });

  it('keeps whole groups of series and counts the series of the groups it drops', () => {
    const definition = gauge('routeros.x', '', 'X.', ['id']);
    const group = (id: string, size: number) => Array.from({ length: size }, (_, value) => ({ metric: definition, attributes: { id }, value }));
    const groups = [group('a', 2), group('b', 3), group('c', 1)];
    expect(capSeriesGroups(groups, 1)).toEqual({ samples: groups[0], dropped: 4 });
    expect(capSeriesGroups(groups, 2)).toEqual({ samples: [...groups[0]!, ...groups[1]!], dropped: 1 });
    expect(capSeriesGroups(groups, undefined)).toEqual({ samples: groups.flat(), dropped: 0 });
    expect(capSeriesGroups(groups, 0)).toEqual({ samples: [], dropped: 6 });
  });

  it('caps groups exactly as keeping the first N groups with capItems and flattening them (the former definition)', () => {
    const definition = gauge('routeros.x', '', 'X.', ['id']);
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer(), { maxLength: 5 }), { maxLength: 12 }),
        fc.option(fc.nat({ max: 15 }), { nil: undefined }),
        (sizes, limit) => {
          const groups = sizes.map((values, id) => values.map((value) => ({ metric: definition, attributes: { id: String(id) }, value })));
          const capped = capItems(groups, limit);
          const expected = { samples: capped.kept.flat(), dropped: groups.slice(capped.kept.length).reduce((sum, group) => sum + group.length, 0) };
          const actual = capSeriesGroups(groups, limit);
          expect(actual).toEqual(expected);
          // The same sample objects, in order, not copies.
          actual.samples.forEach((sample, index) => expect(sample).toBe(expected.samples[index]));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('fetch', () => {
  it('sends the proplist, extra options and the signal', async () => {
    const api = new FixtureApi({ '/ip/route': [{ dst: '0.0.0.0/0', gateway: '10.0.0.1', secret: 'x' }] });
    const context = contextFor(api);
    expect(await printRows(context, '/ip/route', ['dst', 'gateway'], { query: ['dst=0.0.0.0/0'] })).toEqual([
      { dst: '0.0.0.0/0', gateway: '10.0.0.1' },
    ]);
    expect(api.calls[0]?.options).toEqual({ query: ['dst=0.0.0.0/0'], proplist: ['dst', 'gateway'], signal: context.signal });
  });

  it('turns only a missing menu into no rows', async () => {
    const denied = new TrapError('not enough permissions (9)', 1);
    const api = new FixtureApi({ '/a': missingMenu(), '/b': denied });
    expect(await printOptionalRows(contextFor(api), '/a', ['x'])).toEqual([]);
    await expect(printOptionalRows(contextFor(api), '/b', ['x'])).rejects.toBe(denied);
    expect(isMissingFeature(missingMenu())).toBe(true);
    expect(isMissingFeature(denied)).toBe(false);
    expect(isMissingFeature(new Error('no such command prefix'))).toBe(false);
  });
});

describe('readSwitch', () => {
  it('takes booleans and the true/false text ${VAR} substitution produces, nothing else', () => {
    expect(readSwitch({ clients: true }, 'clients', false)).toBe(true);
    expect(readSwitch({ clients: 'true' }, 'clients', false)).toBe(true);
    expect(readSwitch({ clients: 'false' }, 'clients', true)).toBe(false);
    expect(readSwitch({}, 'clients', true)).toBe(true);
    expect(() => readSwitch({ clients: 'yes' }, 'clients', false)).toThrow(CollectorOptionError);
    expect(() => readSwitch({ clients: 1 }, 'clients', false)).toThrow('clients: must be true or false');
  });
});
