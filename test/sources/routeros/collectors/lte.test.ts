import { describe, expect, it } from 'vitest';
import { LTE_MONITOR_PROPLIST, LTE_STATES, lteCollector, lteState } from '../../../../src/sources/routeros/collectors/lte.js';
import { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { callsWithoutProplist, commands, namingProblems, render, repliesFrom, V6, V7 } from './helpers/fixture-api-families.js';
import { monitorCalls, monitorsFrom, monitorSetup } from './helpers/fixture-api-monitors.js';

interface Radio {
  readonly rssi: number;
  readonly rsrp: number;
  readonly rsrq: number;
  readonly sinr: number;
  readonly uptime: number;
}

function radio(name: string, r: Radio): string[] {
  const labels = `{interface="${name}"}`;
  return [
    `routeros_lte_rssi_dbm${labels} ${r.rssi}`,
    `routeros_lte_rsrp_dbm${labels} ${r.rsrp}`,
    `routeros_lte_rsrq_db${labels} ${r.rsrq}`,
    `routeros_lte_sinr_db${labels} ${r.sinr}`,
    `routeros_lte_session_uptime_seconds${labels} ${r.uptime}`,
  ];
}

/** The registered gauge and the whole state set of one interface, `current` at 1. */
function registration(name: string, current: string, registered: 0 | 1): string[] {
  return [
    `routeros_lte_registered{interface="${name}"} ${registered}`,
    ...LTE_STATES.map((state) => `routeros_lte_registration_state{interface="${name}",state="${state}"} ${state === current ? 1 : 0}`),
  ];
}

const LTE1_V7 = [
  ...radio('lte1', { rssi: -73, rsrp: -104, rsrq: -9, sinr: 13, uptime: 216 }),
  ...registration('lte1', 'registered', 1),
  'routeros_lte_cell_info{interface="lte1",operator="LMT",access_technology="LTE",cell_id="",primary_band="B3",ca_band=""} 1',
];

describe('lteCollector', () => {
  it('monitors the enabled LTE interfaces in ONE call (v7)', async () => {
    const { api, context } = monitorSetup(repliesFrom(V7, ['interface-lte']), monitorsFrom(V7, ['interface-lte-monitor']), '7.16 (stable)');
    expect(render((await lteCollector.collect(context)).samples)).toEqual([...LTE1_V7].sort());
    expect(commands(api.calls)).toEqual(['print /interface/lte ?disabled=false', 'execute /interface/lte/monitor']);
    expect(monitorCalls(api)).toEqual(['/interface/lte/monitor lte1']);
    expect(api.calls[1]?.options?.proplist).toEqual(LTE_MONITOR_PROPLIST);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
  });

  it('pairs monitor rows by position when RouterOS does not name the interface', async () => {
    const lte2 = { 'registration-status': 'not registered', rssi: '-99', rsrp: '-120', rsrq: '-19', sinr: '-3' };
    const { api, context } = monitorSetup(
      { '/interface/lte': [{ name: 'lte1', disabled: 'false' }, { name: 'lte2', disabled: 'false' }] },
      { '/interface/lte/monitor': { ...monitorsFrom(V7, ['interface-lte-monitor'])['/interface/lte/monitor'], lte2: { name: 'lte2', ...lte2 } } },
      '7.16 (stable)',
      { unnamed: ['/interface/lte/monitor'] },
    );
    expect(render((await lteCollector.collect(context)).samples)).toEqual(
      [
        ...LTE1_V7,
        'routeros_lte_rssi_dbm{interface="lte2"} -99',
        'routeros_lte_rsrp_dbm{interface="lte2"} -120',
        'routeros_lte_rsrq_db{interface="lte2"} -19',
        'routeros_lte_sinr_db{interface="lte2"} -3',
        ...registration('lte2', 'not-registered', 0),
      ].sort(),
    );
    expect(monitorCalls(api)).toEqual(['/interface/lte/monitor lte1,lte2']);
  });

  it('uses `info =number=` per interface on v6, parses unit suffixes and counts roaming as registered', async () => {
    const { api, context } = monitorSetup(repliesFrom(V6, ['interface-lte']), monitorsFrom(V6, ['interface-lte-info']), '6.49.10 (long-term)');
    expect(render((await lteCollector.collect(context)).samples)).toEqual(
      [
        ...radio('lte1', { rssi: -85, rsrp: -110, rsrq: -12, sinr: 3, uptime: 3720 }),
        ...registration('lte1', 'roaming', 1),
        'routeros_lte_cell_info{interface="lte1",operator="Tele2",access_technology="Evolved 3G (LTE)",cell_id="",primary_band="",ca_band=""} 1',
      ].sort(),
    );
    expect(monitorCalls(api)).toEqual(['/interface/lte/info number=lte1']);
    expect(api.calls[1]?.attributes).toEqual({ number: 'lte1', once: '' });
  });

  it('reads the 5G NR leg of a non-standalone modem beside the LTE anchor, and its cell and bands as info', async () => {
    const nr = { name: 'lte1', 'registration-status': 'registered', rsrp: '-100', 'nr-rsrp': '-95', 'nr-rsrq': '-11', 'nr-sinr': '17.5', 'current-operator': 'LMT', 'access-technology': '5G NSA', 'current-cellid': '20480513', 'primary-band': 'B3', 'ca-band': 'B20,n78' };
    const { context } = monitorSetup({ '/interface/lte': [{ name: 'lte1', disabled: 'false' }] }, { '/interface/lte/monitor': { lte1: nr } }, '7.16 (stable)');
    const lines = render((await lteCollector.collect(context)).samples);
    expect(lines).toEqual(
      expect.arrayContaining([
        'routeros_lte_rsrp_dbm{interface="lte1"} -100',
        'routeros_lte_nr_rsrp_dbm{interface="lte1"} -95',
        'routeros_lte_nr_rsrq_db{interface="lte1"} -11',
        'routeros_lte_nr_sinr_db{interface="lte1"} 17.5',
        'routeros_lte_cell_info{interface="lte1",operator="LMT",access_technology="5G NSA",cell_id="20480513",primary_band="B3",ca_band="B20,n78"} 1',
      ]),
    );
    // A searching modem has no operator: no info series of empty values.
    const searching = monitorSetup(
      { '/interface/lte': [{ name: 'lte1', disabled: 'false' }] },
      { '/interface/lte/monitor': { lte1: { name: 'lte1', 'registration-status': 'searching' } } },
      '7.16 (stable)',
    );
    expect(render((await lteCollector.collect(searching.context)).samples).filter((line) => line.includes('cell_info'))).toEqual([]);
  });

  it('keeps the state set fixed: a state outside it is unknown, never a new series', async () => {
    const states = ['searching', 'Denied', 'emergency only', 'registered'];
    for (const status of states) {
      const { context } = monitorSetup(
        repliesFrom(V7, ['interface-lte']),
        { '/interface/lte/monitor': { lte1: { name: 'lte1', 'registration-status': status } } },
        '7.16 (stable)',
      );
      const expected = lteState(status)!;
      expect(render((await lteCollector.collect(context)).samples), status).toEqual(registration('lte1', expected, status === 'registered' ? 1 : 0).sort());
    }
    expect(['searching', 'Denied', 'emergency only', 'not registered', ' roaming '].map(lteState)).toEqual(['searching', 'denied', 'unknown', 'not-registered', 'roaming']);
    expect(lteState('')).toBeUndefined();
  });

  it('names the missing `test` policy when v6 refuses `info`, keeping the trap as the cause', async () => {
    const denied = new TrapError('not enough permissions (9)', undefined);
    const { context } = monitorSetup({ ...repliesFrom(V6, ['interface-lte']), '/interface/lte/info': denied }, {}, '6.49.10 (long-term)');
    const error = await lteCollector.collect(context).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      '/interface/lte/info: the router refused it (not enough permissions (9)); on RouterOS 6 the API user needs the "test" policy',
    );
    expect((error as Error).cause).toBe(denied);
    // Other traps, and v7, pass through as they are.
    const other = new TrapError('input does not match any value of interface', 1);
    const v6Other = monitorSetup({ ...repliesFrom(V6, ['interface-lte']), '/interface/lte/info': other }, {}, '6.49.10 (long-term)');
    await expect(lteCollector.collect(v6Other.context)).rejects.toBe(other);
    const v7 = monitorSetup({ ...repliesFrom(V7, ['interface-lte']), '/interface/lte/monitor': denied }, {}, '7.16 (stable)');
    await expect(lteCollector.collect(v7.context)).rejects.toBe(denied);
  });

  it('sends no monitor without enabled LTE interfaces, and propagates a missing /interface/lte', async () => {
    const none = monitorSetup({ '/interface/lte': [{ name: 'lte1', disabled: 'true' }] }, {}, '7.16 (stable)');
    expect((await lteCollector.collect(none.context)).samples).toEqual([]);
    expect(none.api.calls).toHaveLength(1);
    const { context } = monitorSetup({}, {}, '7.16 (stable)');
    const error = await lteCollector.collect(context).catch((reason: unknown) => reason);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('is off by default and follows the naming rule under routeros_lte_', () => {
    expect(lteCollector.defaultEnabled).toBe(false);
    expect(namingProblems(lteCollector, ['routeros_lte_'])).toEqual([]);
  });
});
