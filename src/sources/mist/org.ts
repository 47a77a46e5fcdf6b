/**
 * One Mist organisation as a target: REST in the background (site list, device names, alarms,
 * tickets, site stats, each on its own interval, never per scrape), the stream for device and client
 * stats, and a snapshot built from both on demand. Stream entries and site stats not updated for
 * `expire_after` are dropped; a site that leaves the list (or the filter) is dropped with all its
 * devices and clients at that refresh.
 */
import type { MetricDefinition, Sample } from '../../engine/metric.js';
import type { CollectorState, DownReason, SourceDescriptor, TargetSnapshot } from '../../engine/snapshot.js';
import type { Logger } from '../../log.js';
import type { ClientLabel, MistOrgConfig } from './config.js';
import { deriveStreamUrl } from './config.js';
import {
  decodeClientStat,
  decodeCounts,
  decodeDevices,
  decodeDeviceStat,
  decodeSelfOrgs,
  decodeSites,
  decodeSiteStats,
  DecodeError,
  type ClientStat,
  type DeviceStat,
  type OrgDevice,
  type Site,
  type Values,
} from './decode.js';
import { SiteFilter } from './glob.js';
import { metric, mistMetrics, scaleOf, type MistMetricSet } from './metrics.js';
import { MistAuthError, MistRestClient, type CallBudget } from './rest.js';
import { MistStream } from './stream.js';

export interface MistOrgOptions {
  readonly config: MistOrgConfig;
  readonly descriptor: SourceDescriptor;
  readonly logger: Logger;
  readonly budget: CallBudget;
  /** ms since the epoch; tests move it to check expiry. @default Date.now */
  readonly clock?: () => number;
  /** Stream knobs (idle timeout, backoff) for tests. */
  readonly stream?: { readonly idleTimeoutMillis?: number; readonly backoffBaseMillis?: number; readonly backoffMaxMillis?: number };
}

interface RestState {
  readonly status: 'ok' | 'error';
  readonly finishedAtMillis: number;
  readonly durationSeconds: number;
  readonly error?: string;
}

interface Entry<T> {
  stat: T;
  updatedAt: number;
}

const CHANNEL = /^\/sites\/([^/]+)\/stats\/(devices|clients)$/;
const PROTOS = new Set(['a', 'ac', 'ax', 'b', 'g', 'n']);

function channelOf(siteId: string, kind: 'devices' | 'clients'): string {
  return `/sites/${siteId}/stats/${kind}`;
}

export class MistOrg {
  private _config: MistOrgConfig;
  private readonly _metrics: MistMetricSet;
  private readonly _rest: MistRestClient;
  private readonly _stream: MistStream;
  private _filter: SiteFilter;
  private readonly _clock: () => number;
  private readonly _abort = new AbortController();
  private readonly _timers = new Set<NodeJS.Timeout>();

  private _orgId: string | undefined;
  private _authError: string | undefined;
  private _fatalError: string | undefined;
  private _lastRestError: { reason: DownReason; message: string } | undefined;
  private _firstRound = false;
  private _firstRoundWaiters: (() => void)[] = [];
  private _started = false;

  private _sites = new Map<string, Site>();
  /** The whole site list of the last refresh, so a new filter applies without a REST call. */
  private _allSites: readonly Site[] | undefined;
  private _deviceNames = new Map<string, OrgDevice>();
  private _alarms: Map<string, number> | undefined;
  private _tickets: Map<string, number> | undefined;
  private readonly _siteStats = new Map<string, Entry<Values>>();
  private readonly _devices = new Map<string, Map<string, Entry<DeviceStat>>>();
  private readonly _clients = new Map<string, Map<string, Entry<ClientStat>>>();
  private readonly _rest_state = new Map<'alarms' | 'tickets' | 'sites', RestState>();
  private readonly _messages = new Map<string, number>([
    ['devices', 0],
    ['clients', 0],
  ]);
  private _decodeErrors = 0;
  private _expired = 0;
  private readonly _lastMessage = new Map<string, number>();
  private readonly _requests = new Map<string, number>();
  private _lastSuccessMillis: number | undefined;
  private _consecutiveFailures = 0;
  private _budgetWarned = false;

