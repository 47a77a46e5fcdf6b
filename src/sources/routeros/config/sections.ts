/**
 * `defaults:` and `routers:`, the RouterOS source's static routers, as config sections the core
 * loader parses (config/sections.ts). `defaults` is parsed first; `routers` merges every entry over
 * it, so the routers come out whole (every key explicit) and `defaults` also gives the routers made
 * at run time (the simulated ones). check-config writes both back after `otlp`, where they always were.
 */
import { isDeepStrictEqual } from 'node:util';
import { formatHostPort } from '../../../config/address.js';
import { formatDuration } from '../../../config/duration.js';
import type { ConfigSection, SectionContext } from '../../../config/sections.js';
import type { AgentConfig } from '../../../config/types.js';
import { collectorsSchema, type ReferenceCollector, routerSchema, routersReference } from './reference.js';
import { readDefaults, readRouters, type RouterContext, type RouterLayer } from './routers.js';
import type { CollectorConfig, RouterConfig, RouterDefaultsConfig } from './types.js';

/** `routers:` once parsed. */
export interface RouterList {
  readonly routers: readonly RouterConfig[];
  /** The defaults the routers were merged over: check-config leaves out the collector settings they inherit. */
  readonly defaults?: RouterDefaultsConfig;
}

const EMPTY_LAYER: RouterLayer = { tls: {}, labels: {}, collectors: {} };

/**
 * What each parsed `defaults:` value set itself, with key paths: `routers` merges over it while the
 * same load parses it. Kept beside the value rather than in it, so the value stays what the
 * defaults give (two files that give the same defaults load to equal configs).
 */
const LAYERS = new WeakMap<RouterDefaultsConfig, RouterLayer>();

/** The `defaults` and `routers` sections for these collectors, in the order they must be parsed. */
export function routerConfigSections(collectors: readonly ReferenceCollector[]): readonly ConfigSection[] {
  const routerContext = (context: SectionContext): RouterContext => ({
    problems: context.problems,
    baseDir: context.baseDir,
    known: collectors,
    substitutedPaths: context.substitutedPaths,
    plainSecrets: context.plainSecrets,
    intervalMillis: context.collection.intervalMillis,
    timeoutMillis: context.collection.timeoutMillis,
  });
  const defaults: ConfigSection<RouterDefaultsConfig> = {
    key: 'defaults',
    after: 'otlp',
    parse(raw, context) {
      const read = readDefaults(raw, routerContext(context));
      LAYERS.set(read.defaults, read.layer);
      return read.defaults;
    },
    document: (value) => defaultsDocument(value),
    jsonSchema: () => ({
      schema: { description: 'Router keys applied to every router.', ...routerSchema(true) },
      defs: { collectors: collectorsSchema(collectors) },
    }),
    reference: () => routersReference(collectors),
  };
  const routers: ConfigSection<RouterList> = {
    key: 'routers',
    after: 'defaults',
    parse(raw, context) {
      const parsed = context.parsed?.['defaults'] as RouterDefaultsConfig | undefined;
      const list = readRouters((parsed === undefined ? undefined : LAYERS.get(parsed)) ?? EMPTY_LAYER, raw, routerContext(context));
      return parsed === undefined ? { routers: list } : { routers: list, defaults: parsed };
    },
    document: (value, secret) => value.routers.map((router) => routerDocument(router, value.defaults, secret)),
    secrets: (value) => value.routers.flatMap((router) => (router.password === '' ? [] : [router.password])),
    hasTargets: (value) => value.routers.length > 0,
    nothingToCollect: 'no routers are configured and no other source is on: nothing will be polled',
    count: (value) => value.routers.length,
    jsonSchema: () => ({ schema: { description: 'The routers to poll.', type: 'array', items: routerSchema(false) } }),
  };
  return [defaults, routers] as readonly ConfigSection[];
}

/** The routers of `routers:`; none in a config built without the section. */
export function configuredRouters(config: Pick<AgentConfig, 'sections'>): readonly RouterConfig[] {
  return (config.sections?.['routers'] as RouterList | undefined)?.routers ?? [];
}

/** What `defaults:` gives routers made at run time; undefined in a config built without the section. */
export function routerDefaults(config: Pick<AgentConfig, 'sections'>): RouterDefaultsConfig | undefined {
  return config.sections?.['defaults'] as RouterDefaultsConfig | undefined;
}

/** `sections` of a config built by hand (tests, benchmarks) that polls these routers. */
export function routerSectionValues(routers: readonly RouterConfig[]): { readonly routers: RouterList } {
  return { routers: { routers } };
}

function defaultsDocument(defaults: RouterDefaultsConfig): Record<string, unknown> {
  return {
    interval: formatDuration(defaults.intervalMillis),
    timeout: formatDuration(defaults.timeoutMillis),
    labels: { ...defaults.labels },
    collectors: collectorsDocument(defaults.collectors, undefined),
  };
}

function routerDocument(router: RouterConfig, defaults: RouterDefaultsConfig | undefined, secret: (value: string) => string): Record<string, unknown> {
  const { tls } = router;
  return {
    name: router.name,
    address: formatHostPort(router.host, router.port),
    username: router.username,
    password: secret(router.password),
    tls: {
      enabled: tls.enabled,
      ca_file: tls.caFile,
      server_name: tls.serverName,
      fingerprint: tls.fingerprint,
      insecure: tls.insecure,
      anonymous: tls.anonymous,
    },
    labels: { ...router.labels },
    interval: formatDuration(router.intervalMillis),
    timeout: formatDuration(router.timeoutMillis),
    collectors: collectorsDocument(router.collectors, defaults?.collectors),
  };
}

/**
 * Collector settings as `collectors:` takes them: `name: true|false`, or a mapping when the collector has
 * its own interval or options. With `inherited` (the defaults' settings, which every router is merged
 * over) only the collectors whose settings differ are written: the rest come from `defaults`.
 */
function collectorsDocument(
  collectors: Readonly<Record<string, CollectorConfig>>,
  inherited: Readonly<Record<string, CollectorConfig>> | undefined,
): Record<string, unknown> {
  const document: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(collectors)) {
    const base = inherited?.[name];
    if (base !== undefined && isDeepStrictEqual(base, setting)) continue;
    const { enabled, intervalMillis, ...collectorOptions } = setting;
    if (intervalMillis === undefined && Object.keys(collectorOptions).length === 0) {
      document[name] = enabled;
      continue;
    }
    document[name] = {
      enabled,
      ...(intervalMillis === undefined ? {} : { interval: formatDuration(intervalMillis) }),
      ...collectorOptions,
    };
  }
  return document;
}
