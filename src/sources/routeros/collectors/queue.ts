/**
 * `queue`: traffic, drops and backlog of simple queues and queue tree entries. Series are keyed by
 * `type` (simple or tree) and queue `name`: names are unique per type, RouterOS refers to queues
 * by name (`parent=`), and the dynamic queue of a PPP subscriber (`<pppoe-alice>`) keeps its name
 * across reconnects while its `.id` changes. Simple queues report upload and download separately
 * (RouterOS sends `upload/download` pairs); a tree entry has one direction, reported as `total`.
 * Backlog (`queued-*`) is an instantaneous gauge, not a counter (a defect in akpw/mktxp).
 */
import type { Row } from '../client/api.js';
import { parsePair } from '../client/values.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, MetricDefinition, Sample } from './collector.js';
import { capSeriesGroups } from './support/cap.js';
import { counter, gauge, info } from './support/define.js';
import { printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { CollectorOptionError, readCount, readStringList } from './support/options.js';
import { readCounter, readText } from './support/rows.js';
import { SampleList } from './support/samples.js';
import { filterOptions, maxSeriesOption } from './support/option-specs.js';

const QUEUE_KEY = ['type', 'name', 'direction'] as const;

export const QUEUE_BYTES = counter('routeros.queue.bytes', 'By', 'Bytes that passed through the queue.', QUEUE_KEY);
export const QUEUE_PACKETS = counter('routeros.queue.packets', '{packet}', 'Packets that passed through the queue.', QUEUE_KEY);
export const QUEUE_DROPPED_PACKETS = counter(
  'routeros.queue.dropped.packets',
  '{packet}',
  'Packets the queue dropped.',
  QUEUE_KEY,
);
export const QUEUE_QUEUED_BYTES = gauge('routeros.queue.queued.bytes', 'By', 'Bytes waiting in the queue.', QUEUE_KEY);
export const QUEUE_QUEUED_PACKETS = gauge(
  'routeros.queue.queued.packets',
  '{packet}',
  'Packets waiting in the queue.',
  QUEUE_KEY,
);
export const QUEUE_INFO = info(
  'routeros.queue.info',
  'Queue facts: parent, target (simple queues) and comment; always 1.',
  ['type', 'name', 'parent', 'target', 'comment'],
);

export const QUEUE_TYPES = ['simple', 'tree'] as const;
export type QueueType = (typeof QUEUE_TYPES)[number];

/** Metric → RouterOS property; simple queues send each as an `upload/download` pair. */
const VALUES: readonly (readonly [MetricDefinition, string])[] = [
  [QUEUE_BYTES, 'bytes'],
  [QUEUE_PACKETS, 'packets'],
  [QUEUE_DROPPED_PACKETS, 'dropped'],
  [QUEUE_QUEUED_BYTES, 'queued-bytes'],
  [QUEUE_QUEUED_PACKETS, 'queued-packets'],
];

/** `/queue/simple` or `/queue/tree`. */
export function queuePath(type: QueueType): string {
  return `/queue/${type}`;
}

export const QUEUE_PROPLIST: Readonly<Record<QueueType, readonly string[]>> = {
  simple: ['name', 'parent', 'target', 'comment', ...VALUES.map(([, property]) => property)],
  tree: ['name', 'parent', 'comment', ...VALUES.map(([, property]) => property)],
};

/** Queues per router before the cap drops the rest (simple and tree together). */
export const QUEUE_DEFAULT_MAX = 1000;

/** Settings from `collectors.queue.*`. */
export interface QueueSettings {
  /** `types`: `simple`, `tree` or both (default). One print each. */
  readonly types: readonly QueueType[];
  /** `include` / `exclude`: regular expressions over the queue name. */
  readonly names: NameFilter;
  /** `max_series`: queues kept per router (default 1000); the series of the others count as dropped. */
  readonly maxQueues: number | undefined;
}

/** Reads the options; a bad value throws CollectorOptionError naming the key. */
export function queueSettings(options: CollectorOptions): QueueSettings {
  const types = readStringList(options, 'types');
  for (const type of types) {
    if (!(QUEUE_TYPES as readonly string[]).includes(type)) {
      throw new CollectorOptionError(`types: unknown value ${JSON.stringify(type)} (expected simple, tree)`);
    }
  }
  return {
    types: QUEUE_TYPES.filter((type) => types.length === 0 || types.includes(type)),
    names: createNameFilter(options),
    maxQueues: readCount(options, 'max_series', QUEUE_DEFAULT_MAX),
  };
}

/** The rows of one queue menu. */
export interface QueueRows {
  readonly type: QueueType;
  readonly rows: readonly Row[];
}

function mapQueue(type: QueueType, name: string, row: Row): Sample[] {
  const list = new SampleList();
  list.addInfo(QUEUE_INFO, {
    type,
    name,
    parent: readText(row, 'parent'),
    target: readText(row, 'target'),
    comment: readText(row, 'comment'),
  });
  for (const [metric, property] of VALUES) {
    if (type === 'tree') {
      list.add(metric, { type, name, direction: 'total' }, readCounter(row, property));
      continue;
    }
    const pair = parsePair(row[property]);
    list.add(metric, { type, name, direction: 'upload' }, pair?.[0]);
    list.add(metric, { type, name, direction: 'download' }, pair?.[1]);
  }
  return list.samples;
}

/** Maps queue rows to samples with the name filter and the queue cap. Pure. */
export function mapQueues(menus: readonly QueueRows[], settings: QueueSettings): CollectOutput {
  const queues: Sample[][] = [];
  for (const { type, rows } of menus) {
    const seen = new Set<string>();
    for (const row of rows) {
      const name = readText(row, 'name');
      if (name === undefined || seen.has(name) || !settings.names.matches(name)) continue;
      seen.add(name);
      queues.push(mapQueue(type, name, row));
    }
  }
  return capSeriesGroups(queues, settings.maxQueues);
}

export const queueCollector: Collector = {
  name: 'queue',
  defaultEnabled: true,
  summary:
    'Simple queues (upload/download) and queue tree: bytes, packets, dropped, queued bytes and packets by type and name; options types, include/exclude (name regexes), max_series (queues, default 1000).',
  paths: QUEUE_TYPES.map(queuePath),
  metrics: [QUEUE_INFO, ...VALUES.map(([metric]) => metric)],
  options: [
    { name: 'types', description: 'Queue kinds to read: `simple`, `tree` or both (default); one print each.' },
    ...filterOptions('the queue name'),
    maxSeriesOption('queues', QUEUE_DEFAULT_MAX),
  ],
  checkOptions: queueSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = queueSettings(context.options);
    const menus = await Promise.all(
      settings.types.map(async (type) => ({
        type,
        // Disabled queues pass nothing; `disabled=true` negated also keeps rows without the flag.
        rows: await printRows(context, queuePath(type), QUEUE_PROPLIST[type], { query: ['disabled=true', '#!'] }),
      })),
    );
    return mapQueues(menus, settings);
  },
};
