/**
 * Discovered routers: `modules:` (named router settings, any router key but name and address),
 * `discovery.file` (Prometheus file_sd files, read by the core's FileSdWatcher) and
 * `discovery.dns_srv` (SRV names, looked up by the core's DnsSrvWatcher). Each target of a
 * group becomes a router through the same rules as a router in `routers:`, so a discovered router
 * is validated exactly like a static one; a target that fails them, or whose name is taken, is
 * skipped with the reason in the log, and the others are used.
 *
 * Naming and labels: the group's `name` label names the router, else its host (plus `_<port>` when
 * the port is not the API's default). `module`, `username`, `password_file` and `port` (or their
 * `__meta_` forms) pick connection settings and are not series labels; other `__`-prefixed labels
 * are dropped, as Prometheus drops them after relabeling; every other label becomes a router label.
 */
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { parseHostPort } from '../../config/address.js';
import { joinPath, Problems } from '../../config/errors.js';
import { isMapping } from '../../config/mapping.js';
import { parseDuration, formatDuration } from '../../config/duration.js';
import type { ConfigSection } from '../../config/sections.js';
import type { AgentConfig } from '../../config/types.js';
import { unknownMessage } from '../../config/values.js';
import type { TargetGroup } from '../../engine/file-sd.js';
import type { Collector } from './collectors/collector.js';
import { normaliseRouters, BUILTIN_ROUTER_DEFAULTS } from './config/routers.js';
import type { RouterConfig } from './config/types.js';

/** `modules:` once parsed: each module's raw router keys, checked at load. */
export interface ModulesConfig {
  /** Router keys by module; file paths in them are absolute (resolved against the config file's directory). */
  readonly modules: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly collection: { readonly intervalMillis: number; readonly timeoutMillis: number };
}

/** One `discovery.dns_srv` entry. */
export interface DnsSrvConfig {
  readonly name: string;
  readonly refreshMillis: number;
  /** Module of its routers (none: the built-in router defaults). */
  readonly module?: string;
  /** DNS server, `ip` or `ip:port`; the system's resolvers when absent. */
  readonly server?: string;
}

/** `discovery:` once parsed. */
export interface DiscoveryConfig {
  /** file_sd paths and patterns, absolute (relative ones resolved against the config file's directory). */
  readonly file: readonly string[];
  readonly refreshMillis: number;
  readonly dnsSrv: readonly DnsSrvConfig[];
}

const RESERVED = ['module', 'username', 'password_file', 'port'] as const;

/** `modules:`; each module is checked as a router of its own would be. */
export function modulesSection(collectors: readonly Collector[]): ConfigSection<ModulesConfig> {
  return {
    key: 'modules',
    parse(raw, context) {
      const modules: Record<string, Readonly<Record<string, unknown>>> = {};
      if (raw !== undefined && !isMapping(raw)) context.problems.add('modules', 'must be a mapping of module name → router settings');
      for (const [name, value] of Object.entries(isMapping(raw) ? raw : {})) {
        const path = joinPath('modules', name);
        if (!isMapping(value)) {
          context.problems.add(path, 'must be a mapping of router settings (username, password_file, collectors, tls, interval …)');
          continue;
        }
        for (const key of ['name', 'address']) {
          if (key in value) context.problems.add(joinPath(path, key), 'comes from discovery and cannot be set in a module');
        }
        const { name: _name, address: _address, ...settings } = value;
        const check = new Problems();
        normaliseRouters(undefined, [{ ...settings, name: 'module', address: '127.0.0.1' }], {
          problems: check,
          baseDir: context.baseDir,
          known: collectors,
          substitutedPaths: new Set(),
          plainSecrets: [],
          ...context.collection,
        });
        for (const problem of check.problems) context.problems.add(problem.path.replace(/^routers\[0\]/, path), problem.message);
        const passwordPath = joinPath(path, 'password');
        if (typeof settings['password'] === 'string' && !context.substitutedPaths.has(passwordPath)) context.plainSecrets.push(passwordPath);
        modules[name] = absolutePaths(settings, context.baseDir);
      }
      return { modules, collection: context.collection };
    },
    // Modules are written back as given, secrets masked: they are router settings, not new keys.
    document: (value, secret) =>
      Object.fromEntries(
        Object.entries(value.modules).map(([name, settings]) => [
          name,
          Object.fromEntries(Object.entries(settings).map(([key, item]) => [key, key === 'password' && typeof item === 'string' ? secret(item) : item])),
        ]),
      ),
    secrets: (value) => Object.values(value.modules).flatMap((settings) => (typeof settings['password'] === 'string' ? [settings['password']] : [])),
  };
}

