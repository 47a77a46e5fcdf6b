/**
 * One host collector per metric family. A collector declares its metrics for both namings and makes
 * a run function per target, which keeps whatever state the family needs between its own samples
 * (the previous CPU times, for utilisation). A file the whole family depends on failing fails the
 * run; a file that holds one value (a sensor, a mount, one pressure resource) loses only that value.
 */
import type { CollectOutput, MetricDefinition, MetricKind, Sample } from '../../../engine/metric.js';
import type { RunContext } from '../../../engine/target-poller.js';
import type { HostCollectorName, HostConfig, NamingMode } from '../config.js';
import type { HostFs } from '../fs.js';

/** What a collector's run function is built with. */
export interface HostCollectorContext {
  readonly fs: HostFs;
  readonly config: HostConfig;
}

export type HostRun = (run: RunContext) => Promise<CollectOutput>;

export interface HostCollector {
  readonly name: HostCollectorName;
  /** One line for the docs: what it reads. */
  readonly reads: string;
  /** Every metric it emits under a naming. */
  metrics(names: NamingMode): readonly MetricDefinition[];
  /** A run function for one target, with its own state. */
  create(context: HostCollectorContext): HostRun;
}

type Definitions = Readonly<Record<string, MetricDefinition>> | readonly MetricDefinition[];

/** The `metrics` of a collector with one set of definitions per naming. */
export function byNaming(otel: Definitions, nodeExporter: Definitions): (names: NamingMode) => readonly MetricDefinition[] {
  const lists: Readonly<Record<NamingMode, readonly MetricDefinition[]>> = { otel: Object.values(otel), node_exporter: Object.values(nodeExporter) };
  return (names) => lists[names];
}

/** A frozen metric definition. */
export function metric(
  name: string,
  kind: MetricKind,
  unit: string,
  description: string,
  attributes: readonly string[] = [],
  extra: Pick<MetricDefinition, 'role'> = {},
): MetricDefinition {
  return Object.freeze({ name, kind, unit, description, attributes: Object.freeze([...attributes]), ...extra });
}

/** Collects samples; non-finite values (a garbled field) are left out rather than exported as NaN. */
export class Samples {
  readonly samples: Sample[] = [];

  add(definition: MetricDefinition, value: number, attributes: Record<string, string> = {}): void {
    if (Number.isFinite(value)) this.samples.push({ metric: definition, attributes, value });
  }

  output(): CollectOutput {
    return { samples: this.samples };
  }
}

/**
 * The complete lines of a kernel file. procfs and sysfs end every line with a newline, so text after
 * the last one is a cut-off line (a short read, a file truncated in a copy): it is dropped rather
 * than read as a smaller number.
 */
export function completeLines(text: string): string[] {
  const lines = text.split('\n');
  lines.pop();
  return lines;
}

/** Whitespace-separated fields of a line, without empty ones. */
export function fields(line: string): string[] {
  return line.trim().split(/\s+/).filter((field) => field !== '');
}

/** A decimal field as a number; NaN for anything else (a truncated or garbled field). */
export function num(text: string | undefined): number {
  if (text === undefined || !/^-?\d+(\.\d+)?$/.test(text)) return Number.NaN;
  return Number(text);
}

/** An error the failure policy reads as "the host lacks this feature" (collector unsupported). */
export class UnsupportedError extends Error {
  override name = 'UnsupportedError';
}
