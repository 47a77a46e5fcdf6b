import { afterAll, describe, expect, it } from 'vitest';
import type { Row } from '../../../../src/sources/routeros/client/api.js';
import { capsmanCollector, mapCapsman } from '../../../../src/sources/routeros/collectors/capsman.js';
import { CollectorOptionError } from '../../../../src/sources/routeros/collectors/support/options.js';
import { commands, namingProblems, render, setup } from './helpers/fixture-api-families.js';
import { monitorCalls, monitorSetup } from './helpers/fixture-api-monitors.js';
import { simulatorRunner } from './helpers/simulator-run.js';

const LEGACY_CAPS: Row[] = [
  { '.id': '*1', identity: 'cap-lobby', version: '6.49.10', board: 'cAP ac', address: '192.168.88.2', state: 'Run' },
  { '.id': '*2', identity: 'cap-office', version: '6.49.10', board: 'cAP ac', address: '192.168.88.3', state: 'Join' },
];
const LEGACY_RADIOS: Row[] = [
  { name: 'cap-lobby-1', configuration: 'cfg-2g', 'current-state': 'running-ap', 'current-channel': '2437/20-Ce/gn', 'current-registered-clients': '12' },
  { name: 'cap-office-1', configuration: 'cfg-2g', 'current-state': 'disabled', 'current-registered-clients': '0' },
];

describe('capsmanCollector', () => {
  it('maps remote CAPs (running or not) and legacy radios; a flavour the router lacks reports nothing', () => {
    expect(render(mapCapsman(LEGACY_CAPS, LEGACY_RADIOS, undefined).samples)).toEqual(
      [
        'routeros_capsman_remote_caps{capsman="caps-man"} 2',
        'routeros_capsman_cap_info{capsman="caps-man",id="*1",identity="cap-lobby",board="cAP ac",version="6.49.10",address="192.168.88.2"} 1',
        'routeros_capsman_cap_running{capsman="caps-man",id="*1"} 1',
        'routeros_capsman_cap_info{capsman="caps-man",id="*2",identity="cap-office",board="cAP ac",version="6.49.10",address="192.168.88.3"} 1',
        'routeros_capsman_cap_running{capsman="caps-man",id="*2"} 0',
        'routeros_capsman_radio_info{interface="cap-lobby-1",configuration="cfg-2g",channel="2437/20-Ce/gn"} 1',
        'routeros_capsman_radio_running{interface="cap-lobby-1"} 1',
        'routeros_capsman_radio_clients{interface="cap-lobby-1"} 12',
        'routeros_capsman_radio_info{interface="cap-office-1",configuration="cfg-2g",channel=""} 1',
        'routeros_capsman_radio_running{interface="cap-office-1"} 0',
        'routeros_capsman_radio_clients{interface="cap-office-1"} 0',
      ].sort(),
    );
    // A controller whose CAPs all dropped off counts 0.
    expect(render(mapCapsman(undefined, [], []).samples)).toEqual(['routeros_capsman_remote_caps{capsman="wifi"} 0']);
  });

  it('costs at most two commands: legacy CAPs and radios before 7.13, legacy and wifi CAP lists after', async () => {
    const v6 = setup({ '/caps-man/remote-cap': LEGACY_CAPS, '/caps-man/interface': LEGACY_RADIOS }, '6.49.10 (long-term)', { packages: ['system', 'wireless'] });
    await capsmanCollector.collect(v6.context);
    expect(commands(v6.api.calls)).toEqual(['print /caps-man/remote-cap', 'print /caps-man/interface']);
    const v7 = setup({ '/caps-man/remote-cap': LEGACY_CAPS, '/interface/wifi/capsman/remote-cap': [] }, '7.16 (stable)', { packages: ['routeros', 'wireless'] });
    await capsmanCollector.collect(v7.context);
    expect(commands(v7.api.calls)).toEqual(['print /caps-man/remote-cap', 'print /interface/wifi/capsman/remote-cap']);
    const none = setup({}, '7.12 (stable)');
    expect(await capsmanCollector.collect(none.context)).toEqual({ samples: [] });
    expect(none.api.calls).toEqual([]);
    expect(namingProblems(capsmanCollector, ['routeros_capsman_'])).toEqual([]);
  });
});

const WIFI_CAPS: Row[] = [{ '.id': '*1', identity: 'cap-ax-hall', version: '7.16.1', board: 'cAPGi-5HaxD2HaxD', address: '10.10.0.2', state: 'ok' }];
/** The controller's `/interface/wifi`: two CAP radios (one not running) and a radio of its own. */
const WIFI_INTERFACES: Row[] = [
  { name: 'cap-wifi1', running: 'true', disabled: 'false', configuration: 'cfg-campus', 'configuration.manager': 'capsman' },
  { name: 'cap-wifi2', running: 'false', disabled: 'false', configuration: 'cfg-campus', 'configuration.manager': 'capsman' },
  { name: 'wifi1', running: 'true', disabled: 'false', configuration: 'cfg-local', 'configuration.manager': 'local' },
];
const WIFI_MONITORS = {
  '/interface/wifi/monitor': {
    'cap-wifi1': { name: 'cap-wifi1', state: 'running-ap', channel: '5180/ax/Ceee', 'registered-peers': '25', 'authorized-peers': '25' },
    'cap-wifi2': { name: 'cap-wifi2', state: 'no-channel', 'registered-peers': '0', 'authorized-peers': '0' },
    wifi1: { name: 'wifi1', state: 'running-ap', channel: '2412/ax/Ce', 'registered-peers': '3', 'authorized-peers': '3' },
  },
};

