/**
 * The relay inside the whole agent: pushes over its sockets and Pushgateway's HTTP API come out of
 * the agent's /metrics with one HELP/TYPE per family, an app label and deterministic order (checked
 * by the real promtool), /apps as a table and as JSON, all behind the server's auth.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { type Agent, startAgent } from '../../../src/agent.js';
import type { AgentConfig } from '../../../src/config/types.js';
import { RelaySource } from '../../../src/sources/relay/source.js';
import { promtoolCheckMetrics, unexpectedLintFindings } from '../../helpers/tools.js';
import { agentConfig } from '../../reliability/helpers/harness.js';
import { captureLogger } from '../routeros/poller/helpers/engine-fixtures.js';
import { push, relayConfig } from './helpers.js';

const TOKEN = 'scrape-bearer-token';

function relayAgentConfig(dir: string): AgentConfig {
  return agentConfig({
    server: { ...agentConfig().server, auth: { basicUsers: {}, bearerToken: TOKEN, openPaths: ['/live', '/ready'] } },
    sections: { relay: relayConfig({ pushgateway: true, receiver: { max_push_bytes: '64KiB' } }, dir) },
  });
}

function http(
  address: { host: string; port: number },
  method: string,
  path: string,
  options: { body?: Buffer | string; headers?: Record<string, string>; auth?: boolean } = {},
): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { connection: 'close', ...options.headers };
    if (options.auth !== false) headers['authorization'] = `Bearer ${TOKEN}`;
    const req = request({ host: address.host, port: address.port, method, path, agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

let agent: Agent | undefined;
let dir = '';
afterEach(async () => {
  await agent?.shutdown();
  agent = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('relay in the agent', () => {
  it('serves pushed and Pushgateway data on /metrics, /apps and the Pushgateway API behind the server auth', async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-agent-'));
    const { logger } = captureLogger();
    agent = await startAgent(relayAgentConfig(dir), logger);
    const relay = agent.engine.sources.find((source): source is RelaySource => source instanceof RelaySource)!;
    const tcp = relay.addresses.tcp!.split(':');
    const address = agent.address;

    // Two apps with the same family: one HELP/TYPE on /metrics, told apart by app.
    const family = (value: number) => `# HELP jobs_done_total Jobs done.\n# TYPE jobs_done_total counter\njobs_done_total{queue="q"} ${value}`;
    expect(await push({ host: tcp[0]!, port: Number(tcp[1]) }, JSON.stringify({ zeta: family(5) }))).toBe('{"ok":true}\n');
    expect(await push(relay.addresses.unix!, JSON.stringify({ alpha: [family(2), '# TYPE lat histogram', 'lat_bucket{le="1"} 1', 'lat_bucket{le="+Inf"} 2', 'lat_sum 1.5', 'lat_count 2', '# TYPE rpc summary', 'rpc{quantile="0.5"} 0.2', 'rpc{quantile="0.99"} 0.7', 'rpc_sum 3', 'rpc_count 9'] }))).toBe(
      '{"ok":true}\n',
    );

    // Pushgateway: unauthenticated refused; PUT, then POST replacing one family, gzip accepted.
    const group = '/metrics/job/batch/instance@base64/aG9zdC8x';
    expect((await http(address, 'PUT', group, { body: 'batch_ok 1\n', auth: false })).status).toBe(401);
    expect((await http(address, 'PUT', group, { body: '# TYPE batch_ok gauge\nbatch_ok 1\nbatch_rows 10\n' })).status).toBe(200);
    expect((await http(address, 'POST', group, { body: gzipSync('batch_ok 0\n'), headers: { 'content-encoding': 'gzip' } })).status).toBe(200);
    const bad = await http(address, 'PUT', '/metrics/job/other', { body: '# TYPE jobs_done_total gauge\njobs_done_total 1\n' });
    expect(bad).toMatchObject({ status: 400, body: 'app other: jobs_done_total is a gauge here but a counter in app alpha\n' });
    expect((await http(address, 'GET', group)).status).toBe(405);
    expect((await http(address, 'PUT', group, { body: 'x'.repeat(70_000) })).status).toBe(413);

    const metrics = await http(address, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    const lines = metrics.body.split('\n');
    expect(lines.filter((line) => line === '# TYPE jobs_done_total counter')).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith('jobs_done_total{'))).toEqual([
      expect.stringMatching(/^jobs_done_total\{app="alpha",queue="q"[,}].* 2$/),
      expect.stringMatching(/^jobs_done_total\{app="zeta",queue="q"[,}].* 5$/),
    ]);
    expect(metrics.body).toMatch(/^batch_ok\{app="batch\/instance=host\/1",job="batch",instance="host\/1"[,}].* 0$/m);
    expect(metrics.body).toMatch(/^batch_rows\{app="batch\/instance=host\/1",job="batch",instance="host\/1"[,}].* 10$/m);
    // Histograms and summaries keep their types: one family each, +Inf last, _sum and _count.
    expect(lines.filter((line) => /^(# TYPE )?(lat|rpc)/.test(line))).toEqual([
      '# TYPE lat histogram',
      'lat_bucket{app="alpha",le="1"} 1',
      'lat_bucket{app="alpha",le="+Inf"} 2',
      'lat_sum{app="alpha"} 1.5',
      'lat_count{app="alpha"} 2',
      '# TYPE rpc summary',
      'rpc{app="alpha",quantile="0.5"} 0.2',
      'rpc{app="alpha",quantile="0.99"} 0.7',
      'rpc_sum{app="alpha"} 3',
      'rpc_count{app="alpha"} 9',
    ]);
    // A gauge may not take a histogram's component name.
    const clash = await http(address, 'PUT', '/metrics/job/clash', { body: '# TYPE lat_count gauge\nlat_count 1\n' });
    expect(clash).toMatchObject({ status: 400, body: 'app clash: lat_count is a gauge here but a histogram in app alpha\n' });
    expect(metrics.body).toMatch(/^push_time_seconds\{app="zeta"[,}].* \d/m);
    expect(metrics.body).toMatch(/^relay_pushes_total\{transport="http",format="text",result="rejected"[,}].* 1$/m);
    expect(metrics.body).toMatch(/^relay_apps(\{.*\})? 3$/m);
    const clean = await promtoolCheckMetrics(metrics.body);
    expect(clean.exitCode, clean.output).toBe(0);
    expect(unexpectedLintFindings(clean.output)).toEqual([]);

    // Pushgateway's protobuf format, bytes as Prometheus 2.53.3 (client_golang) wrote them; a malformed
    // body is refused with its reason and the group keeps what it held.
    const protobufType = 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';
    const pb = readFileSync(new URL('../../fixtures/relay/prometheus-2.53.3-metrics.pb', import.meta.url));
    const gzipped = { 'content-type': protobufType, 'content-encoding': 'gzip' };
    expect(await http(address, 'PUT', '/metrics/job/gopb', { body: gzipSync(pb), headers: gzipped })).toMatchObject({ status: 200, body: '' });
    // POST replaces only the families it carries: here the first message (go_gc_duration_seconds) alone.
    const firstMessageEnd = 1 + (pb[0]! & 0x7f) + ((pb[0]! & 0x80) === 0 ? 0 : 1 + (pb[1]! << 7));
    expect(firstMessageEnd).toBeLessThan(pb.length);
    expect((await http(address, 'POST', '/metrics/job/gopb', { body: pb.subarray(0, firstMessageEnd), headers: { 'content-type': protobufType } })).status).toBe(200);
    const broken = await http(address, 'PUT', '/metrics/job/gopb', { body: pb.subarray(0, 300), headers: { 'content-type': protobufType } });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatch(/^app gopb: MetricFamily message 2 at byte \d+ is not valid protobuf: /);
    const withProtobuf = (await http(address, 'GET', '/metrics')).body;
    expect(withProtobuf).toContain('# TYPE go_gc_pauses_seconds histogram\n');
    expect(withProtobuf).toContain('go_gc_pauses_seconds_bucket{app="gopb",job="gopb",le="6.399999999999999e-08"} 0\n');
    expect(withProtobuf).toContain('go_gc_duration_seconds{app="gopb",job="gopb",quantile="0.25"} 0.000097635\n');
    expect(withProtobuf).toContain('go_gc_duration_seconds_count{app="gopb",job="gopb"} 4\n');
    expect(withProtobuf).toMatch(/^relay_pushes_total\{transport="http",format="protobuf",result="malformed"[,}].* 1$/m);
    const checked = await promtoolCheckMetrics(withProtobuf);
    expect(checked.exitCode, checked.output).toBe(0);
    expect(unexpectedLintFindings(checked.output)).toEqual([]);

    const table = await http(address, 'GET', '/apps');
    expect(table.body).toMatch(/^Current time: /);
    expect(table.body).toContain('| App Name ');
    expect(table.body).toMatch(new RegExp(`\\| zeta +\\| \\S+ +\\| 127\\.0\\.0\\.1:${tcp[1]} +\\| 1 +\\|`));
    const json = await http(address, 'GET', '/apps', { headers: { accept: 'application/json' } });
    expect(json.type).toMatch(/^application\/json/);
    const apps = (JSON.parse(json.body) as { apps: { app: string; source: string }[] }).apps;
    expect(apps.map((app) => [app.app, app.source])).toEqual([
      ['alpha', relay.addresses.unix],
      ['batch/instance=host/1', 'pushgateway'],
      ['gopb', 'pushgateway'],
      ['zeta', `127.0.0.1:${tcp[1]}`],
    ]);
    expect((await http(address, 'GET', '/apps', { auth: false })).status).toBe(401);

    expect((await http(address, 'DELETE', group)).status).toBe(202);
    expect((await http(address, 'GET', '/metrics')).body).not.toMatch(/^batch_ok/m);
  });
});
