import { describe, expect, it } from 'vitest';
import type { Row } from '../../../../src/sources/routeros/client/api.js';
import type { RouterFacts } from '../../../../src/sources/routeros/collectors/collector.js';
import { CollectorOptionError } from '../../../../src/sources/routeros/collectors/support/options.js';
import { bandFromChannel, CAPSMAN_INTERFACE_PROPLIST, parseSignal, wirelessCollector, wirelessStacks } from '../../../../src/sources/routeros/collectors/wireless.js';
import { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { callsWithoutProplist, commands, duplicateSeries, namingProblems, render, repliesFrom, setup, V6 } from './helpers/fixture-api-families.js';
import { monitorCalls, monitorsFrom, monitorSetup } from './helpers/fixture-api-monitors.js';

const V6_PACKAGES = ['routeros-arm', 'system', 'wireless', 'dhcp'];
const LEGACY = ['interface-wireless', 'interface-wireless-registration-table', 'caps-man-registration-table', 'caps-man-interface'];

function clients(iface: string, ssid: string, band: string, count: number): string {
  return `routeros_wireless_clients{interface="${iface}",ssid="${ssid}",band="${band}"} ${count}`;
}

interface Client {
  readonly ssid: string;
  readonly band: string;
  readonly signal: number;
  readonly tx: number;
  readonly rx: number;
  readonly txBytes: number;
  readonly rxBytes: number;
  /** Legacy wireless only: signal to noise (dB) and tx CCQ (%). */
  readonly snr?: number;
  readonly ccq?: number;
  readonly uptime?: number;
}

function client(iface: string, mac: string, c: Client): string[] {
  const key = `{interface="${iface}",mac_address="${mac}"}`;
  return [
    `routeros_wireless_client_info{interface="${iface}",mac_address="${mac}",ssid="${c.ssid}",band="${c.band}"} 1`,
    `routeros_wireless_client_signal_dbm${key} ${c.signal}`,
    `routeros_wireless_client_transmit_rate_bytes_per_second${key} ${c.tx / 8}`,
    `routeros_wireless_client_receive_rate_bytes_per_second${key} ${c.rx / 8}`,
    `routeros_wireless_client_transmit_bytes_total${key} ${c.txBytes}`,
    `routeros_wireless_client_receive_bytes_total${key} ${c.rxBytes}`,
    ...(c.snr === undefined ? [] : [`routeros_wireless_client_signal_to_noise_db${key} ${c.snr}`]),
    ...(c.ccq === undefined ? [] : [`routeros_wireless_client_transmit_ccq_ratio${key} ${c.ccq / 100}`]),
    ...(c.uptime === undefined ? [] : [`routeros_wireless_client_uptime_seconds${key} ${c.uptime}`]),
  ];
}

const LEGACY_MONITORS = monitorsFrom(V6, ['interface-wireless-monitor']);

/** Noise floor (dBm) and overall tx CCQ (%) of a legacy radio, from the monitor fixture. */
function radio(iface: string, noiseFloor: number, ccq: number): string[] {
  return [`routeros_wireless_radio_noise_floor_dbm{interface="${iface}"} ${noiseFloor}`, `routeros_wireless_radio_transmit_ccq_ratio{interface="${iface}"} ${ccq / 100}`];
}

const LEGACY_RADIOS = [...radio('wlan1', -105, 87), ...radio('wlan2', -108, 96), ...radio('wlan-guest', -105, 0)];

const LEGACY_COUNTS = [
  clients('wlan1', 'home', '2ghz-b/g/n', 2),
  clients('wlan2', 'home-5g', '5ghz-a/n/ac', 1),
  clients('wlan-guest', 'guest', '', 0),
  // Bands from the CAP interfaces' current channels; cap-lobby-2 has no clients and no series.
  clients('cap-lobby-1', 'corp', '2ghz-gn', 2),
  clients('cap-office-2', 'corp-5g', '5ghz-ac', 1),
];

const WIFI_COUNTS = [
  clients('wifi1', 'office', '5ghz-ax', 1),
  clients('wifi1', 'office', '5ghz-ac', 1),
  clients('cap-wifi1', 'office', '2ghz-ax', 1),
  clients('cap-wifi1', 'office-guest', '2ghz-ax', 1),
  clients('cap-wifi2', 'office', '5ghz-ax', 1),
];

function facts(major: number, minor: number, packages: readonly string[]): RouterFacts {
  return { version: `${major}.${minor}`, major, minor, packages: new Set(packages) };
}

describe('wirelessCollector', () => {
  it('counts legacy wireless and legacy CAPsMAN registrations per interface, SSID and band, and monitors the radios in ONE call (v6)', async () => {
    const { api, context } = monitorSetup(repliesFrom(V6, LEGACY), LEGACY_MONITORS, '6.49.10 (long-term)', { packages: V6_PACKAGES });
    const output = await wirelessCollector.collect(context);
    expect(render(output.samples)).toEqual([...LEGACY_COUNTS, ...LEGACY_RADIOS].sort());
    expect(commands(api.calls)).toEqual([
      'print /interface/wireless/registration-table',
      'print /interface/wireless ?disabled=false',
      'print /caps-man/registration-table',
      'print /caps-man/interface',
      'execute /interface/wireless/monitor',
    ]);
    // The enabled interfaces only (wlan-old is disabled), with the values the family reads.
    expect(monitorCalls(api)).toEqual(['/interface/wireless/monitor wlan1,wlan2,wlan-guest']);
    expect(api.calls[4]?.options?.proplist).toEqual(['name', 'noise-floor', 'overall-tx-ccq']);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
    // Counting needs no per-client fields.
    expect(api.calls[0]?.options?.proplist).toEqual(['interface', 'ssid', 'band', 'mac-address']);
    expect(api.calls[3]?.options?.proplist).toEqual(CAPSMAN_INTERFACE_PROPLIST);
  });

  it('monitors only the radios the include/exclude filter keeps, and still counts clients when the router refuses the monitor', async () => {
    const filtered = monitorSetup(repliesFrom(V6, LEGACY), LEGACY_MONITORS, '6.49.10 (long-term)', { packages: V6_PACKAGES, options: { exclude: ['wlan-guest'] } });
    const lines = render((await wirelessCollector.collect(filtered.context)).samples).filter((line) => line.includes('_radio_'));
    expect(lines).toEqual([...radio('wlan1', -105, 87), ...radio('wlan2', -108, 96)].sort());
    expect(monitorCalls(filtered.api)).toEqual(['/interface/wireless/monitor wlan1,wlan2']);

    const refused = setup(repliesFrom(V6, LEGACY, { '/interface/wireless/monitor': new TrapError('no such command prefix', 0) }), '6.49.10 (long-term)', {
      packages: V6_PACKAGES,
    });
    expect(render((await wirelessCollector.collect(refused.context)).samples)).toEqual([...LEGACY_COUNTS].sort());
  });

  it('lets a monitor failure other than a missing menu through', async () => {
    const denied = new TrapError('not enough permissions (9)', 9);
    const { context } = setup(repliesFrom(V6, LEGACY, { '/interface/wireless/monitor': denied }), '6.49.10 (long-term)', { packages: V6_PACKAGES });
    await expect(wirelessCollector.collect(context)).rejects.toBe(denied);
  });

  it('sends no CAPsMAN interface print when the controller has no clients', async () => {
    const { api, context } = setup(repliesFrom(V6, LEGACY, { '/caps-man/registration-table': [] }), '6.49.10 (long-term)', { packages: V6_PACKAGES });
    const output = await wirelessCollector.collect(context);
    expect(render(output.samples)).toEqual(LEGACY_COUNTS.filter((line) => !line.includes('cap-')).sort());
    expect(commands(api.calls)).not.toContain('print /caps-man/interface');
    expect(api.calls).toHaveLength(4);
  });

  it('leaves the band of CAPsMAN clients empty when their interface has no usable channel', async () => {
    const { context } = setup(
      repliesFrom(V6, LEGACY, { '/caps-man/interface': [{ name: 'cap-lobby-1', 'current-channel': 'unknown' }] }),
      '6.49.10 (long-term)',
      { packages: V6_PACKAGES },
    );
    const lines = render((await wirelessCollector.collect(context)).samples).filter((line) => line.includes('cap-'));
    expect(lines).toEqual([clients('cap-lobby-1', 'corp', '', 2), clients('cap-office-2', 'corp-5g', '', 1)]);
  });

  it('adds capped per-client series with clients: true (signal forms, rate suffixes, tx,rx byte pairs)', async () => {
    const { context } = setup(repliesFrom(V6, LEGACY), '6.49.10 (long-term)', {
      packages: V6_PACKAGES,
      options: { clients: true, max_series: 4 },
    });
    const output = await wirelessCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        ...LEGACY_COUNTS,
        ...client('wlan1', 'AC:BC:32:00:00:01', { ssid: 'home', band: '2ghz-b/g/n', signal: -71, tx: 65e6, rx: 144_400_000, txBytes: 300, rxBytes: 400, snr: 35, ccq: 88, uptime: 3723 }),
        ...client('wlan1', 'AC:BC:32:00:00:02', { ssid: 'home', band: '2ghz-b/g/n', signal: -62, tx: 72_200_000, rx: 65e6, txBytes: 1500, rxBytes: 2600, snr: 44, ccq: 95, uptime: 300 }),
        // 9007199254740993 is beyond 2^53: the nearest double.
        ...client('wlan2', 'F0:18:98:00:00:03', { ssid: 'home-5g', band: '5ghz-a/n/ac', signal: -55, tx: 866_700_000, rx: 780e6, txBytes: 9007199254740992, rxBytes: 123456789, snr: 52, ccq: 97, uptime: 183_600 }),
        ...client('cap-lobby-1', '3C:22:FB:00:00:01', { ssid: 'corp', band: '2ghz-gn', signal: -62, tx: 130e6, rx: 117e6, txBytes: 10000, rxBytes: 20000, uptime: 14_400 }),
      ].sort(),
    );
    // Two CAPsMAN clients over the cap, seven series each (six, and their uptime).
    expect(output.dropped).toBe(14);
    expect(duplicateSeries(output.samples)).toEqual([]);
  });

  it('adds the DHCP host names of the kept clients with dhcp_names: true, from ONE lease print matching only their MACs', async () => {
    const leases: Row[] = [
      { '.id': '*1', 'mac-address': 'AC:BC:32:00:00:01', 'host-name': 'anna-phone', server: 'defconf', status: 'bound' },
      // A second server's lease without a name, then one with: the named one counts.
      { '.id': '*2', 'mac-address': 'F0:18:98:00:00:03', server: 'guest', status: 'bound' },
      { '.id': '*3', 'mac-address': 'F0:18:98:00:00:03', 'host-name': 'living-room-tv', server: 'defconf', status: 'bound' },
      { '.id': '*4', 'mac-address': '00:11:22:33:44:55', 'host-name': 'not-a-wireless-client', server: 'defconf', status: 'bound' },
    ];
    const { api, context } = setup(repliesFrom(V6, LEGACY, { '/ip/dhcp-server/lease': leases }), '6.49.10 (long-term)', {
      packages: V6_PACKAGES,
      options: { clients: true, dhcp_names: true, include: ['wlan.*'] },
    });
    const output = await wirelessCollector.collect(context);
    expect(render(output.samples).filter((line) => line.includes('_dhcp_info'))).toEqual([
      'routeros_wireless_client_dhcp_info{interface="wlan1",mac_address="AC:BC:32:00:00:01",host_name="anna-phone"} 1',
      'routeros_wireless_client_dhcp_info{interface="wlan2",mac_address="F0:18:98:00:00:03",host_name="living-room-tv"} 1',
    ]);
    const leaseCalls = api.calls.filter((call) => call.path === '/ip/dhcp-server/lease');
    expect(leaseCalls).toHaveLength(1);
    expect(leaseCalls[0]?.options?.query).toEqual(['mac-address=AC:BC:32:00:00:01', 'mac-address=AC:BC:32:00:00:02', 'mac-address=F0:18:98:00:00:03', '#||']);
    expect(leaseCalls[0]?.options?.proplist).toEqual(['mac-address', 'host-name']);
    expect(duplicateSeries(output.samples)).toEqual([]);

    // The cap bounds the lookup too: one client kept, one MAC asked for, no query operator.
    const capped = setup(repliesFrom(V6, LEGACY, { '/ip/dhcp-server/lease': leases }), '6.49.10 (long-term)', {
      packages: V6_PACKAGES,
      options: { clients: true, dhcp_names: true, include: ['wlan.*'], max_series: 1 },
    });
    const cappedOutput = await wirelessCollector.collect(capped.context);
    expect(capped.api.calls.find((call) => call.path === '/ip/dhcp-server/lease')?.options?.query).toEqual(['mac-address=AC:BC:32:00:00:01']);
    expect(render(cappedOutput.samples).filter((line) => line.includes('_dhcp_info'))).toEqual([
      'routeros_wireless_client_dhcp_info{interface="wlan1",mac_address="AC:BC:32:00:00:01",host_name="anna-phone"} 1',
    ]);
  });

  it('sends no lease print without dhcp_names or without clients, and gives no names where the router has no DHCP server', async () => {
    const off = setup(repliesFrom(V6, LEGACY), '6.49.10 (long-term)', { packages: V6_PACKAGES, options: { clients: true } });
    await wirelessCollector.collect(off.context);
    expect(off.api.calls.some((call) => call.path === '/ip/dhcp-server/lease')).toBe(false);

    const none = setup(repliesFrom(V6, LEGACY, { '/caps-man/registration-table': [], '/interface/wireless/registration-table': [] }), '6.49.10 (long-term)', {
      packages: V6_PACKAGES,
      options: { clients: true, dhcp_names: true },
    });
    await wirelessCollector.collect(none.context);
    expect(none.api.calls.some((call) => call.path === '/ip/dhcp-server/lease')).toBe(false);

    // No `/ip/dhcp-server/lease` reply: the fixture API answers like a router without the menu.
    const noDhcp = setup(repliesFrom(V6, LEGACY), '6.49.10 (long-term)', { packages: V6_PACKAGES, options: { clients: true, dhcp_names: true } });
    const output = await wirelessCollector.collect(noDhcp.context);
    expect(render(output.samples).filter((line) => line.includes('_dhcp_info'))).toEqual([]);
    // Every client still has its series: three local and three CAPsMAN clients.
    expect(render(output.samples).filter((line) => line.includes('_client_info'))).toHaveLength(6);
  });

  it('rejects dhcp_names without clients, naming both keys', () => {
    expect(() => wirelessCollector.checkOptions?.({ dhcp_names: true })).toThrow(
      new CollectorOptionError('dhcp_names: needs clients: true (the host names belong to the per-client series)'),
    );
    expect(() => wirelessCollector.checkOptions?.({ dhcp_names: 'yes', clients: true })).toThrow(new CollectorOptionError('dhcp_names: must be true or false'));
  });

  it('reads wifiwave2 before 7.13 (signal as a number, band and SSID per row)', async () => {
    const { api, context } = setup(repliesFrom('7.12', ['interface-wifiwave2-registration-table']), '7.12.1 (stable)', {
      packages: ['routeros', 'wifiwave2'],
      options: { clients: true },
    });
    const output = await wirelessCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        clients('wifi1', 'home', '5ghz-ax', 1),
        clients('wifi2', 'home', '2ghz-n', 1),
        ...client('wifi1', 'D4:57:63:00:00:01', { ssid: 'home', band: '5ghz-ax', signal: -55, tx: 1_200_900_000, rx: 960_700_000, txBytes: 1000, rxBytes: 2000, uptime: 3720 }),
        ...client('wifi2', 'D4:57:63:00:00:02', { ssid: 'home', band: '2ghz-n', signal: -67, tx: 144_400_000, rx: 130e6, txBytes: 700, rxBytes: 900, uptime: 180 }),
      ].sort(),
    );
    expect(commands(api.calls)).toEqual(['print /interface/wifiwave2/registration-table']);
    expect(output.dropped).toBe(0);
  });

  it('counts wifi (7.13+) rows per CAP interface on a CAPsMAN controller, band per client (mktxp #160)', async () => {
    for (const packages of [['routeros', 'wifi-qcom'], ['routeros']]) {
      const { api, context } = setup(repliesFrom('7.16', ['interface-wifi-registration-table']), '7.16 (stable)', { packages });
      expect(render((await wirelessCollector.collect(context)).samples)).toEqual([...WIFI_COUNTS].sort());
      expect(commands(api.calls)).toEqual(['print /interface/wifi/registration-table']);
    }
  });

  it('reads every stack of a router with both the legacy package and 7.13+ wifi ("dual")', async () => {
    const replies = { ...repliesFrom(V6, LEGACY), ...repliesFrom('7.16', ['interface-wifi-registration-table']) };
    const { api, context } = setup(replies, '7.16 (stable)', { packages: ['routeros', 'wireless'] });
    const output = await wirelessCollector.collect(context);
    expect(render(output.samples)).toEqual([...LEGACY_COUNTS, ...WIFI_COUNTS].sort());
    expect(api.calls).toHaveLength(6);
  });

  it('tries every stack when packages are unknown and skips the missing ones', async () => {
    const { api, context } = setup(repliesFrom('7.16', ['interface-wifi-registration-table']), '7.16 (stable)', {
      packages: [],
      options: { include: ['cap-wifi.*'] },
    });
    const output = await wirelessCollector.collect(context);
    expect(render(output.samples)).toEqual(WIFI_COUNTS.filter((line) => line.includes('cap-wifi')).sort());
    expect(commands(api.calls)).toEqual([
      'print /interface/wireless/registration-table',
      'print /interface/wireless ?disabled=false',
      'print /caps-man/registration-table',
      'print /interface/wifiwave2/registration-table',
      'print /interface/wifi/registration-table',
    ]);
  });

  it('propagates a missing feature when no stack exists (before 7.13 without wireless packages)', async () => {
    const { api, context } = setup({}, '7.12.1 (stable)', { packages: ['routeros'] });
    const error = await wirelessCollector.collect(context).catch((reason: unknown) => reason);
    expect((error as TrapError).isMissingFeature).toBe(true);
    expect(commands(api.calls)).toEqual(['print /interface/wireless/registration-table', 'print /interface/wireless ?disabled=false']);
    const unknown = setup({}, '7.16 (stable)', { packages: [] });
    const all = await wirelessCollector.collect(unknown.context).catch((reason: unknown) => reason);
    expect((all as TrapError).isMissingFeature).toBe(true);
  });

  it('lets other traps (permissions) through even when another stack answered', async () => {
    const denied = new TrapError('not enough permissions (9)', 9);
    const { context } = setup({ ...repliesFrom('7.16', ['interface-wifi-registration-table']), '/caps-man/registration-table': denied }, '7.16 (stable)', {
      packages: [],
    });
    await expect(wirelessCollector.collect(context)).rejects.toBe(denied);
  });

  it('rejects bad options naming the key', async () => {
    const { context } = setup({}, '7.16 (stable)', { options: { clients: 'yes' } });
    await expect(wirelessCollector.collect(context)).rejects.toThrow(new CollectorOptionError('clients: must be true or false'));
  });

  it('follows the naming rule under routeros_wireless_', () => {
    expect(namingProblems(wirelessCollector, ['routeros_wireless_'])).toEqual([]);
    expect(wirelessCollector.defaultEnabled).toBe(true);
  });
});

