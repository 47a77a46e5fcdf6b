/**
 * The relay source: the push receivers, the polled endpoints and the Pushgateway-compatible HTTP
 * receiver, all feeding one {@link RelayStore}. It is a push source: it swaps in new snapshots as data
 * arrives, and a sweep drops apps silent for longer than their stale_after.
 */
import type { Sample } from '../../engine/metric.js';
import type { Source, SourceRoute } from '../../engine/source.js';
import type { CollectorState, TargetSnapshot } from '../../engine/snapshot.js';
import type { Logger } from '../../log.js';
import { decodeStream, CapnpError } from './capnp.js';
import type { PollEndpoint, RelayConfig } from './config.js';
import type { ParsedFamily } from './exposition.js';
import { RELAY, RELAY_METRICS } from './descriptor.js';
import { EndpointPoller, type PollResult } from './poll.js';
import { type CountFailure, type Ingest, type Push, PushListener, type Transport, type WireFormat, sameToken } from './receivers.js';
import { appsRoute, pushgatewayRoute } from './routes.js';
import { type PreparedApp, PushRejected, RelayStore } from './store.js';

export interface RelaySourceOptions {
  readonly config: RelayConfig;
  readonly logger: Logger;
  /** Clock, for TTL tests. @default Date.now */
  readonly now?: () => number;
  /** How often silent apps are looked for. @default min(1 s, the shortest stale_after / 4) */
  readonly sweepIntervalMillis?: number;
}

interface EndpointState {
  lastResult?: PollResult;
  lastPollMillis?: number;
  consecutiveFailures: number;
}

/** The self-metrics target: no app, so its series carry only their own attributes. */
const SELF_NAME = 'relay';

export class RelaySource implements Source {
  readonly descriptor = RELAY;
  readonly routes: readonly SourceRoute[];
  readonly store: RelayStore;
  private readonly _config: RelayConfig;
  private readonly _logger: Logger;
  private readonly _now: () => number;
  private readonly _listeners: PushListener[] = [];
  private readonly _pollers: EndpointPoller[] = [];
  private readonly _endpoints = new Map<string, EndpointState>();
  private readonly _pushes = new Map<string, number>();
  private readonly _bytes = new Map<string, number>();
  private _stripped = 0;
  private _expired = 0;
  private _snapshots: readonly TargetSnapshot[] | undefined;
  private _sweep: NodeJS.Timeout | undefined;
  private _started: Promise<void> | undefined;
  private _stopped: Promise<void> | undefined;
  private _firstRound: Promise<void>;
  private _firstRoundDone = false;
  private _markFirstRound: () => void = () => undefined;

  constructor(options: RelaySourceOptions) {
    this._config = options.config;
    this._logger = options.logger;
    this._now = options.now ?? Date.now;
    this.store = new RelayStore({
      maxSeriesPerApp: this._config.receiver.maxSeriesPerApp,
      now: this._now,
      onChange: () => {
        this._snapshots = undefined;
      },
    });
    this._firstRound = new Promise((resolve) => {
      this._markFirstRound = () => {
        this._firstRoundDone = true;
        resolve();
      };
    });
    const routes: SourceRoute[] = [appsRoute(this)];
    if (this._config.pushgateway) routes.push(pushgatewayRoute(this, this._config.receiver.maxPushBytes));
    this.routes = routes;
    const polled = this._config.pollExternal.pollOtherScrapeEndpoints ? this._config.pollExternal.otherScrapeEndpoints : [];
    for (const endpoint of polled) {
      this._endpoints.set(endpoint.app, { consecutiveFailures: 0 });
      this._pollers.push(
        new EndpointPoller(
          endpoint,
          this._config.pollExternal.pollIntervalMillis,
          {
            timeoutMillis: this._config.pollExternal.clientTimeoutMillis,
            maxBodyBytes: this._config.pollExternal.maxBodyBytes,
            allowInvalidCerts: this._config.pollExternal.allowInvalidCerts,
          },
          (polledEndpoint, result) => {
            try {
              this._onPoll(polledEndpoint, result);
            } catch (error) {
              this._logger.error({ err: error, app: polledEndpoint.app }, 'relay: poll result failed unexpectedly');
            }
          },
        ),
      );
    }
  }