  constructor(private readonly _options: MistOrgOptions) {
    this._config = _options.config;
    this._metrics = mistMetrics(this.config.names);
    this._clock = _options.clock ?? Date.now;
    this._filter = new SiteFilter(this.config.sites.include, this.config.sites.exclude);
    this._orgId = this.config.orgId === '' ? undefined : this.config.orgId;
    this._rest = new MistRestClient({
      baseUrl: this.config.baseUrl,
      apiKey: this.config.apiKey,
      timeoutMillis: this.config.timeoutMillis,
      budget: _options.budget,
      onRequest: (endpoint, code) => {
        const key = `${endpoint}\u0000${code}`;
        this._requests.set(key, (this._requests.get(key) ?? 0) + 1);
      },
    });
    const streamUrl = this.config.streamUrl !== '' ? this.config.streamUrl : (deriveStreamUrl(this.config.baseUrl) ?? '');
    this._stream = new MistStream({
      url: streamUrl,
      apiKey: this.config.apiKey,
      timeoutMillis: this.config.timeoutMillis,
      ...(_options.stream ?? {}),
      logger: _options.logger,
      onData: (channel, data) => this.onData(channel, data),
      onDecodeError: (reason) => this.onDecodeError(reason),
      onStateChange: () => undefined,
    });
  }

  get config(): MistOrgConfig {
    return this._config;
  }

  /**
   * A reload changed only the site filter: applied on the running organisation, from the last site
   * list, so the stream unsubscribes and subscribes on its open connection and the sites left out
   * lose their series now, not at the next refresh.
   */
  setSites(sites: MistOrgConfig['sites']): void {
    this._config = { ...this._config, sites };
    this._filter = new SiteFilter(sites.include, sites.exclude);
    if (this._allSites !== undefined) this.selectSites(this._allSites);
  }

  get firstRoundDone(): boolean {
    return this._firstRound;
  }

  whenFirstRoundDone(): Promise<void> {
    if (this._firstRound) return Promise.resolve();
    return new Promise((resolve) => this._firstRoundWaiters.push(resolve));
  }

  /** The stream, for tests and /health. */
  get stream(): MistStream {
    return this._stream;
  }

  get orgId(): string | undefined {
    return this._orgId;
  }

  start(): void {
    if (this._started) return;
    this._started = true;
    this.firstRound().catch((error: unknown) => {
      // Every step catches its own errors; this is the last line of defence against an unhandled rejection.
      this._options.logger.error({ error: this.mask(error instanceof Error ? error.message : String(error)) }, 'Mist organisation stopped collecting');
      this.markFirstRound();
    });
  }

  async stop(): Promise<void> {
    this._abort.abort();
    for (const timer of this._timers) clearTimeout(timer);
    this._timers.clear();
    await this._stream.stop();
    this.markFirstRound();
  }

  /** Checks the key against /self (startup_check). */
  async checkKey(): Promise<Error | undefined> {
    try {
      await this._rest.get('/self', '/self', this._abort.signal);
      return undefined;
    } catch (error) {
      return error instanceof Error ? new Error(this.mask(error.message)) : new Error('unknown error');
    }
  }

  private async firstRound(): Promise<void> {
    await this.refreshSites();
    await this.refreshDevices();
    await this.refreshRest();
    this.markFirstRound();
    if (this._abort.signal.aborted) return;
    this._stream.start();
    this.every(this.config.siteRefreshMillis, () => this.refreshSites());
    this.every(this.config.deviceRefreshMillis, () => this.refreshDevices());
    this.every(this.config.restIntervalMillis, () => this.refreshRest());
  }

  private markFirstRound(): void {
    if (this._firstRound) return;
    this._firstRound = true;
    for (const resolve of this._firstRoundWaiters.splice(0)) resolve();
  }

