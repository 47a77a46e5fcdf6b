/**
 * The stream side of the Mist source against the simulator over real sockets: values of devices,
 * radios and clients as the simulator sent them, decode errors that cost one message, partial
 * objects, roams, expiry, site removal and device renames, reconnects after a drop and after a
 * half-open stall with each channel subscribed once, and what /health says.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/engine/metric.js';
import { prometheusName } from '../../../src/engine/metric.js';
import { startMist, until, type HarnessOptions, type MistHarness } from './helpers.js';

let harness: MistHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

async function start(options: HarnessOptions = {}): Promise<MistHarness> {
  // A long period: frames come on subscribe and on each explicit tick(), so values are known.
  harness = await startMist({ ...options, simulator: { periodMillis: 600_000, ...options.simulator } });
  const h = harness;
  await until('the stream data', () => h.org.firstRoundDone && samples(h, 'clients').length > 0 && samples(h, 'devices').length > 0);
  return h;
}

function samples(h: MistHarness, collector: string): readonly Sample[] {
  return h.snapshot().collectors.get(collector)?.samples ?? [];
}

/** The value of the one sample of `name` (Prometheus name) whose attributes include `match`. */
function value(h: MistHarness, collector: string, name: string, match: Record<string, string>): number | undefined {
  const found = samples(h, collector).filter(
    (sample) => prometheusName(sample.metric) === name && Object.entries(match).every(([key, want]) => sample.attributes[key] === want),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(match)}`);
  return found[0]?.value;
}

function clientMacs(h: MistHarness): Set<string> {
  return new Set(samples(h, 'clients').map((sample) => sample.attributes['client_mac']!));
}

function selfValue(h: MistHarness, name: string, match: Record<string, string> = {}): number {
  return value(h, 'self', name, match) ?? Number.NaN;
}

describe('stream-driven values', () => {
  it('names: mistexporter — devices, radios and clients carry what the simulator sent, under mistexporter’s labels', async () => {
    const h = await start({ org: 'names: mistexporter' });
    const world = h.simulator.world;
    const device = world.devices[0]!;
    const site = world.site(device.siteId)!;
    const labels = { device_mac: device.mac, device_name: device.name, site_name: site.name, site_id: site.id, device_type: 'ap' };
    expect(value(h, 'devices', 'mist_device_radio_transmit_bytes', { ...labels, radio: 'band_5' })).toBe(device.radios['band_5']!.txBytes);
    expect(value(h, 'devices', 'mist_device_radio_channel', { ...labels, radio: 'band_24' })).toBe(device.radios['band_24']!.channel);
    const stat = world.deviceStat(device) as { rx_bps: number; cpu_stat: { idle: number }; memory_stat: { usage: number } };
    expect(value(h, 'devices', 'mist_device_receive_bits_per_second', labels)).toBe(stat.rx_bps);
    expect(value(h, 'devices', 'mist_device_cpu_utilization_idle_percent', labels)).toBe(stat.cpu_stat.idle);
    expect(value(h, 'devices', 'mist_device_memory_utilization_percent', labels)).toBe(41.5);
    expect(value(h, 'devices', 'mist_device_load_average_5m', labels)).toBe(0.2);
    // Beyond mistexporter: ports, LLDP/PoE (mW → W) and temperatures.
    expect(value(h, 'devices', 'mist_device_port_receive_bytes', { ...labels, port: 'eth0' })).toBe(device.portRx);
    expect(value(h, 'devices', 'mist_device_poe_power_draw_watts', labels)).toBe(12.5);
    expect(value(h, 'devices', 'mist_device_temperature_celsius', { ...labels, sensor: 'cpu' })).toBe(Math.round(device.temp));

    const client = world.siteClients(site.id)[0]!;
    const ap = world.devices.find((entry) => entry.mac === client.apMac)!;
    const clientLabels = {
      client_mac: client.mac,
      device_mac: ap.mac,
      device_name: ap.name,
      client_hostname: client.hostname,
      client_manufacturer: 'Intel',
      radio: client.band === '24' ? '2.4' : client.band,
      proto: client.proto,
      ssid: 'corp',
    };
    expect(value(h, 'clients', 'mist_client_rssi_dbm', clientLabels)).toBe(client.rssi);
    expect(value(h, 'clients', 'mist_client_transmit_bytes', clientLabels)).toBe(client.txBytes);
    expect(value(h, 'clients', 'mist_client_transmit_rate_mbps', clientLabels)).toBe(866.7);
    // Full float64: the simulator's last_seen has milliseconds.
    const lastSeen = value(h, 'clients', 'mist_client_last_seen_timestamp_seconds', clientLabels)!;
    expect(lastSeen % 1).not.toBe(0);
    expect(Math.abs(lastSeen - Date.now() / 1000)).toBeLessThan(3_600);

    // The next frames move the values.
    h.simulator.tick();
    await until('the new rssi', () => value(h, 'clients', 'mist_client_transmit_bytes', { client_mac: client.mac }) === client.txBytes && value(h, 'devices', 'mist_device_radio_transmit_bytes', { ...labels, radio: 'band_5' }) === device.radios['band_5']!.txBytes);
    expect(value(h, 'clients', 'mist_client_rssi_dbm', { client_mac: client.mac })).toBe(client.rssi);
  });

  it('names: otel — counters, bytes per second and one band vocabulary; trimmed client labels are empty', async () => {
    const h = await start({ org: 'names: otel, client_labels: [os]' });
    const device = h.simulator.world.devices[0]!;
    const stat = h.simulator.world.deviceStat(device) as { tx_bps: number };
    expect(value(h, 'devices', 'mist_device_radio_transmit_bytes_total', { device_mac: device.mac, band: '5' })).toBe(device.radios['band_5']!.txBytes);
    expect(value(h, 'devices', 'mist_device_transmit_bytes_per_second', { device_mac: device.mac })).toBe(stat.tx_bps / 8);
    const client = [...h.simulator.world.clients.values()][0]!;
    const rx = samples(h, 'clients').find((sample) => prometheusName(sample.metric) === 'mist_client_receive_retries_total' && sample.attributes['client_mac'] === client.mac)!;
    expect(rx.value).toBe(client.rxRetries);
    expect(rx.attributes).toMatchObject({ client_os: 'Windows 11', client_username: '', client_hostname: '', band: client.band === '24' ? '2.4' : '5' });
    // site_id and device_type in this mode too, on devices and on clients (the AP's type).
    expect(rx.attributes).toMatchObject({ site_id: client.siteId, device_type: 'ap', device_mac: client.apMac });
    const radio = samples(h, 'devices').find((sample) => prometheusName(sample.metric) === 'mist_device_radio_channel' && sample.attributes['device_mac'] === device.mac)!;
    expect(radio.attributes).toMatchObject({ site_id: device.siteId, device_type: 'ap' });
    const scrape = await h.scrape();
    expect(scrape).toMatch(/^mist_client_receive_retries_total\{/m);
  });
});

describe('decode errors and partial objects', () => {
  it('a malformed frame or a fractional integer costs that message only; partial objects update what they carry', async () => {
    const h = await start({ org: 'names: mistexporter' });
    const sim = h.simulator;
    const connections = sim.connectionCount;
    // The first client frames of the next tick: one malformed, one with a fractional rssi (-61.5).
    const before = selfValue(h, 'mist_ws_decode_errors_total');
    const rssiBefore = new Map([...sim.world.clients.values()].map((client) => [client.mac, value(h, 'clients', 'mist_client_rssi_dbm', { client_mac: client.mac })]));
    sim.faults.malformedData = 1;
    sim.faults.fractionalIntegers = 1;
    sim.tick();
    await until('two decode errors', () => selfValue(h, 'mist_ws_decode_errors_total') === before + 2);
    await until('the rest of the tick', () => selfValue(h, 'mist_ws_messages_total', { channel_kind: 'clients' }) >= 2 * sim.world.clients.size);
    // No -61.5 anywhere: the fractional message was skipped whole.
    for (const client of sim.world.clients.values()) expect(value(h, 'clients', 'mist_client_rssi_dbm', { client_mac: client.mac })).not.toBe(-61.5);
    expect([...rssiBefore.values()].every((rssi) => rssi !== undefined)).toBe(true);
    expect(sim.connectionCount).toBe(connections);
    expect(h.org.stream.state).toBe('connected');

    // A partial client object (mac, last_seen, rssi) leaves its other fields as they were.
    const client = [...sim.world.clients.values()][0]!;
    const txBefore = value(h, 'clients', 'mist_client_transmit_bytes', { client_mac: client.mac });
    sim.faults.partialObjects = sim.world.clients.size + sim.world.devices.length;
    client.rssi = -42;
    sim.tick();
    await until('the partial rssi', () => value(h, 'clients', 'mist_client_rssi_dbm', { client_mac: client.mac }) === -42);
    expect(value(h, 'clients', 'mist_client_transmit_bytes', { client_mac: client.mac })).toBe(txBefore);
  });
});

describe('roams, departures, removals and renames', () => {
  it('a roaming client moves its series to the new AP; one that leaves is gone after expire_after', async () => {
    let offset = 0;
    const h = await start({ org: 'expire_after: 1m', plugin: { clock: () => Date.now() + offset } });
    const world = h.simulator.world;
    const [roamer, leaver, ...others] = [...world.clients.values()];
    const oldAp = roamer!.apMac;
    world.roamClient(roamer!.mac);
    h.simulator.tick();
    await until('the roam', () => samples(h, 'clients').some((sample) => sample.attributes['client_mac'] === roamer!.mac && sample.attributes['device_mac'] === roamer!.apMac));
    expect(samples(h, 'clients').some((sample) => sample.attributes['client_mac'] === roamer!.mac && sample.attributes['device_mac'] === oldAp)).toBe(false);

    world.removeClient(leaver!.mac);
    h.simulator.tick();
    await until('a tick without the leaver', () => selfValue(h, 'mist_ws_messages_total', { channel_kind: 'clients' }) > 0);
    // Not yet expired: only time removes it.
    expect(clientMacs(h).has(leaver!.mac)).toBe(true);
    const expiredBefore = selfValue(h, 'mist_series_expired_total');
    offset += 61_000;
    h.simulator.tick();
    await until('the leaver expired and the others back', () => {
      const macs = clientMacs(h);
      return !macs.has(leaver!.mac) && [roamer!, ...others].every((client) => macs.has(client.mac));
    });
    expect(selfValue(h, 'mist_series_expired_total')).toBeGreaterThan(expiredBefore);
  });

  it('a removed site is gone at the next site refresh and unsubscribed; a renamed device is relabelled', async () => {
    const h = await start({ org: 'site_refresh_interval: 300ms, device_refresh_interval: 300ms, rest_interval: 300ms', simulator: { sites: 3 } });
    const world = h.simulator.world;
    const removed = world.sites[2]!;
    const siteIds = (): Set<string> => new Set([...samples(h, 'devices'), ...samples(h, 'clients'), ...samples(h, 'sites')].map((sample) => sample.attributes['site_id']!));
    expect(siteIds().has(removed.id)).toBe(true);
    world.removeSite(removed.id);
    await until('the site gone', () => !siteIds().has(removed.id));
    await until('its channels unsubscribed', () => h.simulator.subscriptions()[0]?.length === 4);
    expect(h.simulator.subscriptions()[0]!.some((channel) => channel.includes(removed.id))).toBe(false);
    expect(samples(h, 'self').some((sample) => sample.attributes['site_id'] === removed.id)).toBe(false);

    // A new site is subscribed at the next refresh, once.
    const added = world.addSite();
    await until('the new site streaming', () => h.simulator.subscriptions()[0]?.length === 6 && samples(h, 'clients').some((sample) => sample.attributes['site_id'] === added.id));

    // Org counts follow rest_interval.
    world.alarms['rogue_ap'] = 11;
    await until('the new alarm count', () => value(h, 'alarms', 'mist_org_alarms', { alarm_type: 'rogue_ap' }) === 11);

    const device = world.devices[0]!;
    world.renameDevice(device.mac, 'lobby-ap');
    await until('the new name', () => samples(h, 'devices').some((sample) => sample.attributes['device_mac'] === device.mac && sample.attributes['device_name'] === 'lobby-ap'));
    expect(h.simulator.duplicateSubscribes).toBe(0);
  });
});

describe('reload (SIGHUP)', () => {
  it('a new site filter unsubscribes and subscribes on the open connection, without a reconnect or a REST call', async () => {
    const h = await start({ simulator: { sites: 3 } });
    const world = h.simulator.world;
    const excluded = world.sites[2]!;
    await until('every site streaming', () => h.snapshot().details?.['sites_streaming'] === 3);
    const org = h.org;
    const requests = h.simulator.requests.length;
    const siteIds = (): Set<string> => new Set([...samples(h, 'devices'), ...samples(h, 'clients'), ...samples(h, 'sites')].map((sample) => sample.attributes['site_id']!));
    expect(siteIds().has(excluded.id)).toBe(true);

    const outcome = await h.reload(`sites: { exclude: ["${excluded.name}"] }`);
    expect(outcome).toMatchObject({ ok: true, targets: { mist: { added: [], removed: [], changed: ['acme'], unchanged: 0 } } });
    expect(outcome.restartNeeded).not.toContain('mist');
    // Applied in place, from the last site list: the left-out site's series are gone at once.
    expect(h.org).toBe(org);
    expect(siteIds().has(excluded.id)).toBe(false);
    expect(samples(h, 'self').some((sample) => sample.attributes['site_id'] === excluded.id)).toBe(false);
    await until('its channels unsubscribed', () => h.simulator.subscriptions()[0]?.length === 4);
    expect(h.simulator.subscriptions()[0]!.some((channel) => channel.includes(excluded.id))).toBe(false);

    // Back in: subscribed again on the same connection, once.
    await h.reload('sites: { exclude: [] }');
    await until('the site streaming again', () => h.simulator.subscriptions()[0]?.length === 6 && samples(h, 'clients').some((sample) => sample.attributes['site_id'] === excluded.id));
    expect(h.simulator.connectionCount).toBe(1);
    expect(h.simulator.openConnections).toBe(1);
    expect(h.simulator.duplicateSubscribes).toBe(0);
    expect(h.simulator.requests.length).toBe(requests);

    // The same settings again change nothing.
    expect((await h.reload('sites: { exclude: [] }')).targets['mist']).toEqual({ added: [], removed: [], changed: [], unchanged: 1 });
  });

  it('another change replaces the organisation; entries added and removed start and stop', async () => {
    const h = await start();
    const first = h.org;
    const outcome = await h.reload('names: mistexporter', ['name: second']);
    expect(outcome.targets['mist']).toEqual({ added: ['second'], removed: [], changed: ['acme'], unchanged: 0 });
    expect(h.org).not.toBe(first);
    expect(first.stream.state).toBe('stopped');
    await until('both organisations collecting', async () => {
      const text = await h.scrape();
      return /^mist_client_rssi_dbm\{org="acme"/m.test(text) && /^mist_client_rssi_dbm\{org="second"/m.test(text);
    });
    expect((await h.reload('names: mistexporter')).targets['mist']).toEqual({ added: [], removed: ['second'], changed: [], unchanged: 1 });
    await until('the removed organisation gone from the scrape', async () => !(await h.scrape()).includes('org="second"'));
    expect(h.org.stream.state).toBe('connected');
  });
});

describe('reconnects', () => {
  function subscribesOf(h: MistHarness, connection: number): string[] {
    return h.simulator.subscribeLog.filter((entry) => entry.connection === connection).map((entry) => entry.channel).sort();
  }

  it('after a dropped connection (1006): reconnects and subscribes every channel once', async () => {
    const h = await start();
    const channels = subscribesOf(h, 1);
    expect(channels).toHaveLength(4);
    expect(new Set(channels).size).toBe(4);
    h.simulator.dropConnections();
    await until('the second connection subscribed', () => subscribesOf(h, 2).length === 4 && h.org.snapshot().details?.['sites_streaming'] === 2, 10_000);
    expect(subscribesOf(h, 2)).toEqual(channels);
    expect(h.simulator.duplicateSubscribes).toBe(0);
    expect(selfValue(h, 'mist_ws_reconnects_total')).toBe(1);
    // The first retry was planned within a second (backoff with full jitter under 1 s).
    const planned = h.logs.map((line) => JSON.parse(line) as { msg: string; retryInMillis?: number }).find((line) => line.msg === 'Mist stream lost; reconnecting');
    expect(planned?.retryInMillis).toBeLessThan(1_000);
    const messages = selfValue(h, 'mist_ws_messages_total', { channel_kind: 'devices' });
    h.simulator.tick();
    await until('data again', () => selfValue(h, 'mist_ws_messages_total', { channel_kind: 'devices' }) > messages);
  });

  it('after a half-open stall: the idle timeout notices, then it reconnects and subscribes every channel once', async () => {
    const h = await start({ plugin: { stream: { idleTimeoutMillis: 600 } } });
    h.simulator.stallConnections();
    await until('the second connection subscribed', () => subscribesOf(h, 2).length === 4, 15_000);
    expect(subscribesOf(h, 2)).toEqual(subscribesOf(h, 1));
    expect(h.simulator.duplicateSubscribes).toBe(0);
    await until('streaming again', () => h.org.snapshot().details?.['sites_streaming'] === 2);
    expect(h.logs.some((line) => line.includes('half-open'))).toBe(true);
  });

  it('the agent pings a quiet stream and the pongs keep it alive', async () => {
    // No data frames after the first (a long period): only the agent's pings (every second) and their pongs,
    // which each have two seconds to arrive before the idle timeout would call the stream dead.
    const h = await start({ plugin: { stream: { idleTimeoutMillis: 3_000 } } });
    const pings = h.simulator.pingsReceived;
    await until('three pings from the agent', () => h.simulator.pingsReceived >= pings + 3);
    expect(h.org.stream.state).toBe('connected');
    expect(h.simulator.connectionCount).toBe(1);
  });

  it('server pings keep the stream alive; it stays on one connection', async () => {
    const h = await start({ plugin: { stream: { idleTimeoutMillis: 1_500 } } });
    h.simulator.faults.pingIntervalMillis = 100;
    h.simulator.tick();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(h.simulator.connectionCount).toBe(1);
  });
});

describe('health', () => {
  it('degraded with details when the stream is down but REST works', async () => {
    harness = await startMist({ org: 'names: otel', simulator: { periodMillis: 600_000 } });
    const h = harness;
    await until('every site streaming', () => h.org.firstRoundDone && h.snapshot().details?.['sites_streaming'] === 2);
    let overall = { status: '', code: 0 };
    const health = async (): Promise<Record<string, unknown>> => {
      const answer = await h.get('/health');
      const body = JSON.parse(answer.body) as { status: string; organisations?: { name: string; up: boolean; details?: Record<string, unknown> }[] };
      overall = { status: body.status, code: answer.status };
      return body.organisations?.[0] as unknown as Record<string, unknown>;
    };
    expect(await health()).toMatchObject({ name: 'acme', up: true, details: { state: 'ok', stream: 'connected', rest: 'ok' } });
    expect(overall).toEqual({ status: 'ok', code: 200 });
    // The organisation is a target on the index page too.
    const index = (await h.get('/')).body;
    expect(index).toContain('<h2>organisations (mist)</h2>');
    expect(index).toMatch(/<tr class="up"><td>acme<\/td><td>http:\/\/127\.0\.0\.1:\d+<\/td><td>up<\/td>/);
    const sites = h.simulator.world.sites;
    for (const site of sites) {
      expect(selfValue(h, 'mist_ws_connected', { site_id: site.id, site_name: site.name })).toBe(1);
      const last = selfValue(h, 'mist_ws_last_message_timestamp_seconds', { site_id: site.id });
      expect(Math.abs(last - Date.now() / 1000)).toBeLessThan(600);
    }
    // The stream endpoint refuses every upgrade from now on; REST keeps answering.
    h.simulator.faults.refuseStream = true;
    h.simulator.dropConnections();
    await until('the stream refused', () => h.org.stream.state !== 'connected' && (h.org.stream.lastError ?? '').includes('503'));
    const degraded = await health();
    expect(degraded).toMatchObject({ up: true, details: { state: 'degraded', rest: 'ok', sites_streaming: 0 } });
    // A degraded target makes the agent's status degraded (503), as a down one does.
    expect(overall).toEqual({ status: 'degraded', code: 503 });
    expect(degraded['details']).toHaveProperty('stream');
    expect(String(degraded['lastError'] ?? degraded['last_error'] ?? '')).toContain('503');
    expect((await h.get('/')).body).toMatch(/<td>acme<\/td><td>[^<]*<\/td><td>up \(degraded\)<\/td>/);
    for (const site of sites) expect(selfValue(h, 'mist_ws_connected', { site_id: site.id })).toBe(0);
  });

  it('down (authentication_failed) when the key is refused, with no key in what it says', async () => {
    harness = await startMist({ agentKey: 'S3cret-wrong-key-987' });
    const h = harness;
    await until('the first round', () => h.org.firstRoundDone);
    const snapshot = h.snapshot();
    expect(snapshot.up).toBe(false);
    expect(snapshot.downReason).toBe('authentication_failed');
    expect(snapshot.lastError).toContain('HTTP 401');
    const health = (await h.get('/health')).body;
    expect(health).toContain('authentication_failed');
    expect(health).not.toContain('S3cret');
    const index = (await h.get('/')).body;
    expect(index).toMatch(/<tr class="down"><td>acme<\/td><td>[^<]*<\/td><td>down \(authentication_failed\)<\/td>/);
    expect(index).not.toContain('S3cret');
    expect(await h.scrape()).toMatch(/^mist_up\{org="acme"[^}]*\} 0$/m);
  });

  it.each([
    ['none', 'no organisation privilege; set org_id'],
    ['many', 'reaches 2 organisations'],
  ] as const)('org discovery with %s org privileges is a clear error', async (privileges, message) => {
    harness = await startMist({ simulator: { privileges } });
    const h = harness;
    await until('the first round', () => h.org.firstRoundDone);
    const snapshot = h.snapshot();
    expect(snapshot.up).toBe(false);
    expect(snapshot.downReason).toBe('fatal');
    expect(snapshot.lastError).toContain(message);
  });
});
