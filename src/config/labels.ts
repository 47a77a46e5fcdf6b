/**
 * Target label keys (a source's `labels:` blocks). A label becomes an attribute on every series of
 * its target, and Prometheus sees it under a sanitised name: `site.name` and `site_name` are both
 * `site_name` there. Two labels with one Prometheus name, or a label named like an attribute the
 * agent or a source's metrics already set, make a series carry a label twice, which fails the whole
 * scrape ("duplicate label names"), or silently overwrite each other on some series. So such keys
 * are config problems, judged by their Prometheus name.
 */
import { targetMetricList, targetMetrics } from '../engine/target-metrics.js';
import { type MetricDefinition, prometheusLabelName } from '../engine/metric.js';
import { joinPath, type Problems } from './errors.js';

const LABEL_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/;

/** Labels Prometheus puts on every scraped series itself (`honor_labels: false` would rename ours). */
const TARGET_LABELS = ['job', 'instance'];

/** Prefix of the instrumentation-scope labels the Prometheus exporter adds to every series. */
const SCOPE_PREFIX = 'otel_scope_';

export { prometheusLabelName };

/** Only the character replacement, as OTLP consumers (Prometheus, VictoriaMetrics) apply it. */
function underscored(key: string): string {
  return key.replace(/[^A-Za-z0-9_]/g, '_');
}

/** Who sets the labels of a target's series besides its own labels. */
export interface LabelOwners {
  /** The target's identity attributes, set by the agent. */
  readonly identity: readonly string[];
  /** Metrics with a phrase naming who emits them (the problem reads `is a label of <owner>`): their attributes are taken. */
  readonly owners: readonly { readonly owner: string; readonly metrics: readonly Pick<MetricDefinition, 'name' | 'attributes'>[] }[];
}

/**
 * Prometheus label names that a target's series carry besides its labels, each with who sets it:
 * the identity attributes, the engine's per-target ones, and every attribute the owners' metrics declare.
 */
export function reservedLabelNames(labels: LabelOwners): ReadonlyMap<string, string> {
  const reserved = new Map<string, string>(labels.identity.map((name) => [name, 'is set by the agent']));
  const claim = (attribute: string, owner: string): void => {
    const name = prometheusLabelName(attribute);
    if (!reserved.has(name)) reserved.set(name, owner);
  };
  // The engine's per-target metrics carry the same attributes whatever the source.
  for (const metric of targetMetricList(targetMetrics('target', 'target'))) {
    for (const attribute of metric.attributes) claim(attribute, 'is set by the agent on every collection metric');
  }
  for (const { owner, metrics } of labels.owners) {
    for (const metric of metrics) {
      for (const attribute of metric.attributes) claim(attribute, `is a label of ${owner}`);
    }
  }
  for (const name of TARGET_LABELS) claim(name, 'is set by Prometheus on every scraped series');
  return reserved;
}

/** Checks label keys against the syntax and the reserved names; see {@link checkLabelCollisions} for pairs. */
export class LabelRules {
  private readonly _reserved: ReadonlyMap<string, string>;

  constructor(labels: LabelOwners) {
    this._reserved = reservedLabelNames(labels);
  }

  /** The problem with one label key on its own, if any. */
  keyProblem(key: string): string | undefined {
    if (!LABEL_KEY.test(key)) return 'label names must match [A-Za-z_][A-Za-z0-9_.-]* (at most 100 characters)';
    const name = prometheusLabelName(key);
    const shown = name === key ? `"${key}"` : `"${key}" (Prometheus label ${name})`;
    const owner = this._reserved.get(name);
    if (owner !== undefined) return `${shown} ${owner} and cannot be a label`;
    if (underscored(key).startsWith('__')) return `${shown}: names starting with __ are reserved by Prometheus`;
    if (name.startsWith(SCOPE_PREFIX)) {
      return `${shown}: the Prometheus exporter sets ${SCOPE_PREFIX}* on every series; it cannot be a label`;
    }
    return undefined;
  }
}

/** One `labels:` block with the key path it came from. */
export interface LabelBlock {
  readonly path: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Reports label keys that end up on the same series with the same Prometheus name. `blocks` are
 * merged in order (a target's labels over the defaults' ones): the same key in a later block
 * replaces the earlier value and is fine; a different key with the same Prometheus name is a
 * problem at the later key's path.
 */
export function checkLabelCollisions(blocks: readonly LabelBlock[], problems: Problems): void {
  const owners = new Map<string, { key: string; path: string }>();
  for (const block of blocks) {
    for (const key of Object.keys(block.labels)) {
      const name = prometheusLabelName(key);
      const path = joinPath(block.path, key);
      const owner = owners.get(name);
      if (owner === undefined) {
        owners.set(name, { key, path });
      } else if (owner.key === key) {
        owners.set(name, { key, path });
      } else {
        problems.add(path, `collides with ${owner.path}: both become the Prometheus label ${name}`);
      }
    }
  }
}
