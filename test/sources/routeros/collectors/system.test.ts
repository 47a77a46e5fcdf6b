import { describe, expect, it } from 'vitest';
import { TrapError, TimeoutError } from '../../../../src/sources/routeros/client/errors.js';
import {
  IDENTITY_PROPLIST,
  RESOURCE_PROPLIST,
  ROUTERBOARD_PROPLIST,
  mapSystem,
  systemCollector,
  type SystemRows,
} from '../../../../src/sources/routeros/collectors/system.js';
import { FixtureApi, contextFor, loadFixture, missingMenu } from './helpers/fixture-api.js';
import { byMetric } from './helpers/samples.js';

function fixtureRows(version: string): SystemRows {
  return {
    resource: loadFixture('system-resource', version).rows,
    identity: loadFixture('system-identity', version).rows,
    routerboard: loadFixture('system-routerboard', version).rows,
  };
}

function apiFor(version: string): FixtureApi {
  const rows = fixtureRows(version);
  return new FixtureApi({ '/system/resource': rows.resource, '/system/identity': rows.identity, '/system/routerboard': rows.routerboard });
}

describe('mapSystem', () => {
  it('maps a v7 hAP (7.16)', () => {
    expect(byMetric(mapSystem(fixtureRows('7.16')))).toEqual({
      'routeros.system.info': [
        {
          attributes: {
            identity: 'MikroTik',
            board_name: 'hAP ac^2',
            model: 'RBD52G-5HacD2HnD',
            serial_number: '123456789',
            version: '7.16 (stable)',
            architecture: 'arm',
            firmware: '7.15.3',
          },
          value: 1,
        },
      ],
      'routeros.system.uptime.seconds': [{ attributes: {}, value: 2 * 86400 + 20 * 3600 + 12 * 60 + 20 }],
      'routeros.system.cpu.utilization.ratio': [{ attributes: {}, value: 0.01 }],
      'routeros.system.cpus': [{ attributes: {}, value: 4 }],
      'routeros.system.cpu.frequency.hertz': [{ attributes: {}, value: 672_000_000 }],
      'routeros.system.memory.free.bytes': [{ attributes: {}, value: 50106368 }],
      'routeros.system.memory.total.bytes': [{ attributes: {}, value: 134217728 }],
      'routeros.system.disk.free.bytes': [{ attributes: {}, value: 1495040 }],
      'routeros.system.disk.total.bytes': [{ attributes: {}, value: 16777216 }],
    });
  });

  it('maps a v6 CCR (6.49)', () => {
    const samples = byMetric(mapSystem(fixtureRows('6.49')));
    expect(samples['routeros.system.info']).toEqual([
      {
        attributes: {
          identity: 'core-ccr1016',
          board_name: 'CCR1016-12S-1S+',
          model: 'CCR1016-12S-1S+',
          serial_number: '4A1B02C3D4E5',
          version: '6.49.10 (long-term)',
          architecture: 'tile',
          firmware: '6.49.10',
        },
        value: 1,
      },
    ]);
    expect(samples['routeros.system.uptime.seconds']).toEqual([{ attributes: {}, value: 15 * 604800 + 3 * 86400 + 3 * 3600 + 42 * 60 + 53 }]);
    expect(samples['routeros.system.cpu.utilization.ratio']).toEqual([{ attributes: {}, value: 0.25 }]);
    expect(samples['routeros.system.cpus']).toEqual([{ attributes: {}, value: 16 }]);
    expect(samples['routeros.system.cpu.frequency.hertz']).toEqual([{ attributes: {}, value: 1.2e9 }]);
    expect(samples['routeros.system.memory.total.bytes']).toEqual([{ attributes: {}, value: 2046820352 }]);
  });

  it('maps a CHR (7.19) whose routerboard has no model, serial or firmware', () => {
    const samples = byMetric(mapSystem(fixtureRows('7.19')));
    expect(samples['routeros.system.info']).toEqual([
      {
        attributes: {
          identity: 'chr-lab',
          board_name: 'CHR QEMU Standard PC (i440FX + PIIX, 1996)',
          model: '',
          serial_number: '',
          version: '7.19.4 (stable)',
          architecture: 'x86_64',
          firmware: '',
        },
        value: 1,
      },
    ]);
    expect(samples['routeros.system.cpu.utilization.ratio']).toEqual([{ attributes: {}, value: 0 }]);
    expect(Object.keys(samples)).toHaveLength(9);
  });

  it('skips absent and unparsable fields instead of reporting 0', () => {
    const samples = byMetric(
      mapSystem({ resource: [{ uptime: 'soon', 'cpu-load': '7', 'free-memory': '-1' }], identity: [], routerboard: [] }),
    );
    expect(Object.keys(samples).sort()).toEqual(['routeros.system.cpu.utilization.ratio', 'routeros.system.info']);
  });

  it('gives no samples without a resource row', () => {
    expect(mapSystem({ resource: [], identity: [{ name: 'x' }], routerboard: [] })).toEqual([]);
  });
});

