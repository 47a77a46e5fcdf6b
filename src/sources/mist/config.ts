/**
 * The `mist:` section (one entry per Juniper Mist organisation) and the `simulator.mist` section
 * (the built-in simulated organisation). `simulator:` is the RouterOS fleet's core section, so the
 * Mist simulator has a top-level section of its own rather than a key the core would have to know.
 */
import { parseDuration, durationProblem, formatDuration } from '../../config/duration.js';
import { joinPath } from '../../config/errors.js';
import { readSecretFile, resolveFile } from '../../config/files.js';
import type { ConfigSection, SectionContext } from '../../config/sections.js';
import { compileGlob } from './glob.js';

export type MistNames = 'otel' | 'mistexporter';

/** The client attributes a user may keep or drop (`client_labels`). */
export const CLIENT_LABELS = ['username', 'hostname', 'os', 'manufacturer', 'family', 'model'] as const;
export type ClientLabel = (typeof CLIENT_LABELS)[number];

export interface MistOrgConfig {
  readonly name: string;
  readonly baseUrl: string;
  /** As written; '' derives it from baseUrl. */
  readonly streamUrl: string;
  readonly apiKey: string;
  /** As written, for the document: the key came from this file. */
  readonly apiKeyFile: string;
  readonly orgId: string;
  readonly timeoutMillis: number;
  readonly sites: { readonly include: readonly string[]; readonly exclude: readonly string[] };
  readonly siteRefreshMillis: number;
  readonly deviceRefreshMillis: number;
  readonly restIntervalMillis: number;
  readonly expireAfterMillis: number;
  readonly names: MistNames;
  readonly clientLabels: readonly ClientLabel[];
}

export interface MistSimulatorConfig {
  readonly enabled: boolean;
  readonly sites: number;
  readonly apsPerSite: number;
  readonly clientsPerSite: number;
  /** Period of the simulated stats frames. */
  readonly periodMillis: number;
  readonly names: MistNames;
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

const ORG_KEYS = [
  'name',
  'base_url',
  'stream_url',
  'api_key',
  'api_key_file',
  'org_id',
  'timeout',
  'sites',
  'site_refresh_interval',
  'device_refresh_interval',
  'rest_interval',
  'expire_after',
  'names',
  'client_labels',
] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function unknownKeys(raw: Record<string, unknown>, known: readonly string[], path: string, context: SectionContext): void {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) context.problems.add(joinPath(path, key), `unknown key (known: ${known.join(', ')})`);
  }
}

function text(raw: Record<string, unknown>, key: string, path: string, fallback: string, context: SectionContext): string {
  const value = raw[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') {
    context.problems.add(joinPath(path, key), 'must be text');
    return fallback;
  }
  return value;
}

function duration(raw: Record<string, unknown>, key: string, path: string, fallback: number, context: SectionContext): number {
  const value = raw[key];
  if (value === undefined || value === null) return fallback;
  const millis = parseDuration(value);
  if (millis === undefined) {
    context.problems.add(joinPath(path, key), durationProblem(value));
    return fallback;
  }
  if (millis <= 0) context.problems.add(joinPath(path, key), 'must be longer than 0s');
  return millis;
}

function names(raw: Record<string, unknown>, path: string, context: SectionContext): MistNames {
  const value = raw['names'] ?? 'otel';
  if (value !== 'otel' && value !== 'mistexporter') {
    context.problems.add(joinPath(path, 'names'), 'must be otel or mistexporter');
    return 'otel';
  }
  return value;
}

function globs(raw: unknown, path: string, context: SectionContext, fallback: readonly string[]): string[] {
  if (raw === undefined || raw === null) return [...fallback];
  if (!Array.isArray(raw)) {
    context.problems.add(path, 'must be a list of glob patterns');
    return [...fallback];
  }
  return raw.flatMap((item: unknown, index) => {
    if (typeof item !== 'string') {
      context.problems.add(joinPath(path, index), 'must be a glob pattern (text)');
      return [];
    }
    const problem = compileGlob(item).problem;
    if (problem !== undefined) context.problems.add(joinPath(path, index), problem);
    return [item];
  });
}

/** The URL of a REST or stream endpoint: http(s) or ws(s), no credentials in it. */
function url(value: string, path: string, schemes: readonly string[], context: SectionContext): void {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    context.problems.add(path, 'must be a URL like https://api.mist.com');
    return;
  }
  if (!schemes.includes(parsed.protocol)) context.problems.add(path, `must start with ${schemes.map((scheme) => `${scheme}//`).join(' or ')}`);
  if (parsed.username !== '' || parsed.password !== '') context.problems.add(path, 'must not hold credentials (use api_key)');
}

