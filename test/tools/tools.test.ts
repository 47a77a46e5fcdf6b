/**
 * Smoke test of the real test backends from scripts/install-tools.sh. These tests need the tools and fail
 * (never skip) without them: run `npm run tools` first.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { httpRequest } from '../helpers/processes.js';
import {
  promtoolCheckMetrics,
  pythonEnv,
  pythonPackagesDir,
  startPrometheus,
  startVictoriaMetrics,
  toolPath,
} from '../helpers/tools.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** A loopback /metrics endpoint serving `body`, closed after the test. */
async function metricsEndpoint(body: string): Promise<string> {
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return `127.0.0.1:${address.port}`;
}

function runPython(code: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', code], { env: pythonEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (exitCode) => resolve({ code: exitCode, stdout, stderr }));
  });
}

const VALID_EXPOSITION = [
  '# HELP smoke_requests_total Requests seen.',
  '# TYPE smoke_requests_total counter',
  'smoke_requests_total{code="200"} 3',
  '# HELP smoke_temperature_celsius Temperature.',
  '# TYPE smoke_temperature_celsius gauge',
  'smoke_temperature_celsius 41.5',
  '',
].join('\n');

describe('tool installation', () => {
  it('finds every binary under .tools/root', () => {
    for (const name of ['prometheus', 'promtool', 'victoria-metrics', 'prometheus-node-exporter'] as const) {
      expect(existsSync(toolPath(name))).toBe(true);
    }
  });

  it('names the installer when a tool is missing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'tools-missing-'));
    const saved = process.env['TOOLS_DIR'];
    process.env['TOOLS_DIR'] = empty;
    try {
      expect(() => toolPath('promtool')).toThrow(/promtool is not installed .*scripts\/install-tools\.sh/);
      expect(() => pythonEnv()).toThrow(/librouteros is not installed .*npm run tools/);
    } finally {
      if (saved === undefined) delete process.env['TOOLS_DIR'];
      else process.env['TOOLS_DIR'] = saved;
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('promtool check metrics', () => {
  it('accepts a valid exposition', async () => {
    const result = await promtoolCheckMetrics(VALID_EXPOSITION);
    expect(result, result.output).toMatchObject({ ok: true, exitCode: 0 });
  });

  it('rejects a second HELP line for the same metric', async () => {
    const result = await promtoolCheckMetrics(
      '# HELP smoke_total First.\n# HELP smoke_total Second.\n# TYPE smoke_total counter\nsmoke_total 1\n',
    );
    expect(result.ok).toBe(false);
    expect(result.output).toContain('second HELP line for metric name "smoke_total"');
  });

  it('reports lint problems with exit code 3', async () => {
    const result = await promtoolCheckMetrics('# HELP smoke A counter.\n# TYPE smoke counter\nsmoke 1\n');
    expect(result).toMatchObject({ ok: false, exitCode: 3 });
    expect(result.output).toContain('counter metrics should have "_total" suffix');
  });
});

describe('Prometheus', () => {
  it('answers PromQL and scrapes a loopback target', async () => {
    const target = await metricsEndpoint(VALID_EXPOSITION);
    const prometheus = await startPrometheus({ scrapeTargets: [target], scrapeIntervalSeconds: 0.5 });
    cleanups.push(() => prometheus.stop());

    expect(prometheus.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const one = await prometheus.query('vector(1)');
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({ labels: {}, value: 1 });

    const health = await prometheus.waitForScrapes(12_000);
    expect(health).toEqual({ [`http://${target}/metrics`]: 'up' });
    const temperature = await prometheus.query('smoke_temperature_celsius');
    expect(temperature.map((s) => [s.labels['job'], s.labels['instance'], s.value])).toEqual([['agent', target, 41.5]]);
  });

  it('removes its process and temp dir on stop', async () => {
    const prometheus = await startPrometheus({ scrapeTargets: ['127.0.0.1:9'], scrapeIntervalSeconds: 60 });
    expect(existsSync(prometheus.tempDir)).toBe(true);
    await prometheus.stop();
    expect(prometheus.process.exitStatus).toBeDefined();
    expect(existsSync(prometheus.tempDir)).toBe(false);
    await expect(httpRequest(`${prometheus.url}/-/ready`, { timeoutMillis: 1_000 })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses non-loopback scrape targets', async () => {
    await expect(startPrometheus({ scrapeTargets: ['192.0.2.1:9100'], scrapeIntervalSeconds: 1 })).rejects.toThrow(
      /"192\.0\.2\.1:9100" is not a loopback host:port/,
    );
  });
});

describe('VictoriaMetrics', () => {
  it('imports Prometheus text and returns it from /api/v1/query after force_flush', async () => {
    const vm = await startVictoriaMetrics();
    cleanups.push(() => vm.stop());

    await vm.importPrometheus('smoke_metric{router="r1"} 42\n');
    await vm.forceFlush();

    expect(await vm.query('smoke_metric')).toEqual([
      expect.objectContaining({ labels: { __name__: 'smoke_metric', router: 'r1' }, value: 42 }),
    ]);
    expect(await vm.seriesNames()).toEqual(['smoke_metric']);
    const exported = await vm.exportSeries('{__name__="smoke_metric"}');
    expect(exported).toHaveLength(1);
    expect(exported[0]).toMatchObject({ labels: { __name__: 'smoke_metric', router: 'r1' }, values: [42] });
  });

  it('scrapes a loopback target and serves OTLP protobuf with -opentelemetry.usePrometheusNaming', async () => {
    const target = await metricsEndpoint(VALID_EXPOSITION);
    const vm = await startVictoriaMetrics({
      scrapeTargets: [target],
      scrapeIntervalSeconds: 0.5,
      flags: ['-opentelemetry.usePrometheusNaming'],
    });
    cleanups.push(() => vm.stop());

    // An empty body is a valid (empty) protobuf ExportMetricsServiceRequest; JSON is not supported.
    const protobuf = await httpRequest(vm.otlpMetricsUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body: '',
    });
    expect(protobuf.status).toBe(200);
    const json = await httpRequest(vm.otlpMetricsUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(400);

    const deadline = Date.now() + 10_000;
    let samples: Awaited<ReturnType<typeof vm.query>> = [];
    while (samples.length === 0 && Date.now() < deadline) {
      await vm.forceFlush();
      samples = await vm.query('smoke_requests_total');
      if (samples.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(samples.map((s) => [s.labels['job'], s.labels['instance'], s.labels['code'], s.value])).toEqual([
      ['agent', target, '200', 3],
    ]);
  });
});

describe('python librouteros', () => {
  it('imports from .tools with the machine python3', async () => {
    const result = await runPython('import librouteros, sys; print(librouteros.__file__); print(sys.version_info >= (3, 8))');
    expect(result.code, result.stderr).toBe(0);
    const [file, versionOk] = result.stdout.trim().split('\n');
    expect(file?.startsWith(pythonPackagesDir())).toBe(true);
    expect(versionOk).toBe('True');
  });
});