  /** Where the push receivers listen, once started. */
  get addresses(): { tcp?: string; unix?: string } {
    const out: { tcp?: string; unix?: string } = {};
    for (const listener of this._listeners) {
      if (listener.address.startsWith('/')) out.unix = listener.address;
      else out.tcp = listener.address;
    }
    return out;
  }

  start(): Promise<void> {
    this._started ??= this._start();
    return this._started;
  }

  private async _start(): Promise<void> {
    if (this._stopped !== undefined) return;
    const receiver = this._config.receiver;
    const ingest: Ingest = (push) => this.ingest(push);
    const countFailure: CountFailure = (transport, format, result, bytes) => this._count(transport, format, result, bytes);
    const onError = (error: unknown): void => this._logger.error({ err: error }, 'relay: push failed unexpectedly');
    if (receiver.receiveOnTcpSocket) this._listeners.push(new PushListener('tcp', receiver, ingest, countFailure, onError));
    if (receiver.receiveOnUnixSocket) this._listeners.push(new PushListener('unix', receiver, ingest, countFailure, onError));
    for (const listener of this._listeners) await listener.listen();
    this._logger.info({ ...this.addresses, endpoints: this._pollers.length }, 'relay receivers listening');
    const staleMin = Math.min(receiver.staleAfterMillis, this._config.pollExternal.staleAfterMillis);
    const sweepMillis = Math.max(10, Math.min(1_000, staleMin / 4));
    this._sweep = setInterval(() => this.sweep(), sweepMillis);
    this._sweep.unref();
    for (const poller of this._pollers) poller.start();
    if (this._pollers.length === 0) this._markFirstRound();
  }

  stop(): Promise<void> {
    this._stopped ??= (async () => {
      await this._started?.catch(() => undefined);
      clearInterval(this._sweep);
      await Promise.all([...this._listeners.map((listener) => listener.close()), ...this._pollers.map((poller) => poller.stop())]);
    })();
    return this._stopped;
  }

  get firstRoundDone(): boolean {
    return this._firstRoundDone;
  }

  whenFirstRoundDone(): Promise<void> {
    return this._firstRound;
  }

  /** Drops apps and polled data older than their stale_after. */
  sweep(): void {
    const expired = this.store.expire((app) =>
      this._endpoints.has(app) ? this._config.pollExternal.staleAfterMillis : this._config.receiver.staleAfterMillis,
    );
    for (const app of expired) {
      if (!this._endpoints.has(app)) this._expired += 1;
      this._logger.info({ app }, 'relay: no data within stale_after; its series are gone');
    }
  }

  /** Applies one push from a socket; returns the rejection reason or undefined. */
  ingest(push: Push): string | undefined {
    let apps: { app: string; text: string }[];
    try {
      if (push.format === 'json') {
        apps = parseJsonPush(push.body, push.authenticated ? undefined : this._config.receiver.token);
      } else {
        apps = decodeStream(push.body, this._config.receiver.maxPushBytes).map((message) => ({ app: message.appName, text: message.data }));
      }
    } catch (error) {
      const unauthorized = error instanceof Unauthorized;
      this._count(push.transport, push.format, unauthorized ? 'unauthorized' : 'malformed', push.body.length);
      if (error instanceof PushRejected || error instanceof CapnpError || error instanceof SyntaxError || unauthorized) return error.message;
      throw error;
    }
    if (!push.authenticated && push.format !== 'json') {
      this._count(push.transport, push.format, 'unauthorized', push.body.length);
      return 'this receiver needs a token: send "AUTH <token>" as the first line';
    }
    return this.apply(push.transport, push.format, apps, { source: push.source }, push.body.length);
  }

  /** Parses, checks and commits the apps of one push, all or none; counts it. */
  apply(
    transport: Transport,
    format: WireFormat,
    apps: readonly { app: string; text: string }[],
    meta: { source: string; labels?: Record<string, string> },
    bytes: number,
  ): string | undefined {
    return this._commit(transport, format, apps.map(({ app }) => app), meta, bytes, (app, index) =>
      this.store.prepare(app, apps[index]!.text),
    );
  }

