/**
 * `GET /probe?target=<address>[&module=<name>]`: Prometheus-driven multi-target scraping, as
 * snmp_exporter and blackbox_exporter offer it, on top of the background model. A probe for a
 * router the agent does not poll yet enrols it (polled on its own schedule from then on) and waits
 * up to its timeout for the first poll; later probes answer at once from its latest snapshot. The
 * answer holds that router's series only. A router not probed for `probe.expire` of its intervals
 * is dropped. Off until `probe.allowed_ranges` lists the CIDRs a probe may reach: an open probe
 * endpoint would let anyone make the agent connect anywhere.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { parseHostPort } from '../../config/address.js';
import { joinPath } from '../../config/errors.js';
import type { ConfigSection } from '../../config/sections.js';
import type { AgentConfig } from '../../config/types.js';
import type { TargetSnapshot } from '../../engine/snapshot.js';
import type { SourceContext, SourceRoute } from '../../engine/source.js';
import { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_TEXT_CONTENT_TYPE } from '../../exposition/format.js';
import { negotiateFormat } from '../../exposition/negotiate.js';
import { acceptsGzip } from '../../server/responses.js';
import type { Collector } from './collectors/collector.js';
import type { RouterConfig } from './config/types.js';
import { discoveredRouters, modulesConfig, sectionMapping } from './discovery.js';

/** `probe:` once parsed. */
export interface ProbeConfig {
  /** CIDRs (`10.0.0.0/8`, `2001:db8::/32`); empty turns /probe off. */
  readonly allowedRanges: readonly string[];
  readonly maxTargets: number;
  /** A probed router not probed for this many of its intervals is dropped. */
  readonly expire: number;
}

const PROBE_KEYS = ['allowed_ranges', 'max_targets', 'expire'] as const;

/** `probe:`. */
export const PROBE_SECTION: ConfigSection<ProbeConfig> = {
  key: 'probe',
  parse(raw, context) {
    const { problems } = context;
    const value = sectionMapping(raw, 'probe', PROBE_KEYS, problems);
    const ranges = value['allowed_ranges'] ?? [];
    const allowedRanges: string[] = [];
    if (!Array.isArray(ranges)) problems.add('probe.allowed_ranges', 'must be a list of CIDRs (10.0.0.0/8)');
    else {
      ranges.forEach((item: unknown, index) => {
        if (typeof item === 'string' && parseCidr(item) !== undefined) allowedRanges.push(item);
        else problems.add(joinPath('probe.allowed_ranges', index), 'must be a CIDR such as 10.0.0.0/8 or 2001:db8::/32');
      });
    }
    const count = (key: string, fallback: number): number => {
      const given = value[key] ?? fallback;
      if (typeof given !== 'number' || !Number.isInteger(given) || given < 1) {
        problems.add(joinPath('probe', key), 'must be a whole number of at least 1');
        return fallback;
      }
      return given;
    };
    return { allowedRanges, maxTargets: count('max_targets', 1_000), expire: count('expire', 10) };
  },
  document: (value) => ({ allowed_ranges: [...value.allowedRanges], max_targets: value.maxTargets, expire: value.expire }),
  hasTargets: (value) => value.allowedRanges.length > 0,
};

export function probeConfig(config: Pick<AgentConfig, 'sections'>): ProbeConfig {
  return (config.sections?.['probe'] as ProbeConfig | undefined) ?? { allowedRanges: [], maxTargets: 1_000, expire: 10 };
}

