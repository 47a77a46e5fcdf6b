import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type CliIo, main } from '../../src/cli.js';

/** The shipped examples, checked with the real collector registry (no dependency overrides). */
function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const io: CliIo = { stdout, stderr, env };
  return main(argv, io).then((code) => ({ code, out, err }));
}

const example = (name: string) => new URL(`../../examples/${name}`, import.meta.url).pathname;

describe('examples', () => {
  it('demo.yaml is valid: one simulated router of each of the 11 profiles on 127.0.0.1:9436', async () => {
    const result = await run(['check-config', '--config', example('demo.yaml')]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const config = parse(result.out) as { server: { listen: string }; simulator: { enabled: boolean; count: number; profile: string }; routers: unknown[]; collection: { interval: string } };
    expect(config.server.listen).toBe('127.0.0.1:9436');
    expect(config.simulator).toMatchObject({ enabled: true, count: 11, profile: 'mixed' });
    expect(config.collection.interval).toBe('10s');
    expect(config.routers).toEqual([]);
  });

  it('grafana-cloud.yaml is valid once its variables are set, and names them when not', async () => {
    const result = await run(['check-config', '--config', example('grafana-cloud.yaml')], {
      GRAFANA_OTLP_AUTH: 'Basic Z3JhZmFuYTpzZWNyZXQ=',
      CORE1_PASSWORD: 'pw-example-1',
    });
    expect(result.code).toBe(0);
    expect(result.out).not.toContain('Z3JhZmFuYTpzZWNyZXQ=');
    expect(result.out).not.toContain('pw-example-1');
    const config = parse(result.out) as { otlp: { enabled: boolean; headers: Record<string, string> } };
    expect(config.otlp).toMatchObject({ enabled: true, headers: { Authorization: '<redacted>' } });

    const missing = await run(['check-config', '--config', example('grafana-cloud.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('otlp.headers.Authorization: environment variable GRAFANA_OTLP_AUTH is not set');
    expect(missing.err).toContain('routers[0].password: environment variable CORE1_PASSWORD is not set');
  });

  it('agent.yaml only fails on the secret and certificate files this machine lacks', async () => {
    const result = await run(['check-config', '--config', example('agent.yaml')], { EDGE_FRA_PASSWORD: 'x' });
    expect(result.code).toBe(2);
    const problems = result.err.split('\n').slice(1).filter((line) => line !== '');
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(/: cannot read \/(etc|run)\/\S+ \(ENOENT\)$/);
  });
});