  /** Runs `task` every `millis` after the previous run ended (no overlap, no pile-up). */
  private every(millis: number, task: () => Promise<void>): void {
    const schedule = (): void => {
      if (this._abort.signal.aborted) return;
      const timer = setTimeout(() => {
        this._timers.delete(timer);
        void task().finally(schedule);
      }, millis);
      this._timers.add(timer);
    };
    schedule();
  }

  /** A REST step with its errors sorted: auth refused → down; others recorded. Never throws. */
  private async rest<T>(task: () => Promise<T>): Promise<T | undefined> {
    if (this._abort.signal.aborted) return undefined;
    try {
      const result = await task();
      this._authError = undefined;
      return result;
    } catch (error) {
      if (this._abort.signal.aborted) return undefined;
      const message = this.mask(error instanceof Error ? error.message : String(error));
      if (error instanceof MistAuthError) this._authError = message;
      else {
        const reason: DownReason = error instanceof DecodeError ? 'protocol_error' : /within \d+ ms/.test(message) ? 'timeout' : 'connection_failed';
        this._lastRestError = { reason, message };
      }
      this._options.logger.warn({ org: this.config.name, error: message }, 'Mist REST call failed');
      return undefined;
    }
  }

  private async resolveOrg(): Promise<string | undefined> {
    if (this._orgId !== undefined) return this._orgId;
    const orgs = await this.rest(async () => decodeSelfOrgs((await this._rest.get('/self', '/self', this._abort.signal)).body));
    if (orgs === undefined) return undefined;
    if (orgs.length !== 1) {
      this._fatalError =
        orgs.length === 0
          ? `mist "${this.config.name}": the API key has no organisation privilege; set org_id`
          : `mist "${this.config.name}": the API key reaches ${orgs.length} organisations (${orgs.join(', ')}); set org_id to one of them`;
      this._options.logger.error({ org: this.config.name }, this._fatalError);
      return undefined;
    }
    this._fatalError = undefined;
    this._orgId = orgs[0];
    return this._orgId;
  }

  private async refreshSites(): Promise<void> {
    const orgId = await this.resolveOrg();
    if (orgId === undefined) return;
    const sites = await this.rest(async () => decodeSites(await this._rest.getAll(`/orgs/${orgId}/sites`, '/orgs/{org_id}/sites', this._abort.signal)));
    if (sites === undefined || this._abort.signal.aborted) return;
    this._allSites = sites;
    this.selectSites(sites);
  }

  /** The sites the filter keeps become the selected ones; the others are dropped and unsubscribed. */
  private selectSites(sites: readonly Site[]): void {
    const selected = new Map(sites.filter((site) => this._filter.matches(site.name)).map((site) => [site.id, site]));
    for (const id of this._sites.keys()) {
      if (!selected.has(id)) this.dropSite(id);
    }
    this._sites = selected;
    this.checkBudget();
    this._stream.setChannels([...selected.keys()].flatMap((id) => [channelOf(id, 'devices'), channelOf(id, 'clients')]));
  }

  /**
   * Warns once when the intervals ask for more calls per hour than the budget allows: the calls
   * would stop for the rest of each hour. Site stats cost one call per site per rest_interval.
   */
  private checkBudget(): void {
    if (this._budgetWarned) return;
    const perHour = (millis: number, calls: number): number => (3_600_000 / millis) * calls;
    const planned = Math.ceil(
      perHour(this.config.restIntervalMillis, 2 + this._sites.size) + perHour(this.config.siteRefreshMillis, 1) + perHour(this.config.deviceRefreshMillis, 1),
    );
    if (planned <= this._options.budget.limit) return;
    this._budgetWarned = true;
    this._options.logger.warn(
      { org: this.config.name, plannedCallsPerHour: planned, budget: this._options.budget.limit, sites: this._sites.size },
      'Mist: these intervals need more REST calls per hour than the key may make; raise rest_interval or select fewer sites',
    );
  }

  private dropSite(id: string): void {
    this._siteStats.delete(id);
    this._devices.delete(id);
    this._clients.delete(id);
    this._lastMessage.delete(id);
  }

