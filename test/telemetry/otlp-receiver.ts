/** A local OTLP/HTTP receiver for tests: records every request, answers with a configurable status. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** Body after gunzip when the request was gzipped. */
  readonly body: Buffer;
}

export class OtlpReceiver {
  readonly requests: ReceivedRequest[] = [];
  status = 200;
  private readonly _server: Server;

  constructor() {
    this._server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        res.statusCode = this.status;
        res.setHeader('content-type', req.headers['content-type'] ?? 'application/json');
        res.end(this.status === 200 && req.headers['content-type'] === 'application/json' ? '{}' : '');
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this._server.listen(0, '127.0.0.1', resolve));
    const { port } = this._server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    this._server.closeAllConnections();
    await new Promise<void>((resolve) => this._server.close(() => resolve()));
  }

  /** JSON bodies of requests (http/json exporter). */
  json(): OtlpJsonRequest[] {
    return this.requests.map((request) => JSON.parse(request.body.toString('utf8')) as OtlpJsonRequest);
  }
}

/** Just enough of the OTLP/JSON shape for assertions. */
export interface OtlpJsonRequest {
  resourceMetrics: {
    resource: { attributes: OtlpKeyValue[] };
    scopeMetrics: {
      scope: { name: string; version?: string };
      metrics: OtlpJsonMetric[];
    }[];
  }[];
}

export interface OtlpKeyValue {
  key: string;
  value: { stringValue?: string; intValue?: number | string; doubleValue?: number };
}

export interface OtlpJsonPoint {
  attributes: OtlpKeyValue[];
  startTimeUnixNano: string | number;
  timeUnixNano: string | number;
  asDouble?: number;
  asInt?: number | string;
  count?: number | string;
}

export interface OtlpJsonMetric {
  name: string;
  unit?: string;
  description?: string;
  gauge?: { dataPoints: OtlpJsonPoint[] };
  sum?: { dataPoints: OtlpJsonPoint[]; aggregationTemporality: number; isMonotonic: boolean };
  histogram?: { dataPoints: OtlpJsonPoint[]; aggregationTemporality: number };
}

/** Every metric of a request by name (all scopes). */
export function metricsByName(request: OtlpJsonRequest): Map<string, OtlpJsonMetric> {
  const byName = new Map<string, OtlpJsonMetric>();
  for (const resource of request.resourceMetrics) {
    for (const scope of resource.scopeMetrics) {
      for (const metric of scope.metrics) byName.set(metric.name, metric);
    }
  }
  return byName;
}

export function attribute(attributes: readonly OtlpKeyValue[], key: string): string | undefined {
  return attributes.find((entry) => entry.key === key)?.value.stringValue;
}
