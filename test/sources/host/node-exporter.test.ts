/**
 * Live comparison on this machine: the agent reads the real /proc and /sys with `names: node_exporter`
 * while Debian's prometheus-node-exporter (installed into .tools/ by scripts/install-tools.sh) runs beside it
 * on loopback with the same device, filesystem and interface filters. For every series both expose:
 *
 * - the type is the same (counters are counters);
 * - counters: node_exporter's reading lies between two readings of the agent taken before and after it
 *   (the agent's collection cycles bracket node_exporter's scrape), the most two reads around it can explain;
 * - gauges: within 2 % of that bracket, where 2 % is of the whole the value is a part of: the memory
 *   fields are parts of MemTotal (a neighbour's build moves Dirty or Cached by megabytes between two reads),
 *   the requests in flight parts of the device's queue (nr_requests), the running and blocked tasks parts of
 *   all tasks; others their own size;
 *
 * and the devices, mount points and interfaces are the same sets.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type Agent } from '../../../src/agent.js';
import { loadConfig } from '../../../src/config/load.js';
import { HOST_SECTION, nodeExporterFlags, type HostConfig } from '../../../src/sources/host/config.js';
import { hostPlugin } from '../../../src/sources/host/plugin.js';
import { COLLECTORS } from '../../../src/sources/routeros/collectors/registry.js';
import { httpRequest } from '../../helpers/processes.js';
import { startNodeExporter, type NodeExporterServer } from '../../helpers/tools.js';
import { captureLogger, waitFor } from '../routeros/poller/helpers/engine-fixtures.js';
import { routerConfigSections } from '../../../src/sources/routeros/config/sections.js';

interface Exposition {
  readonly types: Map<string, string>;
  /** `name{sorted labels}` → value, without the agent's own labels (host, otel_scope_*). */
  readonly values: Map<string, number>;
}

const OWN_LABELS = new Set(['host', 'otel_scope_name', 'otel_scope_version']);

function parse(text: string): Exposition {
  const types = new Map<string, string>();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1] ?? '', type[2] ?? '');
    if (line === '' || line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`cannot read exposition line: ${line}`);
    const labels = [...(sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)]
      .filter((match) => !OWN_LABELS.has(match[1] ?? ''))
      .map((match) => `${match[1]}="${match[2]}"`)
      .sort();
    values.set(`${sample[1]}{${labels.join(',')}}`, Number(sample[3]));
  }
  return { types, values };
}

function labelValues(exposition: Exposition, metric: string, label: string): string[] {
  const found = new Set<string>();
  for (const key of exposition.values.keys()) {
    if (!key.startsWith(`${metric}{`)) continue;
    const value = new RegExp(`${label}="([^"]*)"`).exec(key)?.[1];
    if (value !== undefined) found.add(value);
  }
  return [...found].sort();
}

/** What a gauge is a part of, for its 2 % (see the file's comment). */
/** All the tasks on the machine now (the denominator of /proc/loadavg's fourth field). */
function taskCount(): number {
  return Number(/\/(\d+)/.exec(readFileSync('/proc/loadavg', 'utf8'))?.[1]);
}

/**
 * Counts of one instant: running and blocked tasks (/proc/stat `procs_running`, `procs_blocked`) and I/Os in
 * flight (/proc/diskstats). On a busy machine they change between any two reads (1 running task at the
 * agent's, 5 at node_exporter's a moment later), so no bracket holds them: both sides must be whole counts,
 * of at most the machine's tasks for tasks. That the agent reads the right fields is the fixture tests' job
 * (collectors.test.ts).
 */