  private async refreshDevices(): Promise<void> {
    const orgId = this._orgId;
    if (orgId === undefined) return;
    const devices = await this.rest(async () => decodeDevices(await this._rest.getAll(`/orgs/${orgId}/devices`, '/orgs/{org_id}/devices', this._abort.signal)));
    if (devices !== undefined) this._deviceNames = new Map(devices.map((device) => [device.mac, device]));
  }

  private async timed(name: 'alarms' | 'tickets' | 'sites', task: () => Promise<boolean>): Promise<void> {
    const started = performance.now();
    const ok = await task();
    if (this._abort.signal.aborted) return;
    this._rest_state.set(name, {
      status: ok ? 'ok' : 'error',
      finishedAtMillis: this._clock(),
      durationSeconds: (performance.now() - started) / 1000,
      ...(ok ? {} : { error: this._lastRestError?.message ?? this._authError ?? 'failed' }),
    });
  }

  private async refreshRest(): Promise<void> {
    const orgId = this._orgId;
    if (orgId === undefined) {
      this._consecutiveFailures += 1;
      return;
    }
    let failures = 0;
    await this.timed('alarms', async () => {
      const counts = await this.rest(async () =>
        decodeCounts((await this._rest.get(`/orgs/${orgId}/alarms/count`, '/orgs/{org_id}/alarms/count', this._abort.signal, { distinct: 'type' })).body, 'type'),
      );
      if (counts === undefined) failures += 1;
      this._alarms = counts;
      return counts !== undefined;
    });
    await this.timed('tickets', async () => {
      const raw = await this.rest(async () =>
        decodeCounts((await this._rest.get(`/orgs/${orgId}/tickets/count`, '/orgs/{org_id}/tickets/count', this._abort.signal, { distinct: 'status' })).body, 'status'),
      );
      if (raw === undefined) failures += 1;
      this._tickets = raw === undefined ? undefined : ticketStatuses(raw);
      return raw !== undefined;
    });
    await this.timed('sites', async () => {
      let ok = 0;
      for (const site of [...this._sites.values()]) {
        const values = await this.rest(async () => decodeSiteStats((await this._rest.get(`/sites/${site.id}/stats`, '/sites/{site_id}/stats', this._abort.signal)).body));
        if (values === undefined) {
          this._siteStats.delete(site.id);
          continue;
        }
        // The site may have left the list while its stats were fetched.
        if (this._sites.has(site.id)) this._siteStats.set(site.id, { stat: values, updatedAt: this._clock() });
        ok += 1;
      }
      if (ok === 0 && this._sites.size > 0) failures += 1;
      return ok > 0 || this._sites.size === 0;
    });
    if (failures === 0 && this._authError === undefined) {
      this._lastSuccessMillis = this._clock();
      this._consecutiveFailures = 0;
      this._lastRestError = undefined;
    } else this._consecutiveFailures += 1;
  }

  private onDecodeError(reason: string): void {
    this._decodeErrors += 1;
    this._options.logger.debug({ org: this.config.name, reason }, 'Mist stream message skipped');
  }

  private onData(channel: string, data: unknown): void {
    const match = CHANNEL.exec(channel);
    if (match === null) return;
    const [, siteId = '', kind] = match;
    this._messages.set(kind!, (this._messages.get(kind!) ?? 0) + 1);
    if (!this._sites.has(siteId)) return;
    const now = this._clock();
    try {
      if (kind === 'devices') {
        const stat = decodeDeviceStat(data);
        const site = mapFor(this._devices, siteId);
        const previous = site.get(stat.mac);
        site.set(stat.mac, { stat: previous === undefined ? stat : mergeDevice(previous.stat, stat), updatedAt: now });
      } else {
        const stat = decodeClientStat(data);
        const site = mapFor(this._clients, siteId);
        const previous = site.get(stat.mac);
        site.set(stat.mac, { stat: previous === undefined ? stat : mergeClient(previous.stat, stat), updatedAt: now });
      }
      this._lastMessage.set(siteId, now);
      this._lastSuccessMillis = now;
    } catch (error) {
      // This runs inside the socket's message handler: nothing may escape it, whatever the object held.
      this.onDecodeError(error instanceof DecodeError ? error.message : `unexpected ${error instanceof Error ? error.name : 'error'}`);
    }
  }

