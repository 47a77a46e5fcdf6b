/** The `host:` section: defaults, every key, problems at key paths, and check-config's round trip. */
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { configDocument } from '../../../src/config/document.js';
import { loadConfig } from '../../../src/config/load.js';
import { DEFAULT_FSTYPES_EXCLUDE, DEFAULT_MOUNTPOINTS_EXCLUDE, DEFAULT_NETWORK_EXCLUDE, HOST_SECTION, nodeExporterFlags, type HostConfig } from '../../../src/sources/host/config.js';
import { load, problemsOf } from '../../config/helpers.js';
import { hostName } from '../../../src/sources/host/target.js';
import { PassThrough } from 'node:stream';
import { stringify } from 'yaml';
import { main } from '../../../src/cli.js';
import { testDir } from '../../config/helpers.js';

const sections = [HOST_SECTION];
const hostOf = (text: string): HostConfig => load(`routers: []\n${text}`, { sections }).config.sections?.['host'] as HostConfig;

/** The problems of a host section (given as its lines, after `host:`) by key path. */
function problemsByPath(lines: readonly string[]): Record<string, string> {
  const problems = problemsOf(['routers: []', 'host:', ...lines].join('\n'), { sections });
  return Object.fromEntries(problems.map((problem) => [problem.path, problem.message]));
}

describe('host config', () => {
  it('is off with the documented defaults when absent', () => {
    const host = hostOf('');
    expect(host.enabled).toBe(false);
    expect(host.intervalMillis).toBe(15_000);
    expect(host.root).toBe('/');
    expect(host.names).toBe('otel');
    expect(host.collectors).toEqual({ cpu: true, load: true, memory: true, disk: true, filesystem: true, network: true, temperature: true, uptime: true, pressure: false });
    expect(host.network.exclude?.test('lo')).toBe(true);
    expect(host.filesystem.fstypes.exclude?.test('tmpfs')).toBe(false);
    expect(host.filesystem.fstypes.exclude?.test('squashfs')).toBe(true);
  });

  it('reads every key', () => {
    const host = hostOf(
      [
        'host:',
        '  enabled: true',
        '  interval: 30s',
        '  root: /host',
        '  names: node_exporter',
        '  collectors: { pressure: true, temperature: false }',
        "  disk: { include: '^nvme0n1$' }",
        "  filesystem: { exclude_fstypes: '^tmpfs$', include_mountpoints: '^/data' }",
        "  network: { include: '^eth', exclude: '^eth9$' }",
      ].join('\n'),
    );
    expect(host).toMatchObject({ enabled: true, intervalMillis: 30_000, root: '/host', names: 'node_exporter' });
    expect(host.collectors.pressure).toBe(true);
    expect(host.collectors.temperature).toBe(false);
    // An include alone drops the default exclude, as node_exporter's flags do.
    expect(host.disk).toEqual({ include: /^nvme0n1$/ });
    expect(host.filesystem.fstypes.exclude?.test('tmpfs')).toBe(true);
    expect(host.filesystem.mountpoints.include?.test('/data/x')).toBe(true);
    expect(host.network.include?.test('eth0')).toBe(true);
    expect(host.network.exclude?.test('eth9')).toBe(true);
  });

  it('reports every bad value at its key path', () => {
    const byPath = problemsByPath([
      '  enabled: yes please',
      '  interval: 10',
      '  root: [a]',
      '  names: prometheus',
      '  collectors: { cpu: 1, gpu: true }',
      "  disk: { exclude: '(unclosed' }",
      '  filesystem: { exclude_types: x }',
      '  network: [eth0]',
      '  extra: 1',
    ]);
    expect(Object.keys(byPath).sort()).toEqual(
      [
        'host.enabled',
        'host.interval',
        'host.root',
        'host.names',
        'host.collectors.cpu',
        'host.collectors.gpu',
        'host.disk.exclude',
        'host.filesystem.exclude_types',
        'host.network',
        'host.extra',
      ].sort(),
    );
    expect(byPath['host.names']).toBe('must be otel or node_exporter, not "prometheus"');
    expect(byPath['host.disk.exclude']).toMatch(/^is not a valid regular expression/);
    expect(byPath['host.interval']).toMatch(/is not a duration/);
  });

  it('reports a bad include or exclude at its own key, for every pattern', () => {
    const byPath = problemsByPath([
      "  disk: { include: '[a-', exclude: 3 }",
      "  filesystem: { include_fstypes: '(x', exclude_fstypes: [a], include_mountpoints: '*', exclude_mountpoints: { a: 1 } }",
      "  network: { include: '(?<', exclude: true }",
    ]);
    expect(Object.keys(byPath).sort()).toEqual(
      [
        'host.disk.include',
        'host.disk.exclude',
        'host.filesystem.include_fstypes',
        'host.filesystem.exclude_fstypes',
        'host.filesystem.include_mountpoints',
        'host.filesystem.exclude_mountpoints',
        'host.network.include',
        'host.network.exclude',
      ].sort(),
    );
    expect(byPath['host.filesystem.include_mountpoints']).toMatch(/^is not a valid regular expression/);
    expect(byPath['host.filesystem.exclude_fstypes']).toBe('must be a regular expression (text), not a list');
    expect(byPath['host.network.exclude']).toBe('must be a regular expression (text), not true');
  });

  it('reads a relative root from the config file\'s directory', () => {
    const files = testDir({ 'agent.yaml': 'host: { enabled: true, root: ./hostroot/ }\n' });
    try {
      const { config } = loadConfig({ file: files.path('agent.yaml'), env: {}, sections });
      expect((config.sections?.['host'] as HostConfig).root).toBe(files.path('hostroot'));
    } finally {
      files.cleanup();
    }
  });

  it('rejects an interval under a second and a section that is not a mapping', () => {
    expect(problemsOf('routers: []\nhost: { interval: 100ms }', { sections })).toEqual([{ path: 'host.interval', message: 'must be at least 1s, not 100ms' }]);
    expect(problemsOf('routers: []\nhost: true', { sections })).toEqual([{ path: 'host', message: 'must be a mapping, not true' }]);
  });

  it('prints back as a document that loads to the same value', () => {
    const text = "host: { enabled: true, names: node_exporter, root: /host, disk: { include: '^sd[a-z]$' }, network: { exclude: '' } }";
    const first = load(`routers: []\n${text}`, { sections }).config;
    const printed = stringify(configDocument(first, { secret: (value) => value, sections }));
    expect(printed).toContain("exclude_mountpoints: ^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)");
    const second = load(printed, { sections }).config;
    expect(second.sections?.['host']).toEqual(first.sections?.['host']);
  });
});