const DISCOVERY_KEYS = ['file', 'refresh_interval', 'dns_srv'] as const;
const DNS_SRV_KEYS = ['name', 'refresh', 'module', 'server'] as const;

/** `discovery:`. */
export const DISCOVERY_SECTION: ConfigSection<DiscoveryConfig> = {
  key: 'discovery',
  parse(raw, context) {
    const { problems } = context;
    const value = sectionMapping(raw, 'discovery', DISCOVERY_KEYS, problems);
    const given = value['file'] ?? [];
    const file = typeof given === 'string' ? [given] : Array.isArray(given) ? given : undefined;
    if (file === undefined || !file.every((item): item is string => typeof item === 'string' && item !== '')) {
      problems.add('discovery.file', 'must be a list of file paths or patterns (*.json)');
    }
    const refreshText = value['refresh_interval'] ?? '30s';
    const refreshMillis = typeof refreshText === 'string' ? parseDuration(refreshText) : undefined;
    if (refreshMillis === undefined || refreshMillis < 1_000) problems.add('discovery.refresh_interval', 'must be a duration of at least 1s');
    const files = (file ?? []).filter((item): item is string => typeof item === 'string').map((item) => resolve(context.baseDir, item));
    return { file: files, refreshMillis: refreshMillis ?? 30_000, dnsSrv: parseDnsSrv(value['dns_srv'], problems) };
  },
  document: (value) => ({
    file: [...value.file],
    refresh_interval: formatDuration(value.refreshMillis),
    dns_srv: value.dnsSrv.map((entry) => ({
      name: entry.name,
      refresh: formatDuration(entry.refreshMillis),
      ...(entry.module === undefined ? {} : { module: entry.module }),
      ...(entry.server === undefined ? {} : { server: entry.server }),
    })),
  }),
  hasTargets: (value) => value.file.length > 0 || value.dnsSrv.length > 0,
};

/** `discovery.dns_srv`: `[{ name, refresh, module, server }]`. */
function parseDnsSrv(raw: unknown, problems: Problems): DnsSrvConfig[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.add('discovery.dns_srv', 'must be a list of { name, refresh, module, server }');
    return [];
  }
  return raw.flatMap((item: unknown, index): DnsSrvConfig[] => {
    const path = `discovery.dns_srv[${index}]`;
    const before = problems.problems.length;
    const value = sectionMapping(item, path, DNS_SRV_KEYS, problems);
    if (!isMapping(item)) return [];
    const name = value['name'];
    if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]+\.?$/.test(name)) {
      problems.add(joinPath(path, 'name'), 'must be a DNS name (_mikrotik-api._tcp.example.net)');
    }
    const refreshText = value['refresh'] ?? '30s';
    const refreshMillis = typeof refreshText === 'string' ? parseDuration(refreshText) : undefined;
    if (refreshMillis === undefined || refreshMillis < 1_000) problems.add(joinPath(path, 'refresh'), 'must be a duration of at least 1s');
    const module = value['module'];
    if (module !== undefined && (typeof module !== 'string' || module === '')) problems.add(joinPath(path, 'module'), 'must be the name of a module');
    const server = value['server'];
    if (server !== undefined && (typeof server !== 'string' || !isDnsServer(server))) {
      problems.add(joinPath(path, 'server'), 'must be an IP address with an optional port (127.0.0.1:5353, [::1]:53)');
    }
    if (problems.problems.length > before || typeof name !== 'string') return [];
    return [
      {
        name,
        refreshMillis: refreshMillis ?? 30_000,
        ...(typeof module === 'string' ? { module } : {}),
        ...(typeof server === 'string' ? { server } : {}),
      },
    ];
  });
}

/** What Resolver.setServers accepts: an IP address, with a port as `v4:port` or `[v6]:port`. */
function isDnsServer(text: string): boolean {
  const address = parseHostPort(text);
  return address !== undefined && isIP(address.host) !== 0;
}

/** A section's mapping (empty when absent), each key not in `keys` reported at its path. */
export function sectionMapping(raw: unknown, section: string, keys: readonly string[], problems: Problems): Record<string, unknown> {
  if (raw === undefined) return {};
  if (!isMapping(raw)) {
    problems.add(section, `must be a mapping (${keys.join(', ')})`);
    return {};
  }
  for (const key of Object.keys(raw)) {
    if (!keys.includes(key)) problems.add(joinPath(section, key), unknownMessage('key', key, keys));
  }
  return raw;
}