  /** Drops entries older than expire_after; counts them. */
  private expire(now: number): void {
    const limit = now - this.config.expireAfterMillis;
    for (const table of [this._devices, this._clients] as Map<string, Map<string, Entry<unknown>>>[]) {
      for (const entries of table.values()) {
        for (const [key, entry] of entries) {
          if (entry.updatedAt < limit) {
            entries.delete(key);
            this._expired += 1;
          }
        }
      }
    }
    for (const [key, entry] of this._siteStats) {
      if (entry.updatedAt < limit) {
        this._siteStats.delete(key);
        this._expired += 1;
      }
    }
  }

  /** Key values hidden from every text that leaves: errors from the server could echo it. */
  private mask(text: string): string {
    const key = this.config.apiKey;
    return key.length >= 4 ? text.split(key).join('<redacted>') : text;
  }

  snapshot(): TargetSnapshot {
    const now = this._clock();
    this.expire(now);
    // Down only when the organisation cannot be read at all: key refused, org unknown. A failing
    // endpoint costs its family (and shows in details), as in mistexporter.
    const up = this._orgId !== undefined && this._authError === undefined && this._fatalError === undefined;
    const collectors = new Map<string, CollectorState>();
    const restCollector = (name: 'alarms' | 'tickets' | 'sites', samples: () => Sample[]): void => {
      const state = this._rest_state.get(name);
      if (state === undefined) return;
      collectors.set(name, {
        status: state.status,
        samples: state.status === 'ok' ? samples() : [],
        durationSeconds: state.durationSeconds,
        finishedAtMillis: state.finishedAtMillis,
        dropped: 0,
        ...(state.error === undefined ? {} : { error: state.error }),
      });
    };
    restCollector('alarms', () => countSamples(metric(this._metrics, 'org_alarms'), 'alarm_type', this._alarms));
    restCollector('tickets', () => countSamples(metric(this._metrics, 'org_tickets'), 'ticket_status', this._tickets));
    restCollector('sites', () => this.siteSamples());
    const streamCollector = (name: string, samples: Sample[]): void => {
      collectors.set(name, { status: 'ok', samples, durationSeconds: 0, finishedAtMillis: now, dropped: 0 });
    };
    if (this._firstRound) {
      streamCollector('devices', this.deviceSamples());
      streamCollector('clients', this.clientSamples());
    }
    streamCollector('self', this.selfSamples());
    const streamUp = this._stream.state === 'connected';
    const restOk = this._lastRestError === undefined && this._authError === undefined;
    const siteIds = [...this._sites.keys()];
    const streaming = siteIds.filter((id) => this.siteStreaming(id)).length;
    const downReason: DownReason | undefined = up
      ? undefined
      : this._authError !== undefined
        ? 'authentication_failed'
        : this._fatalError !== undefined
          ? 'fatal'
          : !this._firstRound
            ? 'connecting'
            : (this._lastRestError?.reason ?? 'connection_failed');
    const lastError = this._authError ?? this._fatalError ?? this._lastRestError?.message ?? (streamUp ? undefined : this._stream.lastError);
    return {
      source: this._options.descriptor,
      name: this.config.name,
      address: this.config.baseUrl,
      identity: { org: this.config.name },
      labels: {},
      up,
      ...(downReason === undefined ? {} : { downReason }),
      ...(this._lastSuccessMillis === undefined ? {} : { lastSuccessMillis: this._lastSuccessMillis }),
      ...(lastError === undefined ? {} : { lastError }),
      consecutiveFailures: this._consecutiveFailures,
      collectors,
      details: {
        state: !up ? 'down' : streamUp && restOk && streaming === siteIds.length ? 'ok' : 'degraded',
        org_id: this._orgId ?? null,
        stream: this._stream.state,
        sites_selected: siteIds.length,
        sites_streaming: streaming,
        rest: restOk ? 'ok' : 'error',
        rest_budget_remaining: this._options.budget.remaining,
      },
    };
  }

