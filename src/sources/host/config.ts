/**
 * The `host:` section: whether the machine the agent runs on is watched, how often, where its procfs
 * and sysfs are mounted, which naming the series follow, which collectors run and which devices,
 * filesystems and interfaces they keep. Problems are reported at key paths (`host.disk.exclude`);
 * nothing here throws.
 */
import { isAbsolute, resolve } from 'node:path';
import { durationProblem, formatDuration, parseDuration } from '../../config/duration.js';
import { joinPath, type Problems } from '../../config/errors.js';
import type { ConfigSection, SectionContext } from '../../config/sections.js';

/** otel: OpenTelemetry semantic conventions (hostmetrics); node_exporter: node_exporter's names and labels. */
export type NamingMode = 'otel' | 'node_exporter';

export const HOST_COLLECTOR_NAMES = [
  'cpu',
  'load',
  'memory',
  'disk',
  'filesystem',
  'network',
  'temperature',
  'uptime',
  'pressure',
] as const;

export type HostCollectorName = (typeof HOST_COLLECTOR_NAMES)[number];

/** A compiled include/exclude pair; an absent pattern keeps everything (include) or nothing (exclude). */
export interface NameFilter {
  readonly include?: RegExp;
  readonly exclude?: RegExp;
}

export interface HostConfig {
  readonly enabled: boolean;
  readonly intervalMillis: number;
  /** Absolute directory procfs and sysfs are read under (`/`, or `/host` in a container). */
  readonly root: string;
  readonly names: NamingMode;
  readonly collectors: Readonly<Record<HostCollectorName, boolean>>;
  /** Block devices of /proc/diskstats, by name. */
  readonly disk: NameFilter;
  /** Mounts, by filesystem type and by mount point. */
  readonly filesystem: { readonly fstypes: NameFilter; readonly mountpoints: NameFilter };
  /** Interfaces of /proc/net/dev, by name. */
  readonly network: NameFilter;
}

/** node_exporter's default `--collector.diskstats.device-exclude`: partitions, loop, ram and floppy devices. */
export const DEFAULT_DISK_EXCLUDE = '^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$';
/** node_exporter's default `--collector.filesystem.fs-types-exclude`: pseudo and read-only image filesystems. */
export const DEFAULT_FSTYPES_EXCLUDE =
  '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$';
/** node_exporter's default `--collector.filesystem.mount-points-exclude`: kernel and container-runtime mounts. */
export const DEFAULT_MOUNTPOINTS_EXCLUDE = '^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)';
export const DEFAULT_NETWORK_EXCLUDE = '^(lo|veth.*)$';
export const DEFAULT_HOST_INTERVAL_MILLIS = 15_000;

const DEFAULT_COLLECTORS: Readonly<Record<HostCollectorName, boolean>> = Object.freeze({
  cpu: true,
  load: true,
  memory: true,
  disk: true,
  filesystem: true,
  network: true,
  temperature: true,
  uptime: true,
  // PSI files exist only on kernels built with CONFIG_PSI (4.20+), and many distributions boot with psi=0.
  pressure: false,
});

/** The defaults, as `host:` absent from the file gives them. */
export function defaultHostConfig(): HostConfig {
  return {
    enabled: false,
    intervalMillis: DEFAULT_HOST_INTERVAL_MILLIS,
    root: '/',
    names: 'otel',
    collectors: DEFAULT_COLLECTORS,
    disk: { exclude: new RegExp(DEFAULT_DISK_EXCLUDE) },
    filesystem: {
      fstypes: { exclude: new RegExp(DEFAULT_FSTYPES_EXCLUDE) },
      mountpoints: { exclude: new RegExp(DEFAULT_MOUNTPOINTS_EXCLUDE) },
    },
    network: { exclude: new RegExp(DEFAULT_NETWORK_EXCLUDE) },
  };
}

/** True when `name` passes the filter: it matches `include` (when set) and not `exclude`. */
export function passes(filter: NameFilter, name: string): boolean {
  if (filter.include !== undefined && !filter.include.test(name)) return false;
  return filter.exclude === undefined || !filter.exclude.test(name);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}

