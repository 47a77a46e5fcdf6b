import { describe, expect, it } from 'vitest';
import { firmwareCollector, isNewer } from '../../../../src/sources/routeros/collectors/firmware.js';
import type { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { callsWithoutProplist, commands, namingProblems, render, repliesFrom, setup, V6, V7 } from './helpers/fixture-api-families.js';

function info(installed: string, latest: string, current: string, upgrade: string, channel: string): string {
  return `routeros_firmware_info{installed_version="${installed}",latest_version="${latest}",current_firmware="${current}",upgrade_firmware="${upgrade}",channel="${channel}"} 1`;
}

describe('firmwareCollector', () => {
  it('reports versions and both flags from two prints, never asking the router to check for updates (v7)', async () => {
    const { api, context } = setup(repliesFrom(V7, ['system-package-update', 'system-routerboard']), '7.16 (stable)');
    expect(render((await firmwareCollector.collect(context)).samples)).toEqual([
      info('7.16', '7.16.2', '7.15.3', '7.16', 'stable'),
      'routeros_firmware_routerboot_upgrade_available 1',
      'routeros_firmware_update_available 1',
    ]);
    expect(commands(api.calls)).toEqual(['print /system/package/update', 'print /system/routerboard']);
    expect(api.calls.some((call) => call.path.includes('check-for-updates'))).toBe(false);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
  });

  it('reports an up-to-date v6 router as 0/0', async () => {
    const { context } = setup(repliesFrom(V6, ['system-package-update', 'system-routerboard']), '6.49.10 (long-term)');
    expect(render((await firmwareCollector.collect(context)).samples)).toEqual([
      info('6.49.10', '6.49.10', '6.49.10', '6.49.10', 'long-term'),
      'routeros_firmware_routerboot_upgrade_available 0',
      'routeros_firmware_update_available 0',
    ]);
  });

  it('has no RouterBOOT flag on CHR (routerboard=false) or without the menu', async () => {
    const update = { '/system/package/update': [{ channel: 'stable', 'installed-version': '7.19.4', 'latest-version': '7.19.4' }] };
    for (const extra of [repliesFrom('7.19', ['system-routerboard']), {}]) {
      const { context } = setup({ ...update, ...extra }, '7.19.4 (stable)');
      expect(render((await firmwareCollector.collect(context)).samples)).toEqual([
        info('7.19.4', '7.19.4', '', '', 'stable'),
        'routeros_firmware_update_available 0',
      ]);
    }
  });

  it('falls back to the status text and the older `current-version` field', async () => {
    const { context } = setup(
      { '/system/package/update': [{ channel: 'current', 'current-version': '6.44', status: 'New version is available' }] },
      '6.44 (stable)',
    );
    expect(render((await firmwareCollector.collect(context)).samples)).toEqual([
      info('6.44', '', '', '', 'current'),
      'routeros_firmware_update_available 1',
    ]);
    const unchecked = setup({ '/system/package/update': [{ channel: 'stable', 'installed-version': '7.16' }] }, '7.16 (stable)');
    expect(render((await firmwareCollector.collect(unchecked.context)).samples)).toEqual([info('7.16', '', '', '', 'stable')]);
  });

  it('propagates a missing /system/package/update as a missing feature', async () => {
    const { context } = setup(repliesFrom(V7, ['system-routerboard']), '7.16 (stable)');
    const error = await firmwareCollector.collect(context).catch((reason: unknown) => reason);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('runs hourly and follows the naming rule under routeros_firmware_', () => {
    expect(firmwareCollector.defaultIntervalMillis).toBe(3_600_000);
    expect(namingProblems(firmwareCollector, ['routeros_firmware_'])).toEqual([]);
    expect(firmwareCollector.defaultEnabled).toBe(true);
  });
});

describe('isNewer', () => {
  it('orders RouterOS versions, pre-releases before releases', () => {
    expect(isNewer('7.16.1', '7.16')).toBe(1);
    expect(isNewer('7.16', '7.16.1')).toBe(0);
    expect(isNewer('7.16', '7.16rc1')).toBe(1);
    expect(isNewer('7.16rc2', '7.16rc1')).toBe(1);
    expect(isNewer('7.10', '7.9.2')).toBe(1);
    expect(isNewer('7.16 (stable)', '7.16')).toBe(0);
    expect(isNewer('', '7.16')).toBeUndefined();
  });
});