const INSTANT_COUNT = /^node_(procs_(running|blocked)|disk_io_now)\{/;

function scale(key: string, low: number, high: number): number {
  if (/^node_memory_\w+_bytes\{/.test(key)) return theirs.values.get('node_memory_MemTotal_bytes{}') ?? high;
  return Math.max(Math.abs(low), Math.abs(high));
}

let agent: Agent;
let exporter: NodeExporterServer;
let before: Exposition;
let theirs: Exposition;
let after: Exposition;

async function scrapeAgent(): Promise<Exposition> {
  return parse((await httpRequest(`http://${agent.address.host}:${agent.address.port}/metrics`)).body);
}

/** Waits until the host has finished `count` more cycles. */
async function cycles(count: number): Promise<void> {
  for (let done = 0; done < count; done++) {
    const last = agent.engine.snapshots()[0]?.lastSuccessMillis;
    await waitFor('a host cycle', () => agent.engine.snapshots()[0]?.lastSuccessMillis !== last, 10_000);
  }
}

beforeAll(async () => {
  const { config } = loadConfig({
    text: 'routers: []\nhost: { enabled: true, interval: 1s, names: node_exporter, collectors: { pressure: true } }',
    env: {},
    sections: [...routerConfigSections(COLLECTORS), HOST_SECTION],
    overrides: { listen: '127.0.0.1:0' },
  });
  exporter = await startNodeExporter(nodeExporterFlags(config.sections?.['host'] as HostConfig));
  agent = await startAgent(config, captureLogger().logger, { sources: [hostPlugin()], tuning: { firstPollSpreadMillis: 0 } });
  await waitFor('the host up', () => agent.engine.snapshots()[0]?.up === true, 15_000);
  await cycles(1);
  before = await scrapeAgent();
  theirs = parse((await httpRequest(`${exporter.url}/metrics`)).body);
  // Two more cycles: the second starts after the first ended, so after node_exporter's scrape.
  await cycles(2);
  after = await scrapeAgent();
}, 60_000);

afterAll(async () => {
  await agent?.shutdown();
  await exporter?.stop();
});

describe('beside node_exporter on this machine', () => {
  it('exposes the same devices, mount points and interfaces', () => {
    for (const [metric, label] of [
      ['node_disk_read_bytes_total', 'device'],
      ['node_filesystem_size_bytes', 'mountpoint'],
      ['node_filesystem_size_bytes', 'device'],
      ['node_network_receive_bytes_total', 'device'],
      ['node_cpu_seconds_total', 'cpu'],
      ['node_hwmon_temp_celsius', 'chip'],
      ['node_thermal_zone_temp', 'zone'],
    ] as const) {
      // Equal to the agent's before or after node_exporter's read: a neighbour may add an interface in between.
      const agentSets = [labelValues(before, metric, label), labelValues(after, metric, label)];
      expect(agentSets, `${metric} ${label}`).toContainEqual(labelValues(theirs, metric, label));
    }
    expect(labelValues(before, 'node_network_receive_bytes_total', 'device')).not.toContain('lo');
  });

  it('agrees on every series both expose: counters within the bracket of two reads, gauges within 2 %', () => {
    const shared = [...theirs.values.keys()].filter((key) => before.values.has(key) && after.values.has(key));
    const families = new Set(shared.map((key) => key.slice(0, key.indexOf('{'))));
    // Not a vacuous comparison: the families a dashboard needs are all in it.
    for (const family of [
      'node_cpu_seconds_total',
      'node_load1',
      'node_memory_MemAvailable_bytes',
      'node_memory_MemTotal_bytes',
      'node_boot_time_seconds',
      'node_context_switches_total',
      'node_procs_running',
      'node_disk_read_bytes_total',
      'node_disk_io_now',
      'node_filesystem_avail_bytes',
      'node_network_receive_bytes_total',
      'node_network_transmit_packets_total',
      'node_pressure_cpu_waiting_seconds_total',
      'node_time_seconds',
      'node_uname_info',
    ]) {
      expect(families, family).toContain(family);
    }
    const problems: string[] = [];
    for (const key of shared) {
      const family = key.slice(0, key.indexOf('{'));
      const type = theirs.types.get(family);
      if (before.types.get(family) !== type) problems.push(`${family}: node_exporter says ${type}, the agent ${before.types.get(family)}`);
      const value = theirs.values.get(key) ?? Number.NaN;
      const a = before.values.get(key) ?? Number.NaN;
      const b = after.values.get(key) ?? Number.NaN;
      if (INSTANT_COUNT.test(key)) {
        const most = key.startsWith('node_procs_') ? taskCount() : Number.MAX_SAFE_INTEGER;
        if (![value, a, b].every((count) => Number.isInteger(count) && count >= 0 && count <= most)) {
          problems.push(`${key}: node_exporter ${value}, the agent ${a} then ${b}: not whole counts (at most ${most})`);
        }
        continue;
      }
      const low = Math.min(a, b);
      const high = Math.max(a, b);
      // Float formatting: node_exporter prints 17 significant digits, the agent JavaScript's shortest form.
      const epsilon = 1e-9 * Math.max(1, Math.abs(high));
      const slack = type === 'counter' ? epsilon : Math.max(epsilon, 0.02 * scale(key, low, high));
      if (!(value >= low - slack && value <= high + slack)) problems.push(`${key}: node_exporter ${value}, the agent ${a} then ${b}`);
    }
    expect(problems).toEqual([]);
    expect(shared.length).toBeGreaterThan(50);
  });
});