/** Reports every key of `raw` outside `known`; returns raw as a mapping, or undefined with a problem. */
function mapping(raw: unknown, path: string, known: readonly string[], problems: Problems): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null) return {};
  if (!isMapping(raw)) {
    problems.add(path, `must be a mapping, not ${kindOf(raw)}`);
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) problems.add(joinPath(path, key), `unknown key (expected one of: ${known.join(', ')})`);
  }
  return raw;
}

/** A regular expression from the config: '' is no pattern; bad syntax is a problem at `path`. */
function pattern(raw: unknown, path: string, problems: Problems): RegExp | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string') {
    problems.add(path, `must be a regular expression (text), not ${kindOf(raw)}`);
    return undefined;
  }
  try {
    return new RegExp(raw);
  } catch (error) {
    problems.add(path, `is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/**
 * An include/exclude pair under `path` with keys `include<suffix>` and `exclude<suffix>`. Setting only
 * the include drops the default exclude, as node_exporter's flags do: a device named on purpose is kept.
 */
function filter(raw: Record<string, unknown>, path: string, suffix: string, defaultExclude: string, problems: Problems): NameFilter {
  const includeKey = `include${suffix}`;
  const excludeKey = `exclude${suffix}`;
  const include = pattern(raw[includeKey], joinPath(path, includeKey), problems);
  const exclude = Object.hasOwn(raw, excludeKey)
    ? pattern(raw[excludeKey], joinPath(path, excludeKey), problems)
    : include === undefined
      ? new RegExp(defaultExclude)
      : undefined;
  return { ...(include ? { include } : {}), ...(exclude ? { exclude } : {}) };
}

function parseHost(raw: unknown, context: SectionContext): HostConfig {
  const { problems } = context;
  const defaults = defaultHostConfig();
  const section = mapping(raw, 'host', ['enabled', 'interval', 'root', 'names', 'collectors', 'disk', 'filesystem', 'network'], problems);
  if (section === undefined) return defaults;

  let enabled = defaults.enabled;
  if (section['enabled'] !== undefined) {
    if (typeof section['enabled'] === 'boolean') enabled = section['enabled'];
    else problems.add('host.enabled', `must be true or false, not ${kindOf(section['enabled'])}`);
  }

  let intervalMillis = defaults.intervalMillis;
  if (section['interval'] !== undefined) {
    const millis = parseDuration(section['interval']);
    if (millis === undefined) problems.add('host.interval', durationProblem(section['interval']));
    else if (millis < 1_000) problems.add('host.interval', `must be at least 1s, not ${formatDuration(millis)}`);
    else intervalMillis = millis;
  }

  let root = defaults.root;
  if (section['root'] !== undefined) {
    if (typeof section['root'] !== 'string' || section['root'].trim() === '') {
      problems.add('host.root', `must be a directory path, not ${kindOf(section['root'])}`);
    } else {
      root = isAbsolute(section['root']) ? resolve(section['root']) : resolve(context.baseDir, section['root']);
    }
  }

  let names = defaults.names;
  if (section['names'] !== undefined) {
    if (section['names'] === 'otel' || section['names'] === 'node_exporter') names = section['names'];
    else problems.add('host.names', `must be otel or node_exporter, not ${kindOf(section['names'])}`);
  }

  const collectors: Record<HostCollectorName, boolean> = { ...defaults.collectors };
  const rawCollectors = mapping(section['collectors'], 'host.collectors', HOST_COLLECTOR_NAMES, problems);
  for (const name of HOST_COLLECTOR_NAMES) {
    const value = rawCollectors?.[name];
    if (value === undefined) continue;
    if (typeof value === 'boolean') collectors[name] = value;
    else problems.add(joinPath('host.collectors', name), `must be true or false, not ${kindOf(value)}`);
  }

  const rawDisk = mapping(section['disk'], 'host.disk', ['include', 'exclude'], problems) ?? {};
  const rawFilesystem =
    mapping(section['filesystem'], 'host.filesystem', ['include_fstypes', 'exclude_fstypes', 'include_mountpoints', 'exclude_mountpoints'], problems) ?? {};
  const rawNetwork = mapping(section['network'], 'host.network', ['include', 'exclude'], problems) ?? {};

  return {
    enabled,
    intervalMillis,
    root,
    names,
    collectors,
    disk: filter(rawDisk, 'host.disk', '', DEFAULT_DISK_EXCLUDE, problems),
    filesystem: {
      fstypes: filter(rawFilesystem, 'host.filesystem', '_fstypes', DEFAULT_FSTYPES_EXCLUDE, problems),
      mountpoints: filter(rawFilesystem, 'host.filesystem', '_mountpoints', DEFAULT_MOUNTPOINTS_EXCLUDE, problems),
    },
    network: filter(rawNetwork, 'host.network', '', DEFAULT_NETWORK_EXCLUDE, problems),
  };
}

/** A pattern as written: RegExp.source escapes every `/`, which the config never needs. */
function patternText(pattern: RegExp | undefined): string {
  return pattern === undefined ? '' : pattern.source.replace(/\\\//g, '/');
}

function documentFilter(filterValue: NameFilter, suffix: string): Record<string, string> {
  return {
    [`include${suffix}`]: patternText(filterValue.include),
    [`exclude${suffix}`]: patternText(filterValue.exclude),
  };
}

/** The `host:` section of the config file. */
export const HOST_SECTION: ConfigSection<HostConfig> = {
  key: 'host',
  parse: parseHost,
  hasTargets: (value) => value.enabled,
  document: (value) => ({
    enabled: value.enabled,
    interval: formatDuration(value.intervalMillis),
    root: value.root,
    names: value.names,
    collectors: { ...value.collectors },
    disk: documentFilter(value.disk, ''),
    filesystem: { ...documentFilter(value.filesystem.fstypes, '_fstypes'), ...documentFilter(value.filesystem.mountpoints, '_mountpoints') },
    network: documentFilter(value.network, ''),
  }),
};

/** The node_exporter collectors that read what each host collector reads. */
const NODE_EXPORTER_COLLECTORS: Readonly<Record<HostCollectorName, readonly string[]>> = {
  cpu: ['cpu', 'stat'],
  load: ['loadavg'],
  memory: ['meminfo'],
  disk: ['diskstats'],
  filesystem: ['filesystem'],
  network: ['netdev'],
  temperature: ['hwmon', 'thermal_zone'],
  uptime: ['stat', 'time', 'uname'],
  pressure: ['pressure'],
};

/**
 * The node_exporter flags that make it collect what `config` collects, from the same devices,
 * filesystems and interfaces: for running node_exporter beside the agent (the live test, the benchmark)
 * or migrating from it. Debian patches node_exporter's default mount point exclude (it also drops /run,
 * /mnt and /media), so every filter is written out.
 */
export function nodeExporterFlags(config: HostConfig): string[] {
  const collectors = new Set(HOST_COLLECTOR_NAMES.filter((name) => config.collectors[name]).flatMap((name) => NODE_EXPORTER_COLLECTORS[name]));
  const flags = ['--collector.disable-defaults', ...[...collectors].map((name) => `--collector.${name}`)];
  const add = (flag: string, filterValue: NameFilter): void => {
    if (filterValue.include !== undefined) flags.push(`--collector.${flag}-include=${patternText(filterValue.include)}`);
    // An empty exclude matches nothing here but everything there: `$^` matches no name.
    flags.push(`--collector.${flag}-exclude=${filterValue.exclude === undefined ? '$^' : patternText(filterValue.exclude)}`);
  };
  add('diskstats.device', config.disk);
  add('filesystem.fs-types', config.filesystem.fstypes);
  add('filesystem.mount-points', config.filesystem.mountpoints);
  add('netdev.device', config.network);
  return flags;
}