function parseOrg(raw: unknown, path: string, context: SectionContext): MistOrgConfig | undefined {
  if (!isRecord(raw)) {
    context.problems.add(path, 'must be a mapping with name, base_url and api_key');
    return undefined;
  }
  unknownKeys(raw, ORG_KEYS, path, context);
  const name = text(raw, 'name', path, '', context);
  if (!NAME.test(name)) context.problems.add(joinPath(path, 'name'), 'must be 1 to 64 of A-Z a-z 0-9 _ . -');
  const baseUrl = text(raw, 'base_url', path, 'https://api.mist.com', context).replace(/\/+$/, '');
  url(baseUrl, joinPath(path, 'base_url'), ['http:', 'https:'], context);
  const streamUrl = text(raw, 'stream_url', path, '', context);
  if (streamUrl !== '') url(streamUrl, joinPath(path, 'stream_url'), ['ws:', 'wss:'], context);
  else if (!context.problems.has(joinPath(path, 'base_url')) && deriveStreamUrl(baseUrl) === undefined) {
    context.problems.add(
      joinPath(path, 'stream_url'),
      `cannot be derived from base_url ${baseUrl} (its host does not start with "api."); set stream_url`,
    );
  }
  let apiKey = text(raw, 'api_key', path, '', context);
  const apiKeyFile = text(raw, 'api_key_file', path, '', context);
  if (apiKey !== '' && apiKeyFile !== '') context.problems.add(joinPath(path, 'api_key_file'), 'give api_key or api_key_file, not both');
  else if (apiKeyFile !== '' && !context.syntaxOnly) {
    apiKey = readSecretFile(resolveFile(context.baseDir, apiKeyFile), joinPath(path, 'api_key_file'), context.problems) ?? '';
    if (apiKey === '' && !context.problems.has(joinPath(path, 'api_key_file'))) {
      context.problems.add(joinPath(path, 'api_key_file'), `${apiKeyFile} is empty`);
    }
  } else if (apiKeyFile === '' && apiKey === '') context.problems.add(joinPath(path, 'api_key'), 'is required (or api_key_file)');
  if (apiKey !== '' && !context.substitutedPaths.has(joinPath(path, 'api_key')) && apiKeyFile === '') {
    context.plainSecrets.push(joinPath(path, 'api_key'));
  }
  if (/[\r\n]/.test(apiKey)) context.problems.add(joinPath(path, apiKeyFile === '' ? 'api_key' : 'api_key_file'), 'must be one line');
  const orgId = text(raw, 'org_id', path, '', context);
  const sitesRaw = raw['sites'];
  let include: string[] = ['*'];
  let exclude: string[] = [];
  if (sitesRaw !== undefined && sitesRaw !== null) {
    const sitesPath = joinPath(path, 'sites');
    if (!isRecord(sitesRaw)) context.problems.add(sitesPath, 'must be a mapping { include: [..], exclude: [..] }');
    else {
      unknownKeys(sitesRaw, ['include', 'exclude'], sitesPath, context);
      include = globs(sitesRaw['include'], joinPath(sitesPath, 'include'), context, ['*']);
      exclude = globs(sitesRaw['exclude'], joinPath(sitesPath, 'exclude'), context, []);
    }
  }
  const clientLabelsRaw = raw['client_labels'];
  let clientLabels: ClientLabel[] = [...CLIENT_LABELS];
  if (clientLabelsRaw !== undefined && clientLabelsRaw !== null) {
    const labelsPath = joinPath(path, 'client_labels');
    if (!Array.isArray(clientLabelsRaw)) context.problems.add(labelsPath, `must be a list of ${CLIENT_LABELS.join(', ')}`);
    else {
      clientLabels = [];
      clientLabelsRaw.forEach((item: unknown, index) => {
        if (typeof item === 'string' && (CLIENT_LABELS as readonly string[]).includes(item)) {
          if (!clientLabels.includes(item as ClientLabel)) clientLabels.push(item as ClientLabel);
        } else context.problems.add(joinPath(labelsPath, index), `must be one of ${CLIENT_LABELS.join(', ')}`);
      });
    }
  }
  return {
    name,
    baseUrl,
    streamUrl,
    apiKey,
    apiKeyFile,
    orgId,
    timeoutMillis: duration(raw, 'timeout', path, 10_000, context),
    sites: { include, exclude },
    siteRefreshMillis: duration(raw, 'site_refresh_interval', path, 60_000, context),
    deviceRefreshMillis: duration(raw, 'device_refresh_interval', path, 60_000, context),
    restIntervalMillis: duration(raw, 'rest_interval', path, 60_000, context),
    expireAfterMillis: duration(raw, 'expire_after', path, 300_000, context),
    names: names(raw, path, context),
    clientLabels,
  };
}

