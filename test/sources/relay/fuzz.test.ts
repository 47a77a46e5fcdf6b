/**
 * Bounded fuzz of the three receivers (TCP, Unix socket, Pushgateway over the agent's HTTP server):
 * whatever arrives, each push gets one well-formed answer, nothing crashes, and a rejected push leaves
 * what the relay holds unchanged.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, startAgent } from '../../../src/agent.js';
import { encodeMessage } from '../../../src/sources/relay/capnp.js';
import { RelaySource } from '../../../src/sources/relay/source.js';
import { agentConfig } from '../../reliability/helpers/harness.js';
import { captureLogger } from '../routeros/poller/helpers/engine-fixtures.js';
import { push, relayConfig, seriesLines } from './helpers.js';

let agent: Agent;
let relay: RelaySource;
let dir = '';
let tcp = { host: '', port: 0 };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relay-fuzz-'));
  const config = agentConfig({
    sections: { relay: relayConfig({ pushgateway: true, receiver: { max_push_bytes: '16KiB', max_series_per_app: 50 } }, dir) },
  });
  agent = await startAgent(config, captureLogger().logger);
  relay = agent.engine.sources.find((source): source is RelaySource => source instanceof RelaySource)!;
  const [host = '', port = ''] = relay.addresses.tcp!.split(':');
  tcp = { host, port: Number(port) };
});

afterAll(async () => {
  await agent?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

/** Exposition-like text: valid lines, broken lines and junk mixed. */
const line = fc.oneof(
  fc.constantFrom('# TYPE f counter', '# TYPE f gauge', '# HELP f help \\n', 'f 1', 'f{a="b"} 2', 'g_total 3 1395066363000', '# EOF', ''),
  fc.constantFrom('# TYPE h histogram', 'h_bucket{le="1"} 2', 'h_bucket{le="+Inf"} 1', 'h_count 3', 'h_sum -1', '# TYPE s summary', 's{quantile="0.5"} 1', 's_count 2'),
  fc.string({ maxLength: 40 }),
  fc.tuple(fc.stringMatching(/^[a-z_]{1,8}$/), fc.double()).map(([name, value]) => `${name} ${value}`),
);
const text = fc.array(line, { maxLength: 12 }).map((lines) => lines.join('\n'));
const app = fc.oneof(fc.constantFrom('a', 'b', 'token'), fc.string({ minLength: 0, maxLength: 12 }));

const payload = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
  fc.dictionary(app, fc.oneof(text, fc.array(text, { maxLength: 3 }), fc.integer())).map((object) => Buffer.from(JSON.stringify(object))),
  fc.tuple(app, text).map(([appName, data]) => encodeMessage({ appName, data })),
  fc.tuple(app, text, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([appName, data, at, byte]) => {
    const bytes = Buffer.from(encodeMessage({ appName, data }));
    bytes[at % bytes.length] = byte;
    return bytes;
  }),
);

function put(method: string, path: string, body: Buffer, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: agent.address.host, port: agent.address.port, method, path, agent: false, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('relay receivers under fuzz', () => {
  it('answers every socket push with one JSON line and loses nothing on rejection', async () => {
    await fc.assert(
      fc.asyncProperty(payload, fc.boolean(), async (bytes, useUnix) => {
        const before = seriesLines(relay);
        const answer = await push(useUnix ? relay.addresses.unix! : tcp, bytes);
        expect(answer.endsWith('\n')).toBe(true);
        const ack = JSON.parse(answer) as { ok: boolean; error?: string };
        if (!ack.ok) {
          expect(typeof ack.error).toBe('string');
          expect(seriesLines(relay)).toEqual(before);
        }
      }),
      { numRuns: 150 },
    );
  }, 60_000);

  it('answers every Pushgateway request with 200, 202, 400 or 404 and stays up', async () => {
    const path = fc.oneof(
      fc.constantFrom('/metrics/job/x', '/metrics/job/x/instance/y', '/metrics/job/', '/metrics/job/x/a', '/metrics/job/x/le@base64/_-_'),
      fc.stringMatching(/^\/metrics\/job\/[a-zA-Z0-9%@/_.-]{0,30}$/),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('PUT', 'POST', 'DELETE'), path, text, async (method, target, body) => {
        const status = await put(method, target, Buffer.from(body));
        expect([200, 202, 400, 404]).toContain(status);
      }),
      { numRuns: 150 },
    );
    expect(await put('PUT', '/metrics/job/after', Buffer.from('still_up 1\n'))).toBe(200);
    // Whatever was accepted on the way still renders: the scrape works.
    expect(await put('GET', '/metrics', Buffer.alloc(0))).toBe(200);
  }, 60_000);

  it('answers every protobuf Pushgateway push with 200 or 400, and a 400 changes nothing', async () => {
    // The first three messages Prometheus 2.53.3 wrote (a summary, a histogram, a gauge): within max_series_per_app.
    const fixture = readFileSync(new URL('../../fixtures/relay/prometheus-2.53.3-metrics.pb', import.meta.url));
    const base = fixture.subarray(0, messageEnd(fixture, 3));
    const headers = { 'content-type': 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited' };
    expect(await put('PUT', '/metrics/job/pb', base, headers)).toBe(200);
    const mangled = fc.oneof(
      fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
        const copy = Buffer.from(base);
        copy[at] = byte;
        return copy;
      }),
      fc.nat(base.length).map((end) => base.subarray(0, end)),
      fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('PUT', 'POST'), mangled, async (method, body) => {
        const before = seriesLines(relay);
        const status = await put(method, '/metrics/job/pb', body, headers);
        expect([200, 400]).toContain(status);
        if (status === 400) expect(seriesLines(relay)).toEqual(before);
      }),
      { numRuns: 150 },
    );
    expect(await put('GET', '/metrics', Buffer.alloc(0))).toBe(200);
  }, 60_000);
});

/** Where the `count`th length-delimited message of `bytes` ends (varint length prefixes). */
function messageEnd(bytes: Buffer, count: number): number {
  let at = 0;
  for (let index = 0; index < count; index += 1) {
    let length = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++]!;
      length += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) break;
    }
    at += length;
  }
  return at;
}