function parseCidr(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', prefixText, extra] = text.split('/');
  const version = isIP(address);
  if (version === 0 || prefixText === undefined || extra !== undefined || !/^\d+$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > (version === 4 ? 32 : 128)) return undefined;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

interface Probed {
  readonly router: RouterConfig;
  lastProbeMillis: number;
}

/** What the probe needs from its source. */
export interface ProbeHost {
  /** Re-applies the router set (statics, discovered, probed). */
  apply(): void;
  /** The latest snapshot of a polled router by name. */
  snapshot(name: string): TargetSnapshot | undefined;
  /** Names of the static and discovered routers: a probe for one of them answers from it. */
  names(): ReadonlySet<string>;
  /** The agent's renderer of one target (SourceContext.renderTarget), when there is one. */
  readonly renderTarget?: SourceContext['renderTarget'];
}

/** The probed routers and the /probe route. */
export class Probes {
  private readonly _probed = new Map<string, Probed>();
  private readonly _timer: NodeJS.Timeout;
  private _config: AgentConfig;
  private _allowed = new BlockList();
  /**
   * Enrolled routers by request (`target`, `module`): a later probe skips building the router from
   * its module (the router rules, collectors and labels), which costs more than the answer itself.
   */
  private readonly _byRequest = new Map<string, Probed>();

  constructor(
    config: AgentConfig,
    private readonly _collectors: readonly Collector[],
    private readonly _host: ProbeHost,
    private readonly _now: () => number = Date.now,
  ) {
    this._config = config;
    this.configure(config);
    this._timer = setInterval(() => this._expire(), 1_000);
    this._timer.unref();
  }

  /** The probed routers, to poll with the others. */
  routers(): RouterConfig[] {
    return Array.from(this._probed.values(), (entry) => entry.router);
  }

  configure(config: AgentConfig): void {
    this._config = config;
    const allowed = new BlockList();
    for (const range of probeConfig(config).allowedRanges) {
      const cidr = parseCidr(range);
      if (cidr !== undefined) allowed.addSubnet(cidr.address, cidr.prefix, cidr.family);
    }
    this._allowed = allowed;
    // Modules may have changed: the next probe of each router builds it again.
    this._byRequest.clear();
  }

  stop(): void {
    clearInterval(this._timer);
  }

  /** The route, served whenever the source runs; it answers 404 while probe.allowed_ranges is empty. */
  route(): SourceRoute {
    return { path: '/probe', methods: ['GET'], name: '/probe', handle: (request, response) => this._handle(request, response) };
  }

  private async _handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const settings = probeConfig(this._config);
    if (settings.allowedRanges.length === 0) return answer(response, 404, 'probe is off: set probe.allowed_ranges\n');
    const query = new URL(request.url ?? '/', 'http://agent').searchParams;
    const target = query.get('target') ?? '';
    const module = query.get('module') ?? undefined;
    const address = parseHostPort(target);
    if (address === undefined) return answer(response, 400, 'target: must be host, host:port or [v6]:port\n');
    const family = isIP(address.host);
    // Host names are refused: what they resolve to could change after the check.
    if (family === 0 || !this._allowed.check(address.host, family === 4 ? 'ipv4' : 'ipv6')) {
      return answer(response, 403, 'target: not an IP address within probe.allowed_ranges\n');
    }
    const requestKey = `${target}\0${module ?? ''}`;
    const known = this._byRequest.get(requestKey);
    if (known !== undefined && this._probed.get(known.router.name) === known) {
      known.lastProbeMillis = this._now();
      return this._answer(request, response, known.router.name, known.router.timeoutMillis);
    }
    const labels: Record<string, string> = module === undefined ? {} : { module };
    const { routers, problems } = discoveredRouters(
      [{ targets: [target], labels, file: '/probe', index: 0 }],
      modulesConfig(this._config),
      this._collectors,
      new Set(),
    );
    const router = routers[0];
    if (router === undefined) return answer(response, 400, `${problems[0]?.message ?? 'target: not usable'}\n`);
    const key = router.name;
    let entry = this._probed.get(key);
    if (this._host.names().has(key)) {
      // Polled already (static or discovered): answer from it.
      entry = undefined;
    } else if (entry === undefined || JSON.stringify(entry.router) !== JSON.stringify(router)) {
      if (entry === undefined && this._probed.size >= settings.maxTargets) {
        return answer(response, 429, 'probe.max_targets reached\n');
      }
      entry = { router, lastProbeMillis: this._now() };
      this._probed.set(key, entry);
      this._host.apply();
    }
    if (entry !== undefined) {
      entry.lastProbeMillis = this._now();
      this._byRequest.set(requestKey, entry);
    }
    return this._answer(request, response, key, router.timeoutMillis);
  }

  private async _answer(request: IncomingMessage, response: ServerResponse, name: string, timeoutMillis: number): Promise<void> {
    // The first poll starts within a second of enrolment (the engine's start spread), then takes up to the timeout.
    const snapshot = await this._firstPoll(name, timeoutMillis + 1_000);
    if (snapshot === undefined) return answer(response, 503, 'target: not polled yet\n');
    const format = negotiateFormat(request.headers.accept);
    const gzip = acceptsGzip(request.headers);
    // The agent's renderer, whose cache /metrics fills as each poll lands: a probe between two polls only
    // concatenates buffers already rendered (and gzipped), as a /metrics scrape does.
    const render = this._host.renderTarget;
    if (render === undefined) return answer(response, 503, 'probe: this source runs without the agent\'s exposition\n');
    const chunks = render(snapshot, format, gzip);
    // The chunks are gzip members when gzip was asked: concatenated, one valid gzip stream (RFC 1952 §2.2).
    const body = Buffer.concat(chunks);
    response.writeHead(200, {
      'Content-Type': format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_TEXT_CONTENT_TYPE,
      'Content-Length': body.length,
      Vary: 'Accept, Accept-Encoding',
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
    });
    response.end(body);
  }

  /** The router's snapshot once it has been polled (up or down), or undefined at the deadline. */
  private async _firstPoll(name: string, timeoutMillis: number): Promise<TargetSnapshot | undefined> {
    const deadline = this._now() + timeoutMillis;
    for (;;) {
      const snapshot = this._host.snapshot(name);
      if (snapshot !== undefined && (snapshot.lastSuccessMillis !== undefined || snapshot.consecutiveFailures > 0)) return snapshot;
      if (this._now() >= deadline) return snapshot;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private _expire(): void {
    const { expire } = probeConfig(this._config);
    const now = this._now();
    let changed = false;
    for (const [name, entry] of this._probed) {
      if (now - entry.lastProbeMillis > expire * entry.router.intervalMillis) {
        this._probed.delete(name);
        for (const [request, known] of this._byRequest) if (known === entry) this._byRequest.delete(request);
        changed = true;
      }
    }
    if (!changed) return;
    try {
      this._host.apply();
    } catch {
      // Dropping routers cannot create a conflict; should applying fail anyway, the next expiry or probe tries again.
    }
  }
}

function answer(response: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}
