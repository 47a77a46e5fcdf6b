/**
 * A local OTLP/HTTP endpoint (protobuf or JSON) for the benchmarks that can go down and come back on
 * the same port, like a Collector being restarted. Unlike test/telemetry/otlp-receiver.ts it keeps
 * no request bodies: a ten-minute soak would otherwise measure the receiver's memory, not the agent's.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { forEachProtoPoint, type ProtoPoint } from './otlp-protobuf.js';

/** One data point of an export, whichever the encoding. */
export type ExportedPoint = ProtoPoint;

/** Walks every data point of one export: `visit(metricName, point)`. */
export type PointWalk = (visit: (metric: string, point: ExportedPoint) => void) => void;

/** Just enough of the OTLP/JSON metrics request for the checks. */
export interface OtlpJsonExport {
  resourceMetrics?: {
    scopeMetrics?: {
      metrics?: OtlpJsonMetric[];
    }[];
  }[];
}

export interface OtlpJsonAttribute {
  key: string;
  value?: { stringValue?: string };
}

export interface OtlpJsonDataPoint {
  attributes?: OtlpJsonAttribute[];
  timeUnixNano?: string | number;
  asDouble?: number;
  asInt?: string | number;
}

export interface OtlpJsonMetric {
  name: string;
  gauge?: { dataPoints?: OtlpJsonDataPoint[] };
  sum?: { dataPoints?: OtlpJsonDataPoint[] };
  histogram?: { dataPoints?: OtlpJsonDataPoint[] };
}

/** Options of {@link OtlpSink}. */
export interface OtlpSinkOptions {
  /**
   * Called with a walk over each export and when it arrived (ms since the epoch); it must walk the
   * points before returning. A decoding error thrown by the walk rejects the export (400).
   */
  onExport: (points: PointWalk, receivedAtMillis: number) => void;
}

/** Counters of what the sink saw. */
export interface OtlpSinkStats {
  /** Exports answered with 200. */
  accepted: number;
  /** Requests whose body could not be read as OTLP (answered 400). */
  rejected: number;
  /** Bytes of accepted bodies (after gunzip). */
  bytes: number;
}

/** An OTLP/HTTP JSON receiver on 127.0.0.1 that can be taken down and brought back. */
export class OtlpSink {
  readonly stats: OtlpSinkStats = { accepted: 0, rejected: 0, bytes: 0 };
  private readonly _onExport: OtlpSinkOptions['onExport'];
  private _server: Server | undefined;
  private _port = 0;

  constructor(options: OtlpSinkOptions) {
    this._onExport = options.onExport;
  }

  /** The metrics URL; valid after the first {@link up}. */
  get url(): string {
    return `http://127.0.0.1:${this._port}/v1/metrics`;
  }

  get isUp(): boolean {
    return this._server !== undefined;
  }

  /** Starts listening: an ephemeral port the first time, the same port afterwards. */
  async up(): Promise<void> {
    if (this._server) return;
    const server = createServer((req, res) => this._handle(req, res));
    server.on('clientError', (_error, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this._port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', () => undefined);
    this._port = (server.address() as AddressInfo).port;
    this._server = server;
  }

  /** Stops listening and cuts open connections: exports fail with connection refused until {@link up}. */
  async down(): Promise<void> {
    const server = this._server;
    if (!server) return;
    this._server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  private _handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined);
    req.on('end', () => {
      const receivedAtMillis = Date.now();
      let size = 0;
      try {
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        size = body.length;
        const walk = (req.headers['content-type'] ?? '').includes('json') ? jsonWalk(body) : protobufWalk(body);
        // The consumer walks the body right here: one that cannot be read is rejected, not skipped.
        this._onExport(walk, receivedAtMillis);
      } catch {
        this.stats.rejected += 1;
        res.writeHead(400, { 'content-type': 'text/plain' }).end('unreadable OTLP body\n');
        return;
      }
      this.stats.accepted += 1;
      this.stats.bytes += size;
      const json = (req.headers['content-type'] ?? '').includes('json');
      // An empty ExportMetricsServiceResponse: `{}` in JSON, zero bytes in protobuf.
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
    });
  }
}

function protobufWalk(body: Buffer): PointWalk {
  return (visit) => forEachProtoPoint(body, visit);
}

function jsonWalk(body: Buffer): PointWalk {
  const parsed = JSON.parse(body.toString('utf8')) as OtlpJsonExport;
  if (typeof parsed !== 'object' || parsed === null) throw new Error('OTLP/JSON body is not an object');
  return (visit) =>
    forEachDataPoint(parsed, (metric, point) =>
      visit(metric, {
        timeMillis: point.timeUnixNano === undefined ? 0 : Number(BigInt(point.timeUnixNano) / 1_000_000n),
        attribute: (key) => stringAttribute(point, key),
        value: point.asDouble ?? (point.asInt === undefined ? undefined : Number(point.asInt)),
      }),
    );
}

/** Every data point of an export with its metric name. */
export function forEachDataPoint(body: OtlpJsonExport, visit: (metric: string, point: OtlpJsonDataPoint) => void): void {
  for (const resource of body.resourceMetrics ?? []) {
    for (const scope of resource.scopeMetrics ?? []) {
      for (const metric of scope.metrics ?? []) {
        const points = metric.gauge?.dataPoints ?? metric.sum?.dataPoints ?? metric.histogram?.dataPoints ?? [];
        for (const point of points) visit(metric.name, point);
      }
    }
  }
}

/** A string attribute of a data point. */
export function stringAttribute(point: OtlpJsonDataPoint, key: string): string | undefined {
  return point.attributes?.find((attribute) => attribute.key === key)?.value?.stringValue;
}