  /** As {@link apply}, for one app's already parsed families (Pushgateway's POST). */
  applyFamilies(
    transport: Transport,
    entry: { app: string; families: readonly ParsedFamily[]; stripped: number },
    meta: { source: string; labels?: Record<string, string> },
    bytes: number,
    format: WireFormat = 'text',
  ): string | undefined {
    return this._commit(transport, format, [entry.app], meta, bytes, (app) => this.store.prepareFamilies(app, entry.families, entry.stripped));
  }

  /** Counts a push whose body could not be decoded, and marks its app's last failure (its data stays). */
  rejectMalformed(transport: Transport, format: WireFormat, app: string, bytes: number, reason: string): void {
    this.store.recordFailure(app);
    this._count(transport, format, 'malformed', bytes);
    this._logger.warn({ transport, format, error: reason }, 'relay: push rejected');
  }

  private _commit(
    transport: Transport,
    format: WireFormat,
    apps: readonly string[],
    meta: { source: string; labels?: Record<string, string> },
    bytes: number,
    prepare: (app: string, index: number) => PreparedApp,
  ): string | undefined {
    if (apps.length === 0) {
      this._count(transport, format, 'malformed', bytes);
      return 'no app in the push';
    }
    const names = new Set<string>();
    try {
      const prepared: PreparedApp[] = [];
      apps.forEach((app, index) => {
        if (names.has(app)) throw new PushRejected(`app ${app} twice in one push`);
        if (this._endpoints.has(app)) throw new PushRejected(`app ${app} is a polled endpoint`);
        if (app === SELF_NAME) throw new PushRejected(`app name ${SELF_NAME} is taken by the relay's own target`);
        names.add(app);
        prepared.push(prepare(app, index));
      });
      this.store.commit(prepared, meta);
      this._stripped += prepared.reduce((total, entry) => total + entry.timestampsStripped, 0);
      this._count(transport, format, 'ok', bytes);
      return undefined;
    } catch (error) {
      if (!(error instanceof PushRejected)) throw error;
      for (const app of names) this.store.recordFailure(app);
      this._count(transport, format, 'rejected', bytes);
      this._logger.warn({ transport, format, error: error.message }, 'relay: push rejected');
      return error.message;
    }
  }

  private _onPoll(endpoint: PollEndpoint, result: PollResult): void {
    const state = this._endpoints.get(endpoint.app);
    if (state === undefined) return;
    let outcome = result;
    if (result.ok) {
      try {
        const prepared = this.store.prepare(endpoint.app, result.body ?? '');
        this.store.commit([prepared], { source: `external_poll: ${endpoint.url}` });
        this._stripped += prepared.timestampsStripped;
      } catch (error) {
        if (!(error instanceof PushRejected)) throw error;
        outcome = { ok: false, error: error.message, durationSeconds: result.durationSeconds };
      }
    }
    if (!outcome.ok && state.consecutiveFailures === 0) {
      this._logger.warn({ app: endpoint.app, url: endpoint.url, error: outcome.error }, 'relay: poll failed');
    }
    state.consecutiveFailures = outcome.ok ? 0 : state.consecutiveFailures + 1;
    state.lastResult = outcome;
    state.lastPollMillis = this._now();
    this._snapshots = undefined;
    if (!this._firstRoundDone && [...this._endpoints.values()].every((entry) => entry.lastResult !== undefined)) this._markFirstRound();
  }

  private _count(transport: Transport, format: WireFormat | 'unknown', result: string, bytes: number): void {
    const key = `${transport}\u0000${format}\u0000${result}`;
    this._pushes.set(key, (this._pushes.get(key) ?? 0) + 1);
    const byteKey = `${transport}\u0000${format}`;
    this._bytes.set(byteKey, (this._bytes.get(byteKey) ?? 0) + bytes);
    this._snapshots = undefined;
  }

  snapshots(): readonly TargetSnapshot[] {
    this._snapshots ??= this._build();
    return this._snapshots;
  }

