/** Load averages from /proc/loadavg: runnable and uninterruptible tasks over 1, 5 and 15 minutes. */
import { byNaming, completeLines, fields, metric, num, Samples, type HostCollector } from './collector.js';

const WINDOWS = ['1m', '5m', '15m'] as const;

const MINUTES: Readonly<Record<(typeof WINDOWS)[number], string>> = { '1m': 'one minute', '5m': 'five minutes', '15m': 'fifteen minutes' };
const OTEL = WINDOWS.map((window) =>
  metric(`system.cpu.load_average.${window}`, 'gauge', '{thread}', `Load average (runnable and uninterruptible tasks) over ${MINUTES[window]}.`),
);
const NODE = (['1', '5', '15'] as const).map((minutes) => metric(`node_load${minutes}`, 'gauge', '', `${minutes}m load average.`));

export const loadCollector: HostCollector = {
  name: 'load',
  reads: '/proc/loadavg',
  metrics: byNaming(OTEL, NODE),
  create({ fs, config }) {
    const definitions = config.names === 'otel' ? OTEL : NODE;
    return async () => {
      const parts = fields(completeLines(await fs.read('/proc/loadavg'))[0] ?? '');
      const out = new Samples();
      definitions.forEach((definition, index) => out.add(definition, num(parts[index])));
      return out.output();
    };
  },
};
