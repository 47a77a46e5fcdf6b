/**
 * The Mist simulator: Mist's REST API and WebSocket stream on loopback for one organisation, with
 * `Authorization: Token …` checked on both, `page`/`limit` pagination with the `X-Page-*` headers,
 * the hourly call budget answered with 429 and `Retry-After`, and fault knobs: 429, 500/503,
 * latency, malformed JSON (REST and stream `data`), a dropped connection (close 1006), a half-open
 * stall, ping frames, partial objects and fractional numbers in integer fields. Frames are those of
 * Mist's stream as mistclient speaks it: `{"subscribe": ch}` → `channel_subscribed`, then `data`
 * frames whose `data` is a JSON text. Several subscriptions share one connection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { SimWorld } from './world.js';

export interface MistSimulatorOptions {
  readonly apiKey: string;
  /** @default 127.0.0.1 */
  readonly host?: string;
  /** @default 0 (any free port) */
  readonly port?: number;
  readonly sites?: number;
  readonly apsPerSite?: number;
  readonly clientsPerSite?: number;
  /** How often stats frames are sent and the world moves. @default 1_000 */
  readonly periodMillis?: number;
  /** Run the scripted events (roam, leave/join, rename, site removal). @default false */
  readonly scenario?: boolean;
  /** Status for a missing or wrong token (real Mist's is unverified). @default 401 */
  readonly authFailureStatus?: 401 | 403;
  /** Calls per clock hour before 429. @default 5_000 */
  readonly budget?: number;
  /** Default page size of list endpoints. @default 100 */
  readonly pageLimit?: number;
  /** Org privileges /self reports: one (default), none or two. */
  readonly privileges?: 'one' | 'none' | 'many';
}

/** Fault knobs; tests and `simulate-mist --fault` set them while the simulator runs. */
export interface MistFaults {
  /** The next N REST calls answer 429 with `Retry-After: retryAfterSeconds`. */
  rest429: { count: number; retryAfterSeconds: number };
  /** The next N REST calls whose path contains `match` (all when '') answer `status`. */
  restError: { count: number; status: 500 | 503; match: string };
  /** The next N REST calls whose path contains `match` answer a body that is not JSON. */
  restMalformed: { count: number; match: string };
  /** Delay before every REST answer. */
  latencyMillis: number;
  /** The next N data frames carry `data` that is not JSON. */
  malformedData: number;
  /** The next N data frames carry only some fields of the object. */
  partialObjects: number;
  /** The next N data frames carry a fractional number where an integer belongs. */
  fractionalIntegers: number;
  /** Send a WebSocket ping to every connection this often (0: never). */
  pingIntervalMillis: number;
  /** Answer stream upgrades with 503 (REST keeps working). */
  refuseStream: boolean;
}

interface Connection {
  readonly id: number;
  readonly ws: WebSocket;
  readonly socket: Socket;
  readonly channels: Set<string>;
  stalled: boolean;
}

const CHANNEL = /^\/sites\/([^/]+)\/stats\/(devices|clients)$/;
const HOUR_MILLIS = 3_600_000;

export class MistSimulator {
  readonly world: SimWorld;
  readonly faults: MistFaults = {
    rest429: { count: 0, retryAfterSeconds: 1 },
    restError: { count: 0, status: 500, match: '' },
    restMalformed: { count: 0, match: '' },
    latencyMillis: 0,
    malformedData: 0,
    partialObjects: 0,
    fractionalIntegers: 0,
    pingIntervalMillis: 0,
    refuseStream: false,
  };
  /** Every REST call: path and status. */
  readonly requests: { path: string; status: number }[] = [];
  /** Every subscribe frame: connection id and channel. */
  readonly subscribeLog: { connection: number; channel: string }[] = [];
  /** Subscribes for a channel the connection already had. */
  duplicateSubscribes = 0;
  /** WebSocket connections accepted so far. */
  connectionCount = 0;
  /** Ping frames received from clients (a client's keepalive). */
  pingsReceived = 0;
  scenario: boolean;

