/**
 * The part of the exposition that still comes from the OpenTelemetry SDK: `target_info` (the agent's
 * Resource) and the agent's own instruments (`mikrotik_agent_*`), a few dozen series. The text format is
 * the stock PrometheusSerializer's; OpenMetrics is written here with the same names and labels, since the
 * JS exporter has no OpenMetrics serializer.
 */
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import {
  escapeLabelValue,
  labelText,
  openMetricsFamilyName,
  openMetricsHeader,
  sampleName,
  valueText,
  type ExpositionFormat,
} from './format.js';

const NO_REGISTERED_METRICS = '# no registered metrics';

/** Serializes the SDK's ResourceMetrics in either format; `scopeLabels` adds `otel_scope_*` labels. */
export class SdkPartSerializer {
  private readonly _text: PrometheusSerializer;

  constructor(private readonly _scopeLabels: boolean) {
    this._text = new PrometheusSerializer(undefined, false, undefined, false, !_scopeLabels);
  }

  /**
   * The text, each line ending in a newline. `# EOF` is not included: the snapshot families follow.
   * The SDK's `# no registered metrics` placeholder is left out (the snapshot families usually follow;
   * a body with no family at all is still valid).
   */
  serialize(resourceMetrics: ResourceMetrics, format: ExpositionFormat): string {
    if (format === 'text') {
      const text = this._text.serialize(resourceMetrics);
      return text.endsWith(NO_REGISTERED_METRICS) ? text.slice(0, -NO_REGISTERED_METRICS.length) : text;
    }
    let text = openMetricsTargetInfo(resourceMetrics.resource.attributes);
    for (const { scope, metrics } of resourceMetrics.scopeMetrics) {
      const scopeLabels = this._scopeLabels
        ? labelText({ otel_scope_name: scope.name, ...(scope.version ? { otel_scope_version: scope.version } : {}) }).slice(1, -1)
        : '';
      for (const metric of metrics) text += openMetricsFamily(metric, scopeLabels);
    }
    return text;
  }
}

/** The Resource as an OpenMetrics info family `target` (sample `target_info`), as the OTel spec maps it. */
function openMetricsTargetInfo(attributes: Readonly<Record<string, unknown>>): string {
  const meta = { name: 'target_info', type: 'info', description: 'Target metadata', unit: '' } as const;
  return `${openMetricsHeader(meta)}target_info${labelText(attributes)} 1\n`;
}

function openMetricsFamily(metric: MetricData, scopeLabels: string): string {
  const counter = metric.dataPointType === DataPointType.SUM && metric.isMonotonic;
  const name = sampleName(metric.descriptor.name, counter);
  if (name === undefined) return '';
  const type =
    metric.dataPointType === DataPointType.HISTOGRAM ? 'histogram' : counter ? 'counter' : 'gauge';
  const meta = { name, type, description: metric.descriptor.description, unit: metric.descriptor.unit } as const;
  let text = '';
  if (metric.dataPointType === DataPointType.HISTOGRAM) {
    const family = openMetricsFamilyName(meta);
    for (const point of metric.dataPoints) {
      const { buckets, count, sum } = point.value;
      let cumulative = 0;
      buckets.counts.forEach((bucketCount, index) => {
        cumulative += bucketCount;
        const bound = buckets.boundaries[index];
        // The same `le` spelling as the text format, so both formats give one series.
        const le = bound === undefined || bound === Infinity ? '+Inf' : String(bound);
        const extra = [scopeLabels, `le="${escapeLabelValue(le)}"`].filter((part) => part !== '').join(',');
        text += `${family}_bucket${labelText(point.attributes, extra)} ${valueText(cumulative)}\n`;
      });
      text += `${family}_count${labelText(point.attributes, scopeLabels)} ${valueText(count)}\n`;
      if (sum !== undefined) text += `${family}_sum${labelText(point.attributes, scopeLabels)} ${valueText(sum)}\n`;
    }
  } else if (metric.dataPointType === DataPointType.SUM || metric.dataPointType === DataPointType.GAUGE) {
    for (const point of metric.dataPoints) text += `${name}${labelText(point.attributes, scopeLabels)} ${valueText(point.value)}\n`;
  } else {
    return '';
  }
  return text === '' ? '' : openMetricsHeader(meta) + text;
}

