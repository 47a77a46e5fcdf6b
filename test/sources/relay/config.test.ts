/**
 * The relay: section (defaults, round trip through check-config's document, errors at key paths) and
 * `run --relay-config` with exporter-proxy's own config.toml, read as it is.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliIo, main } from '../../../src/cli.js';
import { loadConfig } from '../../../src/config/load.js';
import { RELAY_DEFAULTS, RELAY_SECTION, type RelayConfig } from '../../../src/sources/relay/config.js';
import { mergeExporterProxyConfig } from '../../../src/sources/relay/toml.js';
import { COLLECTORS } from '../../../src/sources/routeros/collectors/registry.js';
import { waitFor } from '../routeros/poller/helpers/engine-fixtures.js';
import { push } from './helpers.js';
import { routerConfigSections } from '../../../src/sources/routeros/config/sections.js';

const SEED_TOML = readFileSync(new URL('../../fixtures/relay/config.toml', import.meta.url), 'utf8');

function load(text: string): { relay: RelayConfig; listen: string; warnings: string[] } {
  const { config, warnings } = loadConfig({ text, env: {}, sections: [...routerConfigSections(COLLECTORS), RELAY_SECTION] });
  return {
    relay: config.sections?.['relay'] as RelayConfig,
    listen: `${config.server.host}:${config.server.port}`,
    warnings: warnings.map((warning) => `${warning.path}: ${warning.message}`),
  };
}

let dir = '';
afterEach(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
  dir = '';
});

describe('relay config', () => {
  it('has the issue\'s defaults, off unless enabled, and documents itself back to the same value', () => {
    const { relay } = load('routers: []\n');
    expect(relay).toEqual(RELAY_DEFAULTS);
    const documented = RELAY_SECTION.document(relay, (value) => value);
    expect(documented).toEqual({
      enabled: false,
      receiver: {
        format: 'auto',
        receive_on_tcp_socket: true,
        receiver_tcp_socket: '127.0.0.1:6554',
        receive_on_unix_socket: true,
        receiver_unix_socket: '/var/run/exporter-proxy-receiver.sock',
        unix_socket_user: 'current_user',
        unix_socket_group: 'current_group',
        unix_socket_mode: '0660',
        concurrent_requests: 2048,
        token: '',
        max_push_bytes: '4MiB',
        max_series_per_app: 10000,
        read_timeout: '10s',
        stale_after: '5m',
      },
      poll_external: {
        poll_other_scrape_endpoints: false,
        other_scrape_endpoints: [],
        allow_invalid_certs: false,
        poll_interval: '5s',
        client_timeout: '2s',
        stale_after: '1m',
      },
      pushgateway: false,
    });
    const again = load(JSON.stringify({ routers: [], relay: documented }));
    expect(again.relay).toEqual(relay);
  });

  it('reports every bad key at its path, and takes bare numbers as seconds', () => {
    expect(() =>
      load(
        JSON.stringify({
          relay: {
            receiver: { format: 'xml', receiver_tcp_socket: 'nowhere', unix_socket_mode: 660, max_push_bytes: 'lots', read_timeout: 'soon', colour: 1 },
            poll_external: { other_scrape_endpoints: ['ftp://x', { url: 'http://a:b@h/' }], poll_interval: -1 },
          },
        }),
      ),
    ).toThrow(
      new RegExp(
        [
          'relay.receiver.colour: unknown key',
          'relay.receiver.format: must be auto, json or capnp',
          'relay.receiver.receiver_tcp_socket: "nowhere" must be host:port',
          'relay.receiver.unix_socket_mode: must be an octal mode',
          'relay.receiver.max_push_bytes: must be a size',
          'relay.receiver.read_timeout: "soon" is not a duration',
          'relay.poll_external.other_scrape_endpoints\\[0\\]: "ftp://x" must be http or https',
          'relay.poll_external.other_scrape_endpoints\\[1\\]: credentials in the URL are not supported',
          'relay.poll_external.poll_interval: -1 is not a duration',
        ].join('[\\s\\S]*'),
      ),
    );
    expect(load(JSON.stringify({ relay: { poll_external: { poll_interval: 7, client_timeout: 1.5 } } })).relay.pollExternal).toMatchObject({
      pollIntervalMillis: 7_000,
      clientTimeoutMillis: 1_500,
    });
  });

  it('treats the token as a secret: redacted by check-config', async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-token-'));
    writeFileSync(join(dir, 'agent.yaml'), 'relay:\n  receiver:\n    token: tcp-push-secret\n');
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await main(['check-config', '--config', join(dir, 'agent.yaml')], { stdout, stderr: new PassThrough(), env: {} });
    expect(code).toBe(0);
    expect(out).toMatch(/token: .*redacted/);
    expect(out).not.toContain('tcp-push-secret');
    const { relay } = load('relay:\n  receiver:\n    token: tcp-push-secret\n');
    expect(RELAY_SECTION.secrets?.(relay)).toEqual(['tcp-push-secret']);
  });

  it('maps exporter-proxy\'s config.toml as it is: every key, [exporter] included, worker_threads ignored with a notice', () => {
    const merged = mergeExporterProxyConfig('log:\n  level: info\n', SEED_TOML, 'config.toml');
    expect(merged.notices).toEqual(['[exporter] worker_threads is accepted and ignored: the agent runs on one event loop']);
    const { relay, listen } = load(merged.text);
    expect(listen).toBe('0.0.0.0:6555');
    expect(relay.enabled).toBe(true);
    expect(relay.receiver).toMatchObject({ format: 'json', receiverTcpSocket: '127.0.0.1:6554', concurrentRequests: 2048, receiverUnixSocket: '/var/run/exporter-proxy-receiver.sock' });
    expect(relay.pollExternal).toMatchObject({
      pollOtherScrapeEndpoints: false,
      allowInvalidCerts: true,
      pollIntervalMillis: 5_000,
      clientTimeoutMillis: 2_000,
      otherScrapeEndpoints: [1025, 1026, 1027].map((port) => ({ url: `http://127.0.0.1:${port}/${port}.html`, app: `http://127.0.0.1:${port}/${port}.html` })),
    });
    // The agent's own listen address wins; a relay: section and --relay-config together are refused.
    expect(load(mergeExporterProxyConfig('server:\n  listen: "127.0.0.1:9999"\n', SEED_TOML, 'config.toml').text).listen).toBe('127.0.0.1:9999');
    expect(() => mergeExporterProxyConfig('relay:\n  enabled: true\n', SEED_TOML, 'config.toml')).toThrow(/already has a relay: section/);
    expect(() => mergeExporterProxyConfig(undefined, '[receiver\nformat = 1', 'bad.toml')).toThrow(/^bad.toml: not valid TOML \(line 1/);
  });

  it('run --relay-config starts the relay from an exporter-proxy file and serves /apps', async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-cli-'));
    const socket = join(dir, 'receiver.sock');
    const toml = SEED_TOML.replace('/var/run/exporter-proxy-receiver.sock', socket)
      .replace('"127.0.0.1:6554"', '"127.0.0.1:0"')
      .replace('"0.0.0.0:6555"', '"127.0.0.1:0"');
    writeFileSync(join(dir, 'config.toml'), toml);
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    let signal: ((signal: NodeJS.Signals) => void) | undefined;
    const io: CliIo = {
      stdout,
      stderr: new PassThrough(),
      env: {},
      cwd: dir,
      onSignal: (handler) => {
        signal = handler;
        return () => undefined;
      },
    };
    const running = main(['run', '--relay-config', 'config.toml', '--log-level', 'info'], io);
    await waitFor('the agent to start', () => out.includes('"agent started"'), 15_000);
    const started = out.split('\n').find((line) => line.includes('"agent started"'))!;
    const address = (JSON.parse(started) as { address: string }).address;
    expect(out).toContain('worker_threads is accepted and ignored');
    expect(await push(socket, readFileSync(new URL('../../fixtures/relay/json_array.json', import.meta.url)))).toBe('{"ok":true}\n');
    const [host, port] = address.split(':');
    const apps = await new Promise<string>((resolve, reject) => {
      const req = request({ host, port: Number(port), path: '/apps', agent: false, headers: { accept: 'application/json' } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
    expect((JSON.parse(apps) as { apps: { app: string; source: string }[] }).apps).toEqual([
      expect.objectContaining({ app: 'foo_bar_app1_metrics', source: socket }),
    ]);
    signal?.('SIGTERM');
    expect(await running).toBe(0);
  });
});