describe('wirelessStacks', () => {
  it('picks stacks from packages and version', () => {
    expect(wirelessStacks(facts(6, 49, ['routeros-mipsbe', 'wireless']))).toEqual(['wireless', 'caps-man']);
    expect(wirelessStacks(facts(6, 40, ['routeros-mipsbe', 'wireless-cm2']))).toEqual(['wireless', 'caps-man']);
    expect(wirelessStacks(facts(7, 12, ['routeros', 'wifiwave2']))).toEqual(['wifiwave2']);
    expect(wirelessStacks(facts(7, 12, ['routeros', 'wireless']))).toEqual(['wireless', 'caps-man']);
    expect(wirelessStacks(facts(7, 15, ['routeros', 'wifi-qcom']))).toEqual(['wifi']);
    expect(wirelessStacks(facts(7, 19, ['routeros', 'wireless']))).toEqual(['wireless', 'caps-man', 'wifi']);
    expect(wirelessStacks(facts(7, 19, ['routeros', 'container']))).toEqual(['wifi']);
    expect(wirelessStacks(facts(7, 12, ['routeros']))).toEqual(['wireless']);
    expect(wirelessStacks(facts(7, 16, []))).toEqual(['wireless', 'caps-man', 'wifiwave2', 'wifi']);
  });
});

describe('bandFromChannel', () => {
  it('reads the band family from the frequency and the mode from the channel', () => {
    expect(bandFromChannel('5180/20-Ceee/ac')).toBe('5ghz-ac');
    expect(bandFromChannel('2437/20-Ce/gn(20dBm)')).toBe('2ghz-gn');
    expect(bandFromChannel('2412/20/g')).toBe('2ghz-g');
    expect(bandFromChannel('5745/40-Ce/AN')).toBe('5ghz-an');
    expect(bandFromChannel('5180/20')).toBe('5ghz');
    expect(bandFromChannel('5180')).toBe('5ghz');
    expect(bandFromChannel('912/20/b')).toBeUndefined();
    expect(bandFromChannel('')).toBeUndefined();
    expect(bandFromChannel(undefined)).toBeUndefined();
  });
});

describe('parseSignal', () => {
  it('reads the legacy, CAPsMAN and wifi forms', () => {
    expect(parseSignal('-71dBm@6Mbps')).toBe(-71);
    expect(parseSignal('-62@HT20-7')).toBe(-62);
    expect(parseSignal('-55')).toBe(-55);
    expect(parseSignal('strong')).toBeUndefined();
    expect(parseSignal(undefined)).toBeUndefined();
  });
});
