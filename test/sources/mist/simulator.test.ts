/**
 * The Mist simulator over real sockets, as any client sees it: token auth on REST and on the stream
 * upgrade, pagination headers, the stream's frames (`data` double-encoded, several subscriptions on
 * one connection, unsubscribe), the scenario events and every fault knob.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MistSimulator } from '../../../src/sources/mist/simulator/server.js';
import { until } from './helpers.js';

const KEY = 'sim-test-key';
let simulator: MistSimulator | undefined;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await simulator?.stop();
  simulator = undefined;
});

async function start(options: Partial<Parameters<typeof MistSimulator.start>[0]> = {}): Promise<MistSimulator> {
  simulator = await MistSimulator.start({ apiKey: KEY, periodMillis: 60_000, sites: 3, apsPerSite: 2, clientsPerSite: 3, ...options });
  return simulator;
}

async function get(sim: MistSimulator, path: string, key: string | null = KEY): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(`${sim.baseUrl}${path}`, { headers: key === null ? {} : { Authorization: `Token ${key}` } });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

interface Frame {
  event: string;
  channel: string;
  data?: string;
}

async function stream(sim: MistSimulator, key = KEY): Promise<{ socket: WebSocket; frames: Frame[]; closed: Promise<number>; pings: () => number }> {
  const socket = new WebSocket(sim.streamUrl, { headers: { Authorization: `Token ${key}` } });
  sockets.push(socket);
  const frames: Frame[] = [];
  let pings = 0;
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
  socket.on('ping', () => (pings += 1));
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
  });
  return { socket, frames, closed, pings: () => pings };
}

describe('Mist simulator REST', () => {
  it('refuses a missing or wrong token with 401 and the {"detail"} envelope (403 when configured)', async () => {
    const sim = await start();
    const missing = await get(sim, '/api/v1/self', null);
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.text)).toHaveProperty('detail');
    expect((await get(sim, '/api/v1/self', 'wrong')).status).toBe(401);
    await sim.stop();
    const strict = await start({ authFailureStatus: 403 });
    expect((await get(strict, '/api/v1/self', 'wrong')).status).toBe(403);
  });

  it('serves /self, sites, devices, counts and site stats for its organisation', async () => {
    const sim = await start();
    const self = JSON.parse((await get(sim, '/api/v1/self')).text) as { privileges: { scope: string; org_id: string }[] };
    expect(self.privileges.filter((entry) => entry.scope === 'org').map((entry) => entry.org_id)).toEqual([sim.world.orgId]);
    const sites = JSON.parse((await get(sim, `/api/v1/orgs/${sim.world.orgId}/sites`)).text) as { id: string; name: string }[];
    expect(sites.map((site) => site.name)).toEqual(['site-01', 'site-02', 'site-03']);
    const devices = JSON.parse((await get(sim, `/api/v1/orgs/${sim.world.orgId}/devices`)).text) as { results: { mac: string; name: string }[] };
    expect(devices.results).toHaveLength(6);
    const alarms = JSON.parse((await get(sim, `/api/v1/orgs/${sim.world.orgId}/alarms/count?distinct=type`)).text) as { results: unknown[] };
    expect(alarms.results).toContainEqual({ type: 'rogue_ap', count: 3 });
    const stats = JSON.parse((await get(sim, `/api/v1/sites/${sites[0]!.id}/stats`)).text) as Record<string, unknown>;
    expect(stats).toMatchObject({ id: sites[0]!.id, num_ap: 2, num_clients: 3, modified_time: 1609459300 });
    expect((await get(sim, '/api/v1/sites/no-such-site/stats')).status).toBe(404);
  });

  it('pages list endpoints with page/limit and X-Page-* headers', async () => {
    const sim = await start();
    const first = await get(sim, `/api/v1/orgs/${sim.world.orgId}/sites?limit=2&page=1`);
    expect(first.headers.get('x-page-total')).toBe('3');
    expect(first.headers.get('x-page-limit')).toBe('2');
    expect(first.headers.get('x-page-page')).toBe('1');
    expect(JSON.parse(first.text)).toHaveLength(2);
    const second = await get(sim, `/api/v1/orgs/${sim.world.orgId}/sites?limit=2&page=2`);
    expect((JSON.parse(second.text) as { name: string }[]).map((site) => site.name)).toEqual(['site-03']);
  });

  it('answers 429 with Retry-After, 500/503 and malformed JSON while the knobs say so, then recovers', async () => {
    const sim = await start();
    sim.faults.rest429 = { count: 1, retryAfterSeconds: 7 };
    const limited = await get(sim, '/api/v1/self');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    sim.faults.restError = { count: 1, status: 503, match: '/alarms' };
    expect((await get(sim, '/api/v1/self')).status).toBe(200);
    expect((await get(sim, `/api/v1/orgs/${sim.world.orgId}/alarms/count`)).status).toBe(503);
    sim.faults.restMalformed = { count: 1, match: '' };
    const malformed = await get(sim, '/api/v1/self');
    expect(malformed.status).toBe(200);
    expect(() => JSON.parse(malformed.text) as unknown).toThrow();
    expect((await get(sim, '/api/v1/self')).status).toBe(200);
  });

  it('keeps an hourly budget and answers 429 with the seconds to the next hour once it is spent', async () => {
    const sim = await start({ budget: 3 });
    for (let i = 0; i < 3; i += 1) expect((await get(sim, '/api/v1/self')).status).toBe(200);
    const over = await get(sim, '/api/v1/self');
    expect(over.status).toBe(429);
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
  });

  it('reports zero or two org privileges when configured so', async () => {
    const none = await start({ privileges: 'none' });
    const orgs = (text: string): number => (JSON.parse(text) as { privileges: { scope: string }[] }).privileges.filter((p) => p.scope === 'org').length;
    expect(orgs((await get(none, '/api/v1/self')).text)).toBe(0);
    await none.stop();
    const many = await start({ privileges: 'many' });
    expect(orgs((await get(many, '/api/v1/self')).text)).toBe(2);
  });
});

describe('Mist simulator stream', () => {
  it('refuses an upgrade without the token', async () => {
    const sim = await start();
    await expect(stream(sim, 'wrong')).rejects.toThrow('HTTP 401');
  });

  it('multiplexes subscriptions on one connection, with data double-encoded, and stops a channel on unsubscribe', async () => {
    const sim = await start();
    const [site1, site2] = sim.world.sites;
    const { socket, frames } = await stream(sim);
    const devices = `/sites/${site1!.id}/stats/devices`;
    const clients = `/sites/${site2!.id}/stats/clients`;
    socket.send(JSON.stringify({ subscribe: devices }));
    socket.send(JSON.stringify({ subscribe: clients }));
    socket.send(JSON.stringify({ subscribe: '/sites/nope/stats/devices' }));
    await until('acks and first data', () => frames.filter((frame) => frame.event === 'data').length >= 5);
    expect(frames).toContainEqual({ event: 'channel_subscribed', channel: devices });
    expect(frames).toContainEqual({ event: 'channel_subscribed', channel: clients });
    expect(frames).toContainEqual({ event: 'subscription_failed', channel: '/sites/nope/stats/devices' });
    const data = frames.filter((frame) => frame.event === 'data');
    for (const frame of data) expect(typeof frame.data).toBe('string');
    const device = JSON.parse(data.find((frame) => frame.channel === devices)!.data!) as Record<string, unknown>;
    expect(device).toMatchObject({ type: 'ap', radio_stat: { band_24: { channel: expect.any(Number) } } });
    const client = JSON.parse(data.find((frame) => frame.channel === clients)!.data!) as Record<string, unknown>;
    expect(client).toMatchObject({ ssid: 'corp', site_id: site2!.id });
    expect(sim.subscriptions()).toEqual([[clients, devices].sort()]);
    socket.send(JSON.stringify({ unsubscribe: devices }));
    await until('unsubscribe applied', () => sim.subscriptions()[0]?.length === 1);
    frames.length = 0;
    sim.tick();
    await until('next frames', () => frames.length >= 3);
    expect(frames.every((frame) => frame.channel === clients)).toBe(true);
  });

  it('sends malformed data, partial objects and fractional integers when asked', async () => {
    const sim = await start();
    const channel = `/sites/${sim.world.sites[0]!.id}/stats/clients`;
    const { socket, frames } = await stream(sim);
    sim.faults.malformedData = 1;
    sim.faults.partialObjects = 1;
    sim.faults.fractionalIntegers = 1;
    socket.send(JSON.stringify({ subscribe: channel }));
    await until('three client frames', () => frames.filter((frame) => frame.event === 'data').length >= 3);
    const [malformed, partial, fractional] = frames.filter((frame) => frame.event === 'data').map((frame) => frame.data!);
    expect(() => JSON.parse(malformed!) as unknown).toThrow();
    expect(Object.keys(JSON.parse(partial!) as object).sort()).toEqual(['last_seen', 'mac', 'rssi']);
    expect((JSON.parse(fractional!) as { rssi: number }).rssi).toBe(-61.5);
  });

  it('drops connections without a close frame (1006), stalls them half-open, and pings', async () => {
    const sim = await start();
    const first = await stream(sim);
    sim.dropConnections();
    expect(await first.closed).toBe(1006);
    const second = await stream(sim);
    sim.faults.pingIntervalMillis = 50;
    sim.tick();
    await until('pings', () => second.pings() >= 2);
    const channel = `/sites/${sim.world.sites[0]!.id}/stats/devices`;
    second.socket.send(JSON.stringify({ subscribe: channel }));
    await until('data', () => second.frames.some((frame) => frame.event === 'data'));
    sim.stallConnections();
    // What the server sent just before the stall may still be on its way: take the baseline once the
    // client has received nothing new for a while.
    let seen = -1;
    let pings = -1;
    while (second.frames.length !== seen || second.pings() !== pings) {
      seen = second.frames.length;
      pings = second.pings();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    sim.tick();
    sim.tick();
    // Nothing arrives on a stalled connection, but it stays open (TCP up, no close).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(second.frames.length).toBe(seen);
    expect(second.pings()).toBe(pings);
    expect(second.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('plays the scenario: roams, departures and arrivals, a renamed device, a removed site', async () => {
    const sim = await start({ sites: 3, clientsPerSite: 4 });
    sim.scenario = true;
    const aps = new Map([...sim.world.clients.values()].map((client) => [client.mac, client.apMac]));
    const macs = new Set(sim.world.clients.keys());
    for (let i = 0; i < 30; i += 1) sim.tick();
    const roamed = [...sim.world.clients.values()].filter((client) => aps.has(client.mac) && aps.get(client.mac) !== client.apMac);
    expect(roamed.length).toBeGreaterThan(0);
    expect([...macs].some((mac) => !sim.world.clients.has(mac))).toBe(true);
    expect([...sim.world.clients.keys()].some((mac) => !macs.has(mac))).toBe(true);
    expect(sim.world.devices.some((device) => device.name.endsWith('-renamed'))).toBe(true);
    expect(sim.world.sites.map((site) => site.name)).toEqual(['site-01', 'site-02']);
  });
});
