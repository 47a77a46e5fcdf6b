/**
 * The standard OpenTelemetry variables the agent honours, for `run --help` and docs/configuration.md.
 * Names and meanings follow the OpenTelemetry SDK environment variable and OTLP exporter specifications
 * (opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/,
 * opentelemetry.io/docs/specs/otel/protocol/exporter/). A test checks every OTEL_* name the code reads is here.
 */
export const OTEL_VARIABLES: readonly { readonly names: readonly string[]; readonly sets: string }[] = [
  { names: ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'], sets: 'otlp.endpoint (the full metrics URL)' },
  { names: ['OTEL_EXPORTER_OTLP_ENDPOINT'], sets: 'otlp.endpoint (base URL; /v1/metrics is appended)' },
  { names: ['OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'], sets: 'otlp.protocol' },
  { names: ['OTEL_EXPORTER_OTLP_METRICS_HEADERS', 'OTEL_EXPORTER_OTLP_HEADERS'], sets: 'otlp.headers (k=v,k2=v2; added to the file\'s)' },
  { names: ['OTEL_EXPORTER_OTLP_METRICS_COMPRESSION', 'OTEL_EXPORTER_OTLP_COMPRESSION'], sets: 'otlp.compression' },
  { names: ['OTEL_EXPORTER_OTLP_METRICS_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT'], sets: 'otlp.timeout (milliseconds)' },
  { names: ['OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE', 'OTEL_EXPORTER_OTLP_CERTIFICATE'], sets: 'otlp.tls.ca_file' },
  { names: ['OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE', 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE'], sets: 'otlp.tls.cert_file' },
  { names: ['OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY', 'OTEL_EXPORTER_OTLP_CLIENT_KEY'], sets: 'otlp.tls.key_file' },
  { names: ['OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE'], sets: 'otlp.temporality' },
  { names: ['OTEL_METRIC_EXPORT_INTERVAL'], sets: 'otlp.interval (milliseconds)' },
  { names: ['OTEL_RESOURCE_ATTRIBUTES'], sets: 'resource attributes (k=v,k2=v2; with resource_attributes)' },
  { names: ['OTEL_SERVICE_NAME'], sets: 'the service.name resource attribute' },
];