describe('systemCollector', () => {
  it('prints the three menus with proplists', async () => {
    const api = apiFor('7.16');
    const output = await systemCollector.collect(contextFor(api));
    expect(output.samples).toHaveLength(9);
    expect(api.calls.map((call) => [call.path, call.options?.proplist])).toEqual([
      ['/system/resource', RESOURCE_PROPLIST],
      ['/system/identity', IDENTITY_PROPLIST],
      ['/system/routerboard', ROUTERBOARD_PROPLIST],
    ]);
    for (const call of api.calls) expect(call.options?.signal).toBeInstanceOf(AbortSignal);
  });

  it('issues the three prints concurrently', async () => {
    const started: string[] = [];
    const pending: Array<() => void> = [];
    const rows = fixtureRows('7.16');
    const table: Record<string, readonly Record<string, string>[]> = {
      '/system/resource': rows.resource,
      '/system/identity': rows.identity,
      '/system/routerboard': rows.routerboard,
    };
    const api = {
      print: (path: string) =>
        new Promise<Record<string, string>[]>((resolve) => {
          started.push(path);
          pending.push(() => resolve([...(table[path] ?? [])]));
        }),
      count: () => Promise.resolve(0),
      execute: () => Promise.resolve([]),
    };
    const run = systemCollector.collect(contextFor(api));
    await Promise.resolve();
    expect(started).toHaveLength(3);
    for (const release of pending) release();
    expect((await run).samples).toHaveLength(9);
  });

  it('tolerates a router without /system/routerboard', async () => {
    const rows = fixtureRows('7.19');
    const api = new FixtureApi({ '/system/resource': rows.resource, '/system/identity': rows.identity, '/system/routerboard': missingMenu() });
    const output = await systemCollector.collect(contextFor(api, '7.19.4 (stable)'));
    expect(byMetric(output.samples)['routeros.system.info']?.[0]?.attributes['model']).toBe('');
    expect(output.samples).toHaveLength(9);
  });

  it('propagates other routerboard failures', async () => {
    const rows = fixtureRows('7.16');
    const denied = new TrapError('not enough permissions (9)', 1);
    const api = new FixtureApi({ '/system/resource': rows.resource, '/system/identity': rows.identity, '/system/routerboard': denied });
    await expect(systemCollector.collect(contextFor(api))).rejects.toBe(denied);
  });

  it('propagates a missing /system/resource as the missing-feature TrapError', async () => {
    const api = new FixtureApi({ '/system/identity': [{ name: 'x' }], '/system/routerboard': [] });
    const error = await systemCollector.collect(contextFor(api)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrapError);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('propagates timeouts', async () => {
    const controller = new AbortController();
    controller.abort();
    const api = apiFor('7.16');
    await expect(systemCollector.collect({ ...contextFor(api), signal: controller.signal })).rejects.toBeInstanceOf(TimeoutError);
  });
});