  private siteStreaming(siteId: string): boolean {
    return this._stream.isAcked(channelOf(siteId, 'devices')) && this._stream.isAcked(channelOf(siteId, 'clients'));
  }

  private siteAttributes(site: Site): Record<string, string> {
    return { site_name: site.name, country_code: site.countryCode, timezone: site.timezone, site_id: site.id };
  }

  private sample(key: string, attributes: Record<string, string>, value: number): Sample {
    return { metric: metric(this._metrics, key), attributes, value: value * scaleOf(key, this.config.names) };
  }

  private siteSamples(): Sample[] {
    const samples: Sample[] = [];
    for (const [id, entry] of this._siteStats) {
      const site = this._sites.get(id);
      if (site === undefined) continue;
      const attributes = this.siteAttributes(site);
      for (const [key, value] of Object.entries(entry.stat)) samples.push(this.sample(key, attributes, value));
    }
    return samples;
  }

  private deviceSamples(): Sample[] {
    const samples: Sample[] = [];
    const otel = this.config.names === 'otel';
    for (const [siteId, devices] of this._devices) {
      const site = this._sites.get(siteId);
      if (site === undefined) continue;
      for (const { stat } of devices.values()) {
        const known = this._deviceNames.get(stat.mac);
        const base = {
          ...this.siteAttributes(site),
          device_name: known?.name || stat.name || '',
          device_mac: stat.mac,
          device_version: stat.version ?? '',
          device_type: known?.type || stat.type || '',
        };
        for (const [key, value] of Object.entries(stat.values)) samples.push(this.sample(key, base, value));
        for (const [band, values] of Object.entries(stat.radios)) {
          const attributes: Record<string, string> = { ...base };
          if (otel) attributes['band'] = radioBand(band);
          else attributes['radio'] = ['band_24', 'band_5', 'band_6'].includes(band) ? band : 'unknown';
          for (const [key, value] of Object.entries(values)) samples.push(this.sample(key, attributes, value));
        }
        for (const [port, values] of Object.entries(stat.ports)) {
          const attributes = { ...base, port };
          for (const [key, value] of Object.entries(values)) samples.push(this.sample(key, attributes, value));
        }
        if (stat.lldp !== undefined) {
          const attributes = { ...base, neighbor_system_name: stat.lldp.systemName, neighbor_port_id: stat.lldp.portId };
          for (const [key, value] of Object.entries(stat.lldp.values)) samples.push(this.sample(key, attributes, value));
        }
        for (const [sensor, value] of Object.entries(stat.temperatures)) samples.push(this.sample('temperature', { ...base, sensor }, value));
      }
    }
    return samples;
  }

  private clientSamples(): Sample[] {
    const samples: Sample[] = [];
    const keep = new Set<ClientLabel>(this.config.clientLabels);
    const label = (name: ClientLabel, value: string | undefined): string => (keep.has(name) ? (value ?? '') : '');
    const otel = this.config.names === 'otel';
    for (const [siteId, clients] of this._clients) {
      const site = this._sites.get(siteId);
      if (site === undefined) continue;
      for (const { stat } of clients.values()) {
        const apMac = stat.labels.apMac ?? '';
        const ap = this._deviceNames.get(apMac);
        const streamed = this._devices.get(siteId)?.get(apMac)?.stat;
        const proto = stat.labels.proto ?? '';
        const attributes: Record<string, string> = {
          ...this.siteAttributes(site),
          device_name: ap?.name || streamed?.name || '',
          device_mac: apMac,
          device_type: ap?.type || streamed?.type || '',
          client_mac: stat.mac,
          client_username: label('username', stat.labels.username),
          client_hostname: label('hostname', stat.labels.hostname),
          client_os: label('os', stat.labels.os),
          client_manufacturer: label('manufacturer', stat.labels.manufacturer),
          client_family: label('family', stat.labels.family),
          client_model: label('model', stat.labels.model),
          proto: PROTOS.has(proto) || (otel && proto === 'be') ? proto : 'unknown',
          [otel ? 'band' : 'radio']: clientBand(stat.labels.band),
          ssid: stat.labels.ssid ?? '',
        };
        for (const [key, value] of Object.entries(stat.values)) samples.push(this.sample(key, attributes, value));
      }
    }
    return samples;
  }