  private _build(): TargetSnapshot[] {
    const now = this._now();
    const pushed = this.store.snapshots('push', (app) => !this._endpoints.has(app));
    const held = new Map(this.store.snapshots('poll', (app) => this._endpoints.has(app)).map((snapshot) => [snapshot.name, snapshot]));
    const polled: TargetSnapshot[] = [];
    for (const endpoint of this._pollers.map((poller) => poller.endpoint)) {
      const state = this._endpoints.get(endpoint.app)!;
      const data = held.get(endpoint.app);
      const result = state.lastResult;
      const collectors = new Map<string, CollectorState>(data?.collectors ?? []);
      if (result !== undefined) {
        collectors.set('scrape', {
          status: result.ok ? 'ok' : 'error',
          samples: [],
          durationSeconds: result.durationSeconds,
          finishedAtMillis: state.lastPollMillis ?? now,
          ...(result.error === undefined ? {} : { error: result.error }),
          dropped: 0,
        });
      }
      polled.push({
        source: RELAY,
        name: endpoint.app,
        address: endpoint.url,
        identity: { app: endpoint.app },
        labels: {},
        // Up while it holds data younger than stale_after; the scrape collector tells the last poll.
        up: data !== undefined,
        ...(data === undefined ? { downReason: result === undefined ? 'connecting' : 'connection_failed' } : {}),
        ...(data?.lastSuccessMillis === undefined ? {} : { lastSuccessMillis: data.lastSuccessMillis }),
        ...(result?.error === undefined ? {} : { lastError: result.error }),
        consecutiveFailures: state.consecutiveFailures,
        collectors,
      });
    }
    return [this._selfSnapshot(now), ...pushed, ...polled];
  }

  private _selfSnapshot(now: number): TargetSnapshot {
    const samples: Sample[] = [];
    for (const [key, value] of [...this._pushes].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [transport = '', format = '', result = ''] = key.split('\u0000');
      samples.push({ metric: RELAY_METRICS.pushes, attributes: { transport, format, result }, value });
    }
    for (const [key, value] of [...this._bytes].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [transport = '', format = ''] = key.split('\u0000');
      samples.push({ metric: RELAY_METRICS.pushBytes, attributes: { transport, format }, value });
    }
    samples.push({ metric: RELAY_METRICS.apps, attributes: {}, value: this.store.size });
    samples.push({ metric: RELAY_METRICS.timestampsStripped, attributes: {}, value: this._stripped });
    samples.push({ metric: RELAY_METRICS.expired, attributes: {}, value: this._expired });
    return {
      source: RELAY,
      name: SELF_NAME,
      address: Object.values(this.addresses).join(', '),
      identity: {},
      labels: {},
      up: this._started !== undefined && this._stopped === undefined,
      consecutiveFailures: 0,
      details: { tcp: this.addresses.tcp ?? null, unix: this.addresses.unix ?? null, pushgateway: this._config.pushgateway },
      collectors: new Map([['receiver', { status: 'ok', samples, durationSeconds: 0, finishedAtMillis: now, dropped: 0 }]]),
    };
  }

  /** Checks a Pushgateway or HTTP token; the server's own auth already ran. */
  tokenMatches(token: string): boolean {
    return sameToken(token, this._config.receiver.token);
  }
}

class Unauthorized extends Error {
  override name = 'Unauthorized';
}

/**
 * exporter-proxy's JSON push: `{"app": "text"}` or `{"app": ["line", …]}`, every key an app. Array
 * items are joined with newlines. A `"token"` key carries the TCP token; `expectedToken` undefined
 * means the connection is already trusted.
 */
export function parseJsonPush(body: Buffer, expectedToken: string | undefined): { app: string; text: string }[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new PushRejected(`not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new PushRejected('a JSON push must be an object of app names');
  const record = parsed as Record<string, unknown>;
  const token = record['token'];
  if (expectedToken !== undefined && (typeof token !== 'string' || !sameToken(token, expectedToken))) {
    throw new Unauthorized(token === undefined ? 'this receiver needs a token: a "token" key or an "AUTH <token>" first line' : 'wrong token');
  }
  const apps: { app: string; text: string }[] = [];
  for (const [app, value] of Object.entries(record)) {
    if (app === 'token') continue;
    if (typeof value === 'string') {
      apps.push({ app, text: value });
    } else if (Array.isArray(value) && value.every((line): line is string => typeof line === 'string')) {
      apps.push({ app, text: `${value.join('\n')}\n` });
    } else {
      throw new PushRejected(`app ${app}: the value must be exposition text or a list of lines`);
    }
  }
  return apps;
}
