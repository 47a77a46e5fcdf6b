/**
 * The benchmarks' prom-client anchor: the very series the agent serves, registered in a prom-client
 * registry (one Gauge or Counter per family, every sample set), so `registry.metrics()` renders what
 * the agent's `/metrics` renders.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { forEachTargetSeries } from '../../src/engine/series.js';
import type { SnapshotSource } from '../../src/engine/snapshot.js';
import { sampleName, sanitizeName } from '../../src/exposition/format.js';

/** The same series in a prom-client registry: one Gauge or Counter per family, every sample set. */
export function promClientRegistry(source: SnapshotSource): Registry {
  const registry = new Registry();
  const families = new Map<string, { counter: boolean; help: string; labels: Set<string>; samples: [Record<string, string>, number][] }>();
  for (const snapshot of source.snapshots()) {
    forEachTargetSeries(snapshot, (definition, attributes, value) => {
      const name = sampleName(definition.name, definition.kind === 'counter');
      if (name === undefined) return;
      let family = families.get(name);
      if (family === undefined) {
        family = { counter: definition.kind === 'counter', help: definition.description, labels: new Set(), samples: [] };
        families.set(name, family);
      }
      const labels: Record<string, string> = {};
      for (const [key, labelValue] of Object.entries(attributes)) {
        labels[sanitizeName(key)] = labelValue;
        family.labels.add(sanitizeName(key));
      }
      family.samples.push([labels, value]);
    });
  }
  for (const [name, family] of families) {
    const options = { name, help: family.help, labelNames: [...family.labels], registers: [registry] };
    if (family.counter) {
      const counter = new Counter(options);
      for (const [labels, value] of family.samples) if (Number.isFinite(value) && value >= 0) counter.inc(labels, value);
    } else {
      const gauge = new Gauge(options);
      for (const [labels, value] of family.samples) gauge.set(labels, value);
    }
  }
  return registry;
}