  private readonly _server: Server;
  private readonly _wss: WebSocketServer;
  private readonly _connections = new Set<Connection>();
  private readonly _sockets = new Set<Socket>();
  private _tickTimer: NodeJS.Timeout | undefined;
  private _pingTimer: NodeJS.Timeout | undefined;
  private _pingEvery = 0;
  private _hour = -1;
  private _used = 0;
  private _port = 0;

  private constructor(private readonly _options: MistSimulatorOptions) {
    this.world = new SimWorld({ sites: _options.sites ?? 3, apsPerSite: _options.apsPerSite ?? 2, clientsPerSite: _options.clientsPerSite ?? 4 });
    this.scenario = _options.scenario ?? false;
    this._server = createServer((request, response) => {
      void this.handle(request, response).catch(() => {
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    });
    this._server.on('connection', (socket: Socket) => {
      this._sockets.add(socket);
      socket.on('close', () => this._sockets.delete(socket));
      socket.on('error', () => undefined);
    });
    this._wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    this._server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => this.upgrade(request, socket, head));
  }

  static async start(options: MistSimulatorOptions): Promise<MistSimulator> {
    const simulator = new MistSimulator(options);
    await new Promise<void>((resolve, reject) => {
      simulator._server.once('error', reject);
      simulator._server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        simulator._server.off('error', reject);
        resolve();
      });
    });
    const address = simulator._server.address();
    simulator._port = typeof address === 'object' && address !== null ? address.port : 0;
    simulator._tickTimer = setInterval(() => simulator.tick(), options.periodMillis ?? 1_000);
    simulator._tickTimer.unref();
    return simulator;
  }

  get host(): string {
    return this._options.host ?? '127.0.0.1';
  }

  get port(): number {
    return this._port;
  }

  get baseUrl(): string {
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this._port}`;
  }

  get streamUrl(): string {
    return `ws://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this._port}/api-ws/v1/stream`;
  }

  /** Channels subscribed per open connection. */
  subscriptions(): string[][] {
    return [...this._connections].map((connection) => [...connection.channels].sort());
  }

  /** Open connections. */
  get openConnections(): number {
    return this._connections.size;
  }

  /** One period now: the world moves and every subscribed channel gets its frames. */
  tick(): void {
    this.world.tick(this.scenario);
    this.applyPing();
    for (const connection of this._connections) {
      for (const channel of connection.channels) this.sendChannel(connection, channel);
    }
  }

  /** Drops every stream connection without a close frame: the client sees 1006. */
  dropConnections(): void {
    for (const connection of this._connections) {
      this._connections.delete(connection);
      connection.socket.destroy();
    }
  }

  /** Half-open: the open connections stop sending and stop reading (no pong), TCP stays up. */
  stallConnections(): void {
    for (const connection of this._connections) {
      connection.stalled = true;
      connection.socket.pause();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this._tickTimer);
    clearInterval(this._pingTimer);
    for (const connection of this._connections) connection.socket.destroy();
    this._connections.clear();
    this._wss.close();
    for (const socket of this._sockets) socket.destroy();
    await new Promise<void>((resolve) => this._server.close(() => resolve()));
  }

  private applyPing(): void {
    if (this.faults.pingIntervalMillis === this._pingEvery) return;
    clearInterval(this._pingTimer);
    this._pingTimer = undefined;
    this._pingEvery = this.faults.pingIntervalMillis;
    if (this._pingEvery <= 0) return;
    this._pingTimer = setInterval(() => {
      for (const connection of this._connections) if (!connection.stalled) connection.ws.ping();
    }, this._pingEvery);
    this._pingTimer.unref();
  }

  private authorized(request: IncomingMessage): boolean {
    return request.headers.authorization === `Token ${this._options.apiKey}`;
  }

  private upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
    const path = new URL(request.url ?? '/', 'http://simulator').pathname;
    if (path !== '/api-ws/v1/stream' || !this.authorized(request) || this.faults.refuseStream) {
      const status =
        path !== '/api-ws/v1/stream'
          ? '404 Not Found'
          : !this.authorized(request)
            ? `${this._options.authFailureStatus ?? 401} Unauthorized`
            : '503 Service Unavailable';
      socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    this._wss.handleUpgrade(request, socket, head, (ws) => {
      this.connectionCount += 1;
      const connection: Connection = { id: this.connectionCount, ws, socket, channels: new Set(), stalled: false };
      this._connections.add(connection);
      ws.on('message', (data, isBinary) => {
        if (!isBinary) this.onFrame(connection, data.toString());
      });
      ws.on('ping', () => {
        if (!connection.stalled) this.pingsReceived += 1;
      });
      ws.on('close', () => this._connections.delete(connection));
      ws.on('error', () => this._connections.delete(connection));
    });
  }

  private onFrame(connection: Connection, text: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (frame === null || typeof frame !== 'object') return;
    const { subscribe, unsubscribe } = frame as { subscribe?: unknown; unsubscribe?: unknown };
    if (typeof subscribe === 'string') {
      this.subscribeLog.push({ connection: connection.id, channel: subscribe });
      const match = CHANNEL.exec(subscribe);
      if (match === null || this.world.site(match[1]!) === undefined) {
        this.send(connection, { event: 'subscription_failed', channel: subscribe });
        return;
      }
      if (connection.channels.has(subscribe)) this.duplicateSubscribes += 1;
      connection.channels.add(subscribe);
      this.send(connection, { event: 'channel_subscribed', channel: subscribe });
      this.sendChannel(connection, subscribe);
    } else if (typeof unsubscribe === 'string') connection.channels.delete(unsubscribe);
  }

  private send(connection: Connection, frame: Record<string, string>): void {
    if (connection.stalled || connection.ws.readyState !== WebSocket.OPEN) return;
    connection.ws.send(JSON.stringify(frame));
  }

  private sendChannel(connection: Connection, channel: string): void {
    const match = CHANNEL.exec(channel);
    if (match === null) return;
    const [, siteId = '', kind] = match;
    const objects =
      kind === 'devices'
        ? this.world.siteDevices(siteId).map((device) => this.world.deviceStat(device))
        : this.world.siteClients(siteId).map((client) => this.world.clientStat(client));
    for (const object of objects) this.send(connection, { event: 'data', channel, data: this.encode(object, kind!) });
  }

  /** `data` as Mist sends it (a JSON text), with the stream faults applied. */
  private encode(object: Record<string, unknown>, kind: string): string {
    const faults = this.faults;
    if (faults.malformedData > 0) {
      faults.malformedData -= 1;
      return JSON.stringify(object).slice(0, 25);
    }
    if (faults.partialObjects > 0) {
      faults.partialObjects -= 1;
      const keep = kind === 'devices' ? ['mac', 'last_seen', 'cpu_stat'] : ['mac', 'last_seen', 'rssi'];
      return JSON.stringify(Object.fromEntries(Object.entries(object).filter(([key]) => keep.includes(key))));
    }
    if (faults.fractionalIntegers > 0) {
      faults.fractionalIntegers -= 1;
      return JSON.stringify(kind === 'devices' ? { ...object, num_clients: 2.5 } : { ...object, rssi: -61.5 });
    }
    return JSON.stringify(object);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    request.resume();
    const url = new URL(request.url ?? '/', 'http://simulator');
    const path = url.pathname;
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      this.requests.push({ path, status });
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
      response.end(text);
    };
    if (this.faults.latencyMillis > 0) await new Promise((resolve) => setTimeout(resolve, this.faults.latencyMillis));
    if (!this.authorized(request)) {
      reply(this._options.authFailureStatus ?? 401, { detail: 'Authentication credentials were not provided or are invalid.' });
      return;
    }
    const now = Date.now();
    const hour = Math.floor(now / HOUR_MILLIS);
    if (hour !== this._hour) {
      this._hour = hour;
      this._used = 0;
    }
    this._used += 1;
    if (this._used > (this._options.budget ?? 5_000)) {
      reply(429, { detail: 'Too many requests' }, { 'retry-after': String(Math.ceil((HOUR_MILLIS - (now % HOUR_MILLIS)) / 1000)) });
      return;
    }
    const faults = this.faults;
    if (faults.rest429.count > 0) {
      faults.rest429.count -= 1;
      reply(429, { detail: 'Too many requests' }, { 'retry-after': String(faults.rest429.retryAfterSeconds) });
      return;
    }
    if (faults.restError.count > 0 && path.includes(faults.restError.match)) {
      faults.restError.count -= 1;
      reply(faults.restError.status, { detail: faults.restError.status === 503 ? 'Service unavailable' : 'Internal error' });
      return;
    }
    if (faults.restMalformed.count > 0 && path.includes(faults.restMalformed.match)) {
      faults.restMalformed.count -= 1;
      reply(200, '{"results": [{"type": ');
      return;
    }
    this.route(path, url.searchParams, reply);
  }

  private route(path: string, query: URLSearchParams, reply: (status: number, body: unknown, headers?: Record<string, string>) => void): void {
    const world = this.world;
    const org = `/api/v1/orgs/${world.orgId}`;
    const page = (items: unknown[], wrap: boolean): void => {
      const limit = Math.max(1, Number(query.get('limit') ?? this._options.pageLimit ?? 100) || 100);
      const number = Math.max(1, Number(query.get('page') ?? 1) || 1);
      const slice = items.slice((number - 1) * limit, number * limit);
      reply(200, wrap ? { results: slice } : slice, {
        'x-page-total': String(items.length),
        'x-page-limit': String(limit),
        'x-page-page': String(number),
      });
    };
    if (path === '/api/v1/self') {
      const privileges = this._options.privileges ?? 'one';
      const orgs = privileges === 'none' ? [] : privileges === 'one' ? [world.orgId] : [world.orgId, '6b1e4d2a-0000-4000-8000-0000000000bb'];
      reply(200, {
        email: 'monitoring@example.com',
        privileges: [
          ...orgs.map((id) => ({ scope: 'org', org_id: id, name: 'Simulated Org', role: 'read' })),
          { scope: 'site', org_id: world.orgId, site_id: world.sites[0]?.id ?? '', name: 'site-01', role: 'read' },
        ],
      });
    } else if (path === `${org}/sites`) page(world.sites.map((site) => ({ ...site, org_id: world.orgId })), false);
    else if (path === `${org}/devices`) {
      page(
        world.devices.map((device) => ({ mac: device.mac, name: device.name, type: 'ap', model: device.model, site_id: device.siteId })),
        true,
      );
    } else if (path === `${org}/alarms/count`) {
      reply(200, { results: Object.entries(world.alarms).map(([type, count]) => ({ type, count })), distinct: 'type', limit: 100, start: 0, end: 0, total: 3 });
    } else if (path === `${org}/tickets/count`) {
      reply(200, { results: Object.entries(world.tickets).map(([status, count]) => ({ status, count })), distinct: 'status', limit: 100, start: 0, end: 0, total: 4 });
    } else {
      const match = /^\/api\/v1\/sites\/([^/]+)\/stats(?:\/(devices|clients))?$/.exec(path);
      const site = match === null ? undefined : world.site(match[1]!);
      if (site === undefined) {
        reply(404, { detail: 'Not found' });
        return;
      }
      if (match![2] === 'devices') page(world.siteDevices(site.id).map((device) => world.deviceStat(device)), false);
      else if (match![2] === 'clients') page(world.siteClients(site.id).map((client) => world.clientStat(client)), false);
      else reply(200, world.siteStats(site));
    }
  }
}
