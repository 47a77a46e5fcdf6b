/**
 * A minimal reader of OTLP/protobuf `ExportMetricsServiceRequest` bodies (the agent's default OTLP
 * protocol): walks resource → scope → metric → data point and hands out each point's metric name,
 * time and string attributes, skipping everything else. No protobuf library is installed, and the
 * soak needs only this walk, cheaply, on the agent's own event loop.
 *
 * Field numbers from opentelemetry-proto `metrics/v1/metrics.proto` and `common/v1/common.proto`.
 */

/** One data point as the walk sees it. */
export interface ProtoPoint {
  /** Collection time in ms since the epoch (0 when absent). */
  readonly timeMillis: number;
  /** Attribute value for `key` when it is a string. */
  attribute(key: string): string | undefined;
  /** `as_double` or `as_int` of a number point; undefined for histograms. */
  readonly value: number | undefined;
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

/** A cursor over one length-delimited message. */
class Reader {
  position: number;

  constructor(
    readonly buffer: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.position = start;
  }

  get done(): boolean {
    return this.position >= this.end;
  }

  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.position >= this.end) throw new Error('otlp protobuf: truncated varint');
      const byte = this.buffer[this.position++]!;
      // Multiplication instead of << keeps values above 2^31 (lengths never get there; tags neither).
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new Error('otlp protobuf: varint too long');
    }
  }

  /** Reads a tag; returns field number and wire type. */
  tag(): { field: number; wire: number } {
    const tag = this.varint();
    return { field: Math.floor(tag / 8), wire: tag & 7 };
  }

  /** Start and end of a length-delimited field's payload; moves past it. */
  bytes(): { start: number; end: number } {
    const length = this.varint();
    const start = this.position;
    const end = start + length;
    if (end > this.end) throw new Error('otlp protobuf: field runs past its message');
    this.position = end;
    return { start, end };
  }

  fixed64Millis(): number {
    if (this.position + 8 > this.end) throw new Error('otlp protobuf: truncated fixed64');
    const nanos = this.buffer.readBigUInt64LE(this.position);
    this.position += 8;
    return Number(nanos / 1_000_000n);
  }

  double(): number {
    if (this.position + 8 > this.end) throw new Error('otlp protobuf: truncated double');
    const value = this.buffer.readDoubleLE(this.position);
    this.position += 8;
    return value;
  }

  int64(): number {
    if (this.position + 8 > this.end) throw new Error('otlp protobuf: truncated sfixed64');
    const value = this.buffer.readBigInt64LE(this.position);
    this.position += 8;
    return Number(value);
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.position += 8;
        return;
      case WIRE_BYTES:
        this.bytes();
        return;
      case WIRE_FIXED32:
        this.position += 4;
        return;
      default:
        throw new Error(`otlp protobuf: unsupported wire type ${wire}`);
    }
  }
}

/** Calls `visit(metricName, point)` for every number and histogram data point of the request. */
export function forEachProtoPoint(body: Buffer, visit: (metric: string, point: ProtoPoint) => void): void {
  // ExportMetricsServiceRequest.resource_metrics = 1
  eachMessage(new Reader(body, 0, body.length), 1, (resource) => {
    // ResourceMetrics.scope_metrics = 2
    eachMessage(resource, 2, (scope) => {
      // ScopeMetrics.metrics = 2
      eachMessage(scope, 2, (metric) => readMetric(metric, visit));
    });
  });
}

function eachMessage(reader: Reader, field: number, visit: (child: Reader) => void): void {
  while (!reader.done) {
    const tag = reader.tag();
    if (tag.field === field && tag.wire === WIRE_BYTES) {
      const { start, end } = reader.bytes();
      visit(new Reader(reader.buffer, start, end));
    } else {
      reader.skip(tag.wire);
    }
  }
}

/** Metric: name = 1; gauge = 5, sum = 7, histogram = 9 (each with data_points = 1). */
function readMetric(reader: Reader, visit: (metric: string, point: ProtoPoint) => void): void {
  let name = '';
  const data: { start: number; end: number; histogram: boolean }[] = [];
  while (!reader.done) {
    const tag = reader.tag();
    if (tag.wire !== WIRE_BYTES) {
      reader.skip(tag.wire);
      continue;
    }
    const range = reader.bytes();
    if (tag.field === 1) name = reader.buffer.toString('utf8', range.start, range.end);
    else if (tag.field === 5 || tag.field === 7 || tag.field === 9) data.push({ ...range, histogram: tag.field === 9 });
  }
  for (const { start, end, histogram } of data) {
    eachMessage(new Reader(reader.buffer, start, end), 1, (point) => visit(name, readPoint(point, histogram)));
  }
}

/**
 * NumberDataPoint: attributes = 7, time_unix_nano = 3 (fixed64), as_double = 4 (double), as_int = 6
 * (sfixed64). HistogramDataPoint: attributes = 9, time_unix_nano = 3 (fixed64).
 */
function readPoint(reader: Reader, histogram: boolean): ProtoPoint {
  const attributesField = histogram ? 9 : 7;
  let timeMillis = 0;
  let value: number | undefined;
  const attributes: { start: number; end: number }[] = [];
  while (!reader.done) {
    const tag = reader.tag();
    if (tag.field === 3 && tag.wire === WIRE_FIXED64) timeMillis = reader.fixed64Millis();
    else if (tag.field === attributesField && tag.wire === WIRE_BYTES) attributes.push(reader.bytes());
    else if (!histogram && tag.field === 4 && tag.wire === WIRE_FIXED64) value = reader.double();
    else if (!histogram && tag.field === 6 && tag.wire === WIRE_FIXED64) value = reader.int64();
    else reader.skip(tag.wire);
  }
  const buffer = reader.buffer;
  return {
    timeMillis,
    value,
    attribute(key: string): string | undefined {
      for (const range of attributes) {
        const value = readStringAttribute(buffer, range.start, range.end, key);
        if (value !== undefined) return value;
      }
      return undefined;
    },
  };
}

/** KeyValue: key = 1, value = 2 (AnyValue: string_value = 1). The value when the key matches. */
function readStringAttribute(buffer: Buffer, start: number, end: number, key: string): string | undefined {
  const reader = new Reader(buffer, start, end);
  let matches = false;
  let value: { start: number; end: number } | undefined;
  while (!reader.done) {
    const tag = reader.tag();
    if (tag.field === 1 && tag.wire === WIRE_BYTES) {
      const range = reader.bytes();
      // Compare bytes before decoding: most attributes are not the one asked for.
      matches = range.end - range.start === key.length && buffer.toString('latin1', range.start, range.end) === key;
    } else if (tag.field === 2 && tag.wire === WIRE_BYTES) {
      value = reader.bytes();
    } else {
      reader.skip(tag.wire);
    }
  }
  if (!matches || value === undefined) return undefined;
  const any = new Reader(buffer, value.start, value.end);
  while (!any.done) {
    const tag = any.tag();
    if (tag.field === 1 && tag.wire === WIRE_BYTES) {
      const range = any.bytes();
      return buffer.toString('utf8', range.start, range.end);
    }
    any.skip(tag.wire);
  }
  return undefined;
}