/**
 * The stream URL Mist uses for a REST base URL: the host's leading `api.` becomes `api-ws.` and
 * the path `/api-ws/v1/stream` (Juniper Mist API docs, "WebSocket"). Undefined when the host does
 * not start with `api.` (then stream_url must be given, as for the simulator on 127.0.0.1).
 */
export function deriveStreamUrl(baseUrl: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    return undefined;
  }
  if (!parsed.hostname.startsWith('api.')) return undefined;
  const scheme = parsed.protocol === 'http:' ? 'ws:' : 'wss:';
  const port = parsed.port === '' ? '' : `:${parsed.port}`;
  return `${scheme}//api-ws.${parsed.hostname.slice('api.'.length)}${port}/api-ws/v1/stream`;
}

/** The `mist:` section: a list of organisations. */
export const MIST_SECTION: ConfigSection<readonly MistOrgConfig[]> = {
  key: 'mist',
  parse(raw, context) {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) {
      context.problems.add('mist', 'must be a list of organisations (- name: …, base_url: …, api_key: …)');
      return [];
    }
    const orgs: MistOrgConfig[] = [];
    const seen = new Set<string>();
    raw.forEach((item: unknown, index) => {
      const path = joinPath('mist', index);
      const org = parseOrg(item, path, context);
      if (org === undefined) return;
      if (seen.has(org.name)) context.problems.add(joinPath(path, 'name'), `"${org.name}" is used by another organisation`);
      seen.add(org.name);
      orgs.push(org);
    });
    return orgs;
  },
  document(value, secret) {
    return value.map((org) => ({
      name: org.name,
      base_url: org.baseUrl,
      stream_url: org.streamUrl,
      ...(org.apiKeyFile === '' ? { api_key: secret(org.apiKey) } : { api_key_file: org.apiKeyFile }),
      org_id: org.orgId,
      timeout: formatDuration(org.timeoutMillis),
      sites: { include: [...org.sites.include], exclude: [...org.sites.exclude] },
      site_refresh_interval: formatDuration(org.siteRefreshMillis),
      device_refresh_interval: formatDuration(org.deviceRefreshMillis),
      rest_interval: formatDuration(org.restIntervalMillis),
      expire_after: formatDuration(org.expireAfterMillis),
      names: org.names,
      client_labels: [...org.clientLabels],
    }));
  },
  secrets: (value) => value.map((org) => org.apiKey).filter((key) => key !== ''),
};

const SIMULATOR_KEYS = ['enabled', 'sites', 'aps_per_site', 'clients_per_site', 'period', 'names'] as const;

function count(raw: Record<string, unknown>, key: string, fallback: number, max: number, context: SectionContext): number {
  const value = raw[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    context.problems.add(joinPath('simulator.mist', key), `must be a whole number from 1 to ${max}`);
    return fallback;
  }
  return value;
}

/** `simulator.mist`: one simulated organisation on loopback, collected like a real one. */
export const MIST_SIMULATOR_SECTION: ConfigSection<MistSimulatorConfig> = {
  key: 'simulator.mist',
  parse(raw, context) {
    const defaults: MistSimulatorConfig = { enabled: false, sites: 3, apsPerSite: 2, clientsPerSite: 4, periodMillis: 2_000, names: 'otel' };
    if (raw === undefined || raw === null) return defaults;
    if (!isRecord(raw)) {
      context.problems.add('simulator.mist', 'must be a mapping { enabled: true, sites: 3, … }');
      return defaults;
    }
    unknownKeys(raw, SIMULATOR_KEYS, 'simulator.mist', context);
    const enabled = raw['enabled'] ?? false;
    if (typeof enabled !== 'boolean') context.problems.add('simulator.mist.enabled', 'must be true or false');
    return {
      enabled: enabled === true,
      sites: count(raw, 'sites', defaults.sites, 50, context),
      apsPerSite: count(raw, 'aps_per_site', defaults.apsPerSite, 50, context),
      clientsPerSite: count(raw, 'clients_per_site', defaults.clientsPerSite, 500, context),
      periodMillis: duration(raw, 'period', 'simulator.mist', defaults.periodMillis, context),
      names: names(raw, 'simulator.mist', context),
    };
  },
  document(value) {
    return {
      enabled: value.enabled,
      sites: value.sites,
      aps_per_site: value.apsPerSite,
      clients_per_site: value.clientsPerSite,
      period: formatDuration(value.periodMillis),
      names: value.names,
    };
  },
};
