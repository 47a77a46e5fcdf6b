/**
 * CPU time per CPU and mode from /proc/stat (in USER_HZ ticks, 100 per second on every architecture
 * Linux exports to user space), utilisation between this collector's own samples (never between
 * scrapes, so any number of scrapers see the same value), and the kernel's context-switch, interrupt
 * and fork counters and (node_exporter names) running and blocked task counts from the same file.
 */
import { byNaming, completeLines, fields, metric, num, Samples, type HostCollector } from './collector.js';

/** USER_HZ: the unit of /proc/stat's times (proc(5)); node_exporter assumes the same. */
export const USER_HZ = 100;

/** The /proc/stat columns after the CPU name, in order, with both namings' mode names. */
const MODES = [
  { node: 'user', otel: 'user' },
  { node: 'nice', otel: 'nice' },
  { node: 'system', otel: 'system' },
  { node: 'idle', otel: 'idle' },
  { node: 'iowait', otel: 'wait' },
  { node: 'irq', otel: 'interrupt' },
  { node: 'softirq', otel: 'softirq' },
  { node: 'steal', otel: 'steal' },
] as const;

const OTEL = {
  time: metric('system.cpu.time', 'counter', 's', 'Seconds each logical CPU spent in each state.', ['cpu', 'state']),
  utilization: metric(
    'system.cpu.utilization',
    'gauge',
    '1',
    "Share of each logical CPU's time spent in each state between the collector's last two samples.",
    ['cpu', 'state'],
  ),
  created: metric('system.processes.created', 'counter', '{process}', 'Processes and threads created since boot.'),
};

const NODE = {
  seconds: metric('node_cpu_seconds_total', 'counter', 's', 'Seconds the CPUs spent in each mode.', ['cpu', 'mode']),
  guest: metric('node_cpu_guest_seconds_total', 'counter', 's', 'Seconds the CPUs spent in guests (VMs) for each mode.', ['cpu', 'mode']),
  contextSwitches: metric('node_context_switches_total', 'counter', '', 'Total number of context switches.'),
  interrupts: metric('node_intr_total', 'counter', '', 'Total number of interrupts serviced.'),
  forks: metric('node_forks_total', 'counter', '', 'Total number of forks.'),
  running: metric('node_procs_running', 'gauge', '', 'Number of processes in runnable state.'),
  blocked: metric('node_procs_blocked', 'gauge', '', 'Number of processes blocked waiting for I/O to complete.'),
};

/** One CPU line of /proc/stat: its number and its times in seconds per column. */
interface CpuTimes {
  readonly cpu: string;
  readonly seconds: readonly number[];
}

/** The per-CPU lines (`cpu0 …`) and the scalar lines (`ctxt`, `intr`, `processes`) of /proc/stat. */
export function parseStat(text: string): { cpus: CpuTimes[]; scalars: Map<string, number> } {
  const cpus: CpuTimes[] = [];
  const scalars = new Map<string, number>();
  for (const line of completeLines(text)) {
    const parts = fields(line);
    const key = parts[0];
    if (key === undefined) continue;
    const match = /^cpu(\d+)$/.exec(key);
    if (match) {
      // Kernels before 2.6.11 have fewer columns; a truncated line may too: keep what is whole.
      const seconds = parts.slice(1, 11).map((field) => num(field) / USER_HZ);
      if (seconds.length >= 4 && seconds.slice(0, 4).every(Number.isFinite)) cpus.push({ cpu: match[1] ?? '', seconds });
    } else if (key !== 'cpu' && parts[1] !== undefined) {
      scalars.set(key, num(parts[1]));
    }
  }
  return { cpus, scalars };
}

export const cpuCollector: HostCollector = {
  name: 'cpu',
  reads: '/proc/stat',
  metrics: byNaming(OTEL, NODE),
  create({ fs, config }) {
    let previous = new Map<string, readonly number[]>();
    return async () => {
      const { cpus, scalars } = parseStat(await fs.read('/proc/stat'));
      const out = new Samples();
      const current = new Map<string, readonly number[]>();
      for (const { cpu, seconds } of cpus) {
        current.set(cpu, seconds);
        MODES.forEach((mode, index) => {
          const value = seconds[index];
          if (value === undefined) return;
          if (config.names === 'otel') out.add(OTEL.time, value, { cpu: `cpu${cpu}`, state: mode.otel });
          else out.add(NODE.seconds, value, { cpu, mode: mode.node });
        });
        if (config.names === 'node_exporter') {
          out.add(NODE.guest, seconds[8] ?? Number.NaN, { cpu, mode: 'user' });
          out.add(NODE.guest, seconds[9] ?? Number.NaN, { cpu, mode: 'nice' });
        } else {
          utilization(out, cpu, seconds, previous.get(cpu));
        }
      }
      previous = current;
      if (config.names === 'otel') {
        out.add(OTEL.created, scalars.get('processes') ?? Number.NaN);
      } else {
        out.add(NODE.contextSwitches, scalars.get('ctxt') ?? Number.NaN);
        out.add(NODE.interrupts, scalars.get('intr') ?? Number.NaN);
        out.add(NODE.forks, scalars.get('processes') ?? Number.NaN);
        // Tasks, threads included (kernel 2.5.45+): the "Processes" panel of node_exporter dashboards. Not with
        // OTel names: hostmetrics calls it system.processes.count, a gauge whose _count suffix Prometheus reserves
        // for histograms and summaries.
        out.add(NODE.running, scalars.get('procs_running') ?? Number.NaN);
        out.add(NODE.blocked, scalars.get('procs_blocked') ?? Number.NaN);
      }
      return out.output();
    };
  },
};

/**
 * Each state's share of the time that passed on one CPU since the previous sample. Nothing on the
 * first sample, nor when the counters went back (a CPU taken offline and back resets them).
 */
function utilization(out: Samples, cpu: string, seconds: readonly number[], before: readonly number[] | undefined): void {
  if (before === undefined) return;
  const deltas = MODES.map((_, index) => (seconds[index] ?? 0) - (before[index] ?? 0));
  if (deltas.some((delta) => delta < 0)) return;
  const total = deltas.reduce((sum, delta) => sum + delta, 0);
  if (total <= 0) return;
  MODES.forEach((mode, index) => out.add(OTEL.utilization, (deltas[index] ?? 0) / total, { cpu: `cpu${cpu}`, state: mode.otel }));
}