describe('capsman wifi CAP radios (radios: true, 7.13+)', () => {
  it('maps the CAPsMAN-managed interfaces from one print and ONE monitor, leaving the controller\'s own radio to wireless', async () => {
    const { api, context } = monitorSetup({ '/interface/wifi/capsman/remote-cap': WIFI_CAPS, '/interface/wifi': WIFI_INTERFACES }, WIFI_MONITORS, '7.16 (stable)', {
      options: { radios: true },
    });
    const output = await capsmanCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        'routeros_capsman_remote_caps{capsman="wifi"} 1',
        'routeros_capsman_cap_info{capsman="wifi",id="*1",identity="cap-ax-hall",board="cAPGi-5HaxD2HaxD",version="7.16.1",address="10.10.0.2"} 1',
        'routeros_capsman_cap_running{capsman="wifi",id="*1"} 1',
        'routeros_capsman_radio_info{interface="cap-wifi1",configuration="cfg-campus",channel="5180/ax/Ceee"} 1',
        'routeros_capsman_radio_running{interface="cap-wifi1"} 1',
        'routeros_capsman_radio_clients{interface="cap-wifi1"} 25',
        // Not running, no channel.
        'routeros_capsman_radio_info{interface="cap-wifi2",configuration="cfg-campus",channel=""} 1',
        'routeros_capsman_radio_running{interface="cap-wifi2"} 0',
        'routeros_capsman_radio_clients{interface="cap-wifi2"} 0',
      ].sort(),
    );
    expect(commands(api.calls)).toEqual(['print /interface/wifi/capsman/remote-cap', 'print /interface/wifi ?disabled=false', 'execute /interface/wifi/monitor']);
    expect(monitorCalls(api)).toEqual(['/interface/wifi/monitor cap-wifi1,cap-wifi2']);
  });

  it('reads no radios by default, nor on a controller without CAPs, and rejects a bad option value', async () => {
    const byDefault = monitorSetup({ '/interface/wifi/capsman/remote-cap': WIFI_CAPS, '/interface/wifi': WIFI_INTERFACES }, WIFI_MONITORS, '7.16 (stable)');
    await capsmanCollector.collect(byDefault.context);
    expect(commands(byDefault.api.calls)).toEqual(['print /interface/wifi/capsman/remote-cap']);
    const noCaps = monitorSetup({ '/interface/wifi/capsman/remote-cap': [], '/interface/wifi': WIFI_INTERFACES }, WIFI_MONITORS, '7.16 (stable)', { options: { radios: true } });
    await capsmanCollector.collect(noCaps.context);
    expect(commands(noCaps.api.calls)).toEqual(['print /interface/wifi/capsman/remote-cap']);
    expect(() => capsmanCollector.checkOptions?.({ radios: 'yes' })).toThrow(new CollectorOptionError('radios: must be true or false'));
  });
});

describe('capsman against the simulator', () => {
  const runner = simulatorRunner();
  afterAll(() => runner.stop());
  const lines = async (profileId: string): Promise<string[]> => (await runner.run(profileId, capsmanCollector)).lines;

  it('reads the legacy controller of rb750-v6-legacy and the wifi controller of chr-v7-18', async () => {
    const legacy = await lines('rb750-v6-legacy');
    expect(legacy).toContain('routeros_capsman_remote_caps{capsman="caps-man"} 2');
    expect(legacy).toContain('routeros_capsman_radio_clients{interface="cap-lobby-2"} 20');
    const wifi = await lines('chr-v7-18');
    expect(wifi).toContain('routeros_capsman_remote_caps{capsman="wifi"} 2');
    expect(wifi).toContain('routeros_capsman_cap_running{capsman="wifi",id="*2"} 1');
  });

  it('reads the CAP radios of the 7.19 wifi controller of chr-v7-18 with radios: true, in three commands', async () => {
    const run = await runner.run('chr-v7-18', capsmanCollector, { radios: true });
    expect(run.lines.filter((line) => line.startsWith('routeros_capsman_radio_'))).toEqual(
      [
        'routeros_capsman_radio_info{interface="cap-wifi1",configuration="cfg-campus",channel="5180/ax/Ceee"} 1',
        'routeros_capsman_radio_info{interface="cap-wifi2",configuration="cfg-campus",channel="2412/ax/Ce"} 1',
        'routeros_capsman_radio_info{interface="cap-wifi3",configuration="cfg-campus",channel="5180/ax/Ceee"} 1',
        'routeros_capsman_radio_info{interface="cap-wifi4",configuration="cfg-guest",channel="2412/ax/Ce"} 1',
        'routeros_capsman_radio_running{interface="cap-wifi1"} 1',
        'routeros_capsman_radio_running{interface="cap-wifi2"} 1',
        'routeros_capsman_radio_running{interface="cap-wifi3"} 1',
        'routeros_capsman_radio_running{interface="cap-wifi4"} 1',
        'routeros_capsman_radio_clients{interface="cap-wifi1"} 25',
        'routeros_capsman_radio_clients{interface="cap-wifi2"} 8',
        'routeros_capsman_radio_clients{interface="cap-wifi3"} 31',
        'routeros_capsman_radio_clients{interface="cap-wifi4"} 6',
      ].sort(),
    );
    expect(run.commands).toBe(3);
  });
});