export function modulesConfig(config: Pick<AgentConfig, 'sections' | 'collection'>): ModulesConfig {
  return (config.sections?.['modules'] as ModulesConfig | undefined) ?? { modules: {}, collection: config.collection };
}

export function discoveryConfig(config: Pick<AgentConfig, 'sections'>): DiscoveryConfig {
  return (config.sections?.['discovery'] as DiscoveryConfig | undefined) ?? { file: [], refreshMillis: 30_000, dnsSrv: [] };
}

/** The settings with `password_file` and `tls.ca_file` made absolute, so they mean the same wherever they are used. */
function absolutePaths(settings: Readonly<Record<string, unknown>>, baseDir: string): Record<string, unknown> {
  const result: Record<string, unknown> = { ...settings };
  if (typeof result['password_file'] === 'string') result['password_file'] = resolve(baseDir, result['password_file']);
  const tls = result['tls'];
  if (isMapping(tls) && typeof tls['ca_file'] === 'string') result['tls'] = { ...tls, ca_file: resolve(baseDir, tls['ca_file']) };
  return result;
}

/** A discovered target that could not become a router, and why. */
export interface DiscoveryProblem {
  readonly target: string;
  readonly where: string;
  readonly message: string;
}

/**
 * The routers of every group, skipping targets that fail the router rules or whose name is in
 * `taken` (the static routers) or was given to an earlier target.
 */
export function discoveredRouters(
  groups: readonly TargetGroup[],
  modules: ModulesConfig,
  collectors: readonly Collector[],
  taken: ReadonlySet<string>,
): { routers: RouterConfig[]; problems: DiscoveryProblem[] } {
  const routers: RouterConfig[] = [];
  const problems: DiscoveryProblem[] = [];
  const names = new Set(taken);
  for (const group of groups) {
    for (const target of group.targets) {
      const where = `${group.file}[${group.index}]`;
      const fail = (message: string): void => {
        problems.push({ target, where, message });
      };
      const raw = routerFor(target, group.labels, modules);
      if (typeof raw === 'string') {
        fail(raw);
        continue;
      }
      const check = new Problems();
      const { routers: [router] } = normaliseRouters(undefined, [raw], {
        problems: check,
        // A password_file label is relative to the file that names it.
        baseDir: dirname(group.file),
        known: collectors,
        substitutedPaths: new Set(),
        plainSecrets: [],
        ...modules.collection,
      });
      if (check.problems.length > 0 || router === undefined) {
        fail(check.problems.map((problem) => `${problem.path.replace(/^routers\[0\]\.?/, '')}: ${problem.message}`).join('; '));
        continue;
      }
      if (names.has(router.name)) {
        fail(`the name ${router.name} is taken by another router`);
        continue;
      }
      names.add(router.name);
      routers.push(router);
    }
  }
  return { routers, problems };
}

/** The raw router keys of one target, or what is wrong with it. */
function routerFor(target: string, groupLabels: Readonly<Record<string, string>>, modules: ModulesConfig): Record<string, unknown> | string {
  const pick = (key: string): string | undefined => groupLabels[key] ?? groupLabels[`__meta_${key}`];
  const moduleName = pick('module');
  const module = moduleName === undefined ? {} : modules.modules[moduleName];
  if (module === undefined) return `unknown module "${moduleName ?? ''}" (modules: ${Object.keys(modules.modules).join(', ') || 'none'})`;
  const address = parseHostPort(target);
  if (address === undefined) return 'must be host, host:port or [v6]:port';
  const portText = pick('port');
  const port = portText === undefined ? address.port : Number(portText);
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(groupLabels)) {
    if (key === 'name' || key.startsWith('__') || (RESERVED as readonly string[]).includes(key)) continue;
    labels[key] = value;
  }
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  const defaultPort = port === BUILTIN_ROUTER_DEFAULTS.port || port === BUILTIN_ROUTER_DEFAULTS.tlsPort;
  const name = groupLabels['name'] ?? (port === undefined || defaultPort ? address.host : `${address.host}_${port}`);
  const username = pick('username');
  const passwordFile = pick('password_file');
  const moduleLabels = isMapping(module['labels']) ? module['labels'] : {};
  return {
    ...module,
    name: name.replace(/[^A-Za-z0-9_.-]/g, '_'),
    address: host,
    ...(port === undefined ? {} : { port }),
    ...(username === undefined ? {} : { username }),
    ...(passwordFile === undefined ? {} : { password_file: passwordFile, password: undefined }),
    labels: { ...moduleLabels, ...labels },
  };
}