describe('nodeExporterFlags', () => {
  it("gives node_exporter the collectors and filters of the config, every default written out", () => {
    const host = hostOf("host: { collectors: { temperature: false, pressure: true }, disk: { include: '^sd[a-z]$' } }");
    expect(nodeExporterFlags(host)).toEqual([
      '--collector.disable-defaults',
      ...['cpu', 'stat', 'loadavg', 'meminfo', 'diskstats', 'filesystem', 'netdev', 'time', 'uname', 'pressure'].map((name) => `--collector.${name}`),
      '--collector.diskstats.device-include=^sd[a-z]$',
      '--collector.diskstats.device-exclude=$^',
      `--collector.filesystem.fs-types-exclude=${DEFAULT_FSTYPES_EXCLUDE}`,
      `--collector.filesystem.mount-points-exclude=${DEFAULT_MOUNTPOINTS_EXCLUDE}`,
      `--collector.netdev.device-exclude=${DEFAULT_NETWORK_EXCLUDE}`,
    ]);
  });
});

describe('hostName', () => {
  it('takes host.name from OTEL_RESOURCE_ATTRIBUTES, then the config, then the kernel, as the resource does', () => {
    const env = { OTEL_RESOURCE_ATTRIBUTES: 'service.name=x,host.name=edge%20box,os.type=linux' };
    expect(hostName({ 'host.name': 'from-config' }, env)).toBe('edge box');
    expect(hostName({ 'host.name': 'from-config' }, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=x' })).toBe('from-config');
    expect(hostName({}, env)).toBe('edge box');
    expect(hostName({}, {})).toBe(hostname());
    expect(hostName({ 'host.name': '  ' }, { OTEL_RESOURCE_ATTRIBUTES: 'host.name=' })).toBe(hostname());
  });
});

describe('check-config with the real registry', () => {
  it('names each bad host value by its key path and exits 2', async () => {
    const files = testDir({ 'bad.yaml': "routers: []\nhost: { enabled: true, names: nodeexporter, network: { include: '(' } }\n" });
    try {
      const stream = (): { stream: PassThrough; text: () => string } => {
        const passThrough = new PassThrough();
        let text = '';
        passThrough.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        return { stream: passThrough, text: () => text };
      };
      const stdout = stream();
      const stderr = stream();
      const io = { stdout: stdout.stream, stderr: stderr.stream, env: {}, onSignal: () => () => undefined };
      expect(await main(['check-config', '-c', files.path('bad.yaml')], io)).toBe(2);
      expect(stdout.text()).toBe('');
      expect(stderr.text()).toContain('  host.names: must be otel or node_exporter, not "nodeexporter"\n');
      expect(stderr.text()).toMatch(/^ {2}host\.network\.include: is not a valid regular expression/m);
    } finally {
      files.cleanup();
    }
  });
});