  private selfSamples(): Sample[] {
    const samples: Sample[] = [];
    for (const site of this._sites.values()) {
      const attributes = { site_id: site.id, site_name: site.name };
      samples.push(this.sample('ws_connected', attributes, this.siteStreaming(site.id) ? 1 : 0));
      const last = this._lastMessage.get(site.id);
      if (last !== undefined) samples.push(this.sample('ws_last_message', attributes, last / 1000));
    }
    for (const [kind, count] of this._messages) samples.push(this.sample('ws_messages', { channel_kind: kind }, count));
    samples.push(this.sample('ws_decode_errors', {}, this._decodeErrors));
    samples.push(this.sample('ws_reconnects', {}, Math.max(0, this._stream.connections - 1)));
    for (const [key, count] of this._requests) {
      const [endpoint = '', code = ''] = key.split('\u0000');
      samples.push(this.sample('rest_requests', { endpoint, code }, count));
    }
    samples.push(this.sample('rest_budget', {}, this._options.budget.remaining));
    samples.push(this.sample('series_expired', {}, this._expired));
    return samples;
  }
}

function mapFor<T>(table: Map<string, Map<string, T>>, key: string): Map<string, T> {
  let map = table.get(key);
  if (map === undefined) {
    map = new Map();
    table.set(key, map);
  }
  return map;
}

/** A partial message updates only what it carries. */
function mergeDevice(previous: DeviceStat, next: DeviceStat): DeviceStat {
  const mergeGroups = (a: Record<string, Values>, b: Record<string, Values>): Record<string, Values> => {
    const merged: Record<string, Values> = { ...a };
    for (const [key, values] of Object.entries(b)) merged[key] = { ...(a[key] ?? {}), ...values };
    return merged;
  };
  const name = next.name ?? previous.name;
  const type = next.type ?? previous.type;
  const version = next.version ?? previous.version;
  const lldp = next.lldp === undefined ? previous.lldp : { ...next.lldp, values: { ...(previous.lldp?.values ?? {}), ...next.lldp.values } };
  return {
    mac: next.mac,
    ...(name === undefined ? {} : { name }),
    ...(type === undefined ? {} : { type }),
    ...(version === undefined ? {} : { version }),
    values: { ...previous.values, ...next.values },
    radios: mergeGroups(previous.radios, next.radios),
    ports: mergeGroups(previous.ports, next.ports),
    ...(lldp === undefined ? {} : { lldp }),
    temperatures: { ...previous.temperatures, ...next.temperatures },
  };
}

function mergeClient(previous: ClientStat, next: ClientStat): ClientStat {
  return { mac: next.mac, labels: { ...previous.labels, ...next.labels }, values: { ...previous.values, ...next.values } };
}

function radioBand(key: string): string {
  return key === 'band_24' ? '2.4' : key === 'band_5' ? '5' : key === 'band_6' ? '6' : 'unknown';
}

function clientBand(band: string | undefined): string {
  return band === '24' ? '2.4' : band === '5' || band === '6' ? band : 'unknown';
}

/** mistexporter's ticket statuses; any other collapses into `unknown` (summed, where it kept the last). */
function ticketStatuses(raw: Map<string, number>): Map<string, number> {
  const known = new Set(['open', 'pending', 'solved', 'closed', 'hold']);
  const result = new Map<string, number>();
  for (const [status, count] of raw) {
    const key = known.has(status) ? status : 'unknown';
    result.set(key, (result.get(key) ?? 0) + count);
  }
  return result;
}

function countSamples(definition: MetricDefinition, attribute: string, counts: Map<string, number> | undefined): Sample[] {
  if (counts === undefined) return [];
  return [...counts].map(([key, value]) => ({ metric: definition, attributes: { [attribute]: key }, value }));
}
