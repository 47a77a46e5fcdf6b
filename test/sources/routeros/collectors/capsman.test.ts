import { afterAll, describe, expect, it } from 'vitest';
import type { Row } from '../../../../src/sources/routeros/client/api.js';
import { capsmanCollector, mapCapsman } from '../../../../src/sources/routeros/collectors/capsman.js';
import { commands, namingProblems, render, setup } from './helpers/fixture-api-families.js';
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
});
