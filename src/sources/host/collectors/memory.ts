/**
 * Memory and swap from /proc/meminfo. With OpenTelemetry names, the states of `system.memory.usage`
 * are those of the Collector's hostmetrics receiver: used, free, buffered, cached and
 * slab_reclaimable add up to the limit (MemTotal), and slab_unreclaimable is part of used. With
 * node_exporter names, every field of the file becomes `node_memory_<Field>_bytes` (or
 * `node_memory_<Field>` for counts such as HugePages_Total), as its meminfo collector does.
 */
import type { MetricDefinition } from '../../../engine/metric.js';
import type { NamingMode } from '../config.js';
import { completeLines, fields, metric, num, Samples, type HostCollector } from './collector.js';

const OTEL = {
  usage: metric('system.memory.usage', 'gauge', 'By', 'Bytes of memory in each state.', ['state']),
  limit: metric('system.memory.limit', 'gauge', 'By', 'Total bytes of memory available to the system.'),
  available: metric(
    'system.linux.memory.available',
    'gauge',
    'By',
    "The kernel's estimate of memory available for starting new applications without swapping (MemAvailable).",
  ),
  shared: metric('system.memory.linux.shared', 'gauge', 'By', 'Shared memory (Shmem: tmpfs and shared anonymous pages), part of cached.'),
  paging: metric('system.paging.usage', 'gauge', 'By', 'Bytes of swap space in each state.', ['state']),
};

/** One field of /proc/meminfo: its name and its value in bytes (or a count when it has no unit). */
interface MeminfoField {
  readonly name: string;
  readonly value: number;
  readonly bytes: boolean;
}

export function parseMeminfo(text: string): MeminfoField[] {
  const result: MeminfoField[] = [];
  for (const line of completeLines(text)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const parts = fields(line.slice(colon + 1));
    const value = num(parts[0]);
    // A truncated last line ("MemAvailable:   12") still parses; one cut inside its name does not.
    if (!Number.isFinite(value)) continue;
    const bytes = parts[1] === 'kB';
    result.push({ name: line.slice(0, colon).trim(), value: bytes ? value * 1024 : value, bytes });
  }
  return result;
}

/** node_exporter's metric name for a field: `Active(anon)` → `node_memory_Active_anon_bytes`. */
export function nodeMemoryName(field: string, bytes: boolean): string {
  const name = field.replace(/\(/g, '_').replace(/\)/g, '').replace(/[^A-Za-z0-9_]/g, '_');
  return `node_memory_${name}${bytes ? '_bytes' : ''}`;
}

/** Definitions made once per name, so every run shares the same object. */
const nodeDefinitions = new Map<string, MetricDefinition>();

function nodeDefinition(field: string, bytes: boolean): MetricDefinition {
  const name = nodeMemoryName(field, bytes);
  let definition = nodeDefinitions.get(name);
  if (definition === undefined) {
    definition = metric(name, 'gauge', bytes ? 'By' : '', `Memory information field ${field}.`);
    nodeDefinitions.set(name, definition);
  }
  return definition;
}

/** The fields documented by name; every other field of the running kernel follows the same pattern. */
const DOCUMENTED_FIELDS = ['MemTotal', 'MemFree', 'MemAvailable', 'Buffers', 'Cached', 'Shmem', 'SReclaimable', 'SUnreclaim', 'SwapTotal', 'SwapFree'];

export const memoryCollector: HostCollector = {
  name: 'memory',
  reads: '/proc/meminfo',
  metrics: (names: NamingMode): readonly MetricDefinition[] =>
    names === 'otel' ? Object.values(OTEL) : DOCUMENTED_FIELDS.map((field) => nodeDefinition(field, true)),
  create({ fs, config }) {
    return async () => {
      const parsed = parseMeminfo(await fs.read('/proc/meminfo'));
      const out = new Samples();
      if (config.names === 'node_exporter') {
        for (const field of parsed) out.add(nodeDefinition(field.name, field.bytes), field.value);
        return out.output();
      }
      const value = (name: string): number => parsed.find((field) => field.name === name)?.value ?? Number.NaN;
      const total = value('MemTotal');
      const free = value('MemFree');
      const buffers = value('Buffers');
      const cached = value('Cached');
      const reclaimable = value('SReclaimable');
      out.add(OTEL.limit, total);
      out.add(OTEL.usage, total - free - buffers - cached - reclaimable, { state: 'used' });
      out.add(OTEL.usage, free, { state: 'free' });
      out.add(OTEL.usage, buffers, { state: 'buffered' });
      out.add(OTEL.usage, cached, { state: 'cached' });
      out.add(OTEL.usage, reclaimable, { state: 'slab_reclaimable' });
      out.add(OTEL.usage, value('SUnreclaim'), { state: 'slab_unreclaimable' });
      out.add(OTEL.available, value('MemAvailable'));
      out.add(OTEL.shared, value('Shmem'));
      const swapTotal = value('SwapTotal');
      const swapFree = value('SwapFree');
      out.add(OTEL.paging, swapTotal - swapFree, { state: 'used' });
      out.add(OTEL.paging, swapFree, { state: 'free' });
      return out.output();
    };
  },
};
