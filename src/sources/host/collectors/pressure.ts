/**
 * Pressure stall information (PSI, /proc/pressure/{cpu,memory,io}, kernel 4.20+): the time tasks
 * waited for a resource. "some": at least one task stalled; "full": every non-idle task stalled at
 * once. A kernel without PSI (no /proc/pressure, or booted with psi=0, where reads fail with
 * EOPNOTSUPP) makes the collector unsupported; one unreadable resource loses only its values.
 */
import type { MetricDefinition } from '../../../engine/metric.js';
import { errorCode } from '../fs.js';
import { byNaming, completeLines, fields, metric, Samples, UnsupportedError, type HostCollector } from './collector.js';

const RESOURCES = ['cpu', 'memory', 'io'] as const;

const OTEL = {
  time: metric(
    'system.linux.pressure.stall.time',
    'counter',
    's',
    'Seconds tasks stalled waiting for a resource: some (at least one task) or full (all non-idle tasks at once).',
    ['resource', 'kind'],
  ),
};

const NODE = {
  cpuWaiting: metric('node_pressure_cpu_waiting_seconds_total', 'counter', 's', 'Total time in seconds that processes have waited for CPU time.'),
  cpuStalled: metric('node_pressure_cpu_stalled_seconds_total', 'counter', 's', 'Total time in seconds no process could make progress due to CPU congestion.'),
  memoryWaiting: metric('node_pressure_memory_waiting_seconds_total', 'counter', 's', 'Total time in seconds that processes have waited for memory.'),
  memoryStalled: metric('node_pressure_memory_stalled_seconds_total', 'counter', 's', 'Total time in seconds no process could make progress due to memory congestion.'),
  ioWaiting: metric('node_pressure_io_waiting_seconds_total', 'counter', 's', 'Total time in seconds that processes have waited due to IO congestion.'),
  ioStalled: metric('node_pressure_io_stalled_seconds_total', 'counter', 's', 'Total time in seconds no process could make progress due to IO congestion.'),
};

const NODE_BY: Readonly<Record<string, MetricDefinition>> = {
  'cpu some': NODE.cpuWaiting,
  'cpu full': NODE.cpuStalled,
  'memory some': NODE.memoryWaiting,
  'memory full': NODE.memoryStalled,
  'io some': NODE.ioWaiting,
  'io full': NODE.ioStalled,
};

/** `some avg10=0.00 avg60=0.00 avg300=0.00 total=1234` → kind → total stall in seconds. */
export function parsePressure(text: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const line of completeLines(text)) {
    const parts = fields(line);
    const kind = parts[0];
    const total = parts.find((part) => part.startsWith('total='));
    if ((kind !== 'some' && kind !== 'full') || total === undefined) continue;
    const micros = /^total=(\d+)$/.exec(total)?.[1];
    if (micros !== undefined) totals.set(kind, Number(micros) / 1e6);
  }
  return totals;
}

export const pressureCollector: HostCollector = {
  name: 'pressure',
  reads: '/proc/pressure/{cpu,memory,io}',
  metrics: byNaming(OTEL, NODE),
  create({ fs, config }) {
    return async () => {
      const out = new Samples();
      let read = 0;
      let lastError: unknown;
      for (const resource of RESOURCES) {
        let text: string;
        try {
          text = await fs.read(`/proc/pressure/${resource}`);
          read += 1;
        } catch (error) {
          lastError = error;
          continue;
        }
        for (const [kind, seconds] of parsePressure(text)) {
          // The kernel writes a "full" line for cpu since 5.13, always zero at the system level; node_exporter
          // exports it as cpu_stalled only when present, as here.
          if (config.names === 'otel') out.add(OTEL.time, seconds, { resource, kind });
          else {
            const definition = NODE_BY[`${resource} ${kind}`];
            if (definition) out.add(definition, seconds);
          }
        }
      }
      if (read === 0) {
        const code = errorCode(lastError);
        if (code === 'ENOENT' || code === 'EOPNOTSUPP') throw new UnsupportedError('this kernel has no pressure stall information (/proc/pressure)');
        throw lastError instanceof Error ? lastError : new Error('no /proc/pressure file could be read');
      }
      return out.output();
    };
  },
};
