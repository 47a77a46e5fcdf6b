/**
 * Secrets never leave the agent through what it prints or serves. The agent runs through the CLI
 * (`main(['run', …])`, the production logger writing to a captured stdout) with distinctive secrets
 * everywhere a config can hold one: router passwords (routers that log in and routers that refuse the
 * login, plain and challenge login), a bearer token, basic-auth users, and an OTLP Authorization header
 * towards a local receiver that first refuses the export and echoes the header back. Everything printed
 * (stdout, stderr) and served (/metrics, /health, /, /live, /ready, 401 and 404 bodies and headers), plus
 * `check-config` output for valid and invalid configs, is searched for the secrets and their base64 forms.
 *
 * Also: a world-readable config file with a plain password gives a warning, from the loader and the CLI.
 */
import { SECTIONS } from '../helpers/sections.js';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterEach, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli.js';
import { loadConfig } from '../../src/config/load.js';
import { PROFILES } from '../../src/sources/routeros/simulator/profiles.js';
import { SimulatedRouter } from '../../src/sources/routeros/simulator/router.js';
import { MistSimulator } from '../../src/sources/mist/simulator/server.js';
import { CleanupStack, httpGet, LogCapture, ProcessWatch, sleep, waitFor, type TimedResponse } from './helpers/harness.js';

const TAG = randomBytes(4).toString('hex');
const ROUTER_PASSWORD = `S3cret-Router-Pass-${TAG}-ok`;
const ROUTER_V6_PASSWORD = `S3cret-Router-Pass-${TAG}-v6`;
/** What the agent sends to routers whose real password is different. */
const WRONG_PASSWORD = `S3cret-Router-Pass-${TAG}-wrong`;
const WRONG_V6_PASSWORD = `S3cret-Router-Pass-${TAG}-wrong-v6`;
const BEARER = `S3cret-Bearer-Token-${TAG}`;
const BASIC_USER = 'prom';
const BASIC_PASSWORD = `S3cret-Basic-Pass-${TAG}`;
const BASIC_HASH = bcrypt.hashSync(BASIC_PASSWORD, 4);
const OTLP_CREDENTIAL = `otlp-user:S3cret-Otlp-${TAG}`;
const OTLP_AUTHORIZATION = `Basic ${base64(OTLP_CREDENTIAL)}`;
const URL_PASSWORD = `S3cret-Url-Pass-${TAG}`;
const MIST_KEY = `S3cret-Mist-Key-${TAG}`;
/** What the agent sends for the Mist organisation whose key is refused. */
const MIST_WRONG_KEY = `S3cret-Mist-Key-${TAG}-wrong`;

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Every form in which a secret would be recognisable. */
const FORBIDDEN: readonly string[] = (() => {
  const raw = [ROUTER_PASSWORD, ROUTER_V6_PASSWORD, WRONG_PASSWORD, WRONG_V6_PASSWORD, BEARER, BASIC_PASSWORD, OTLP_CREDENTIAL, URL_PASSWORD, MIST_KEY, MIST_WRONG_KEY];
  const forms = new Set<string>([...raw, BASIC_HASH, OTLP_AUTHORIZATION, base64(OTLP_CREDENTIAL), base64(`${BASIC_USER}:${BASIC_PASSWORD}`)]);
  for (const secret of raw) {
    forms.add(base64(secret));
    forms.add(Buffer.from(secret).toString('base64url'));
    forms.add(encodeURIComponent(secret));
  }
  return [...forms];
})();

/** Names the secrets found in `text` (with where), for a readable failure. */
function leaks(where: string, text: string): string[] {
  const found: string[] = [];
  for (const form of FORBIDDEN) if (text.includes(form)) found.push(`${where}: contains ${form}`);
  // Every raw secret starts with this token: catches truncated or partly redacted secrets too.
  if (/S3cret-/i.test(text) && found.length === 0) {
    const at = text.search(/S3cret-/i);
    found.push(`${where}: contains part of a secret near ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 40))}`);
  }
  return found;
}

function headersText(headers: IncomingHttpHeaders | TimedResponse['headers']): string {
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : String(value)}`)
    .join('\n');
}

const cleanups = new CleanupStack();
afterEach(() => cleanups.run());

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agent-secrets-'));
  cleanups.add(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A simulated Mist organisation that accepts MIST_KEY only. */
async function startMist(): Promise<{ base: string; stream: string }> {
  const simulator = await MistSimulator.start({ apiKey: MIST_KEY, periodMillis: 500, sites: 1, apsPerSite: 1, clientsPerSite: 2 });
  cleanups.add(() => simulator.stop());
  return { base: simulator.baseUrl, stream: simulator.streamUrl };
}

async function startRouter(profile: string, password: string): Promise<number> {
  const router = new SimulatedRouter({ profile: PROFILES[profile]!, name: profile, password });
  cleanups.add(() => router.stop());
  return (await router.start()).port;
}

/** A local OTLP/HTTP receiver: refuses the first export, echoing its Authorization header back. */
async function otlpReceiver(): Promise<{ port: number; requests: { authorization: string | undefined }[] }> {
  const requests: { authorization: string | undefined }[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests.push({ authorization: req.headers.authorization });
      if (requests.length === 1) {
        res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Basic' });
        res.end(`bad credentials: ${req.headers.authorization ?? ''}`);
      } else {
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.add(() => new Promise<void>((resolve) => server.close(() => resolve())));
  server.unref();
  const address = server.address();
  return { port: typeof address === 'object' && address !== null ? address.port : 0, requests };
}

/** A CliIo whose output is captured and whose SIGTERM the test sends. */
function cliIo(cwd: string): { io: CliIo; stdout: LogCapture; stderr: LogCapture; signal: () => void } {
  const stdout = new LogCapture();
  const stderr = new LogCapture();
  let handler: ((signal: NodeJS.Signals) => void) | undefined;
  const io: CliIo = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: {},
    cwd,
    onSignal(receive) {
      handler = receive;
      return () => {
        handler = undefined;
      };
    },
  };
  return { io, stdout, stderr, signal: () => handler?.('SIGTERM') };
}

function configYaml(
  ports: { ok: number; v6: number; locked: number; lockedV6: number; otlp: number; mist: { base: string; stream: string } },
  endpointUserInfo = '',
): string {
  return `
server:
  listen: "127.0.0.1:0"
  auth:
    bearer_token: "${BEARER}"
    basic_users:
      ${BASIC_USER}: "${BASIC_HASH}"
collection:
  interval: 1s
  timeout: 800ms
  startup_check: warn
otlp:
  enabled: true
  endpoint: "http://${endpointUserInfo}127.0.0.1:${ports.otlp}/v1/metrics"
  protocol: http/protobuf
  compression: none
  interval: 1s
  timeout: 800ms
  headers:
    Authorization: "${OTLP_AUTHORIZATION}"
defaults:
  username: admin
routers:
  - name: healthy
    address: "127.0.0.1:${ports.ok}"
    password: "${ROUTER_PASSWORD}"
  - name: healthy-v6
    address: "127.0.0.1:${ports.v6}"
    password: "${ROUTER_V6_PASSWORD}"
  - name: locked
    address: "127.0.0.1:${ports.locked}"
    password: "${WRONG_PASSWORD}"
  - name: locked-v6
    address: "127.0.0.1:${ports.lockedV6}"
    password: "${WRONG_V6_PASSWORD}"
mist:
  - name: acme
    base_url: "${ports.mist.base}"
    stream_url: "${ports.mist.stream}"
    api_key: "${MIST_KEY}"
  - name: refused
    base_url: "${ports.mist.base}"
    stream_url: "${ports.mist.stream}"
    api_key: "${MIST_WRONG_KEY}"
log:
  level: debug
  format: json
`;
}

describe('secrets', () => {
  it('appear nowhere in what the agent prints or serves, or in check-config output', async () => {
    const watch = new ProcessWatch().install();
    cleanups.add(() => watch.uninstall());
    const dir = tempDir();
    const ports = {
      ok: await startRouter('hex-v7', ROUTER_PASSWORD),
      // Pre-6.43 challenge login: the password travels as an MD5 response.
      v6: await startRouter('rb750-v6-legacy', ROUTER_V6_PASSWORD),
      locked: await startRouter('rb4011-v7-9', `real-password-${TAG}`),
      lockedV6: await startRouter('hap-ac2-v6', `real-password-v6-${TAG}`),
      otlp: 0,
      mist: await startMist(),
    };
    const receiver = await otlpReceiver();
    ports.otlp = receiver.port;
    const file = join(dir, 'agent.yaml');
    writeFileSync(file, configYaml(ports));
    chmodSync(file, 0o600);

    const run = cliIo(dir);
    const exit = main(['run', '--config', file], run.io);
    cleanups.add(async () => {
      run.signal();
      await exit.catch(() => undefined);
    });
    await waitFor('agent started', () => run.stdout.text.includes('"msg":"agent started"'), 10_000);
    const started = run.stdout.lines().find((line) => line.msg === 'agent started');
    const [host, port] = String(started?.['address']).split(':');
    const address = { host: host ?? '127.0.0.1', port: Number(port) };

    // Wait for the interesting paths to have run: logins, refused logins, a refused and a good export.
    type Health = { name: string; up: boolean; down_reason: string | null }[];
    const health = async (): Promise<{ routers: Health; organisations: Health }> =>
      JSON.parse((await httpGet(address, '/health', { headers: { authorization: `Bearer ${BEARER}` } })).body) as {
        routers: Health;
        organisations: Health;
      };
    const deadline = Date.now() + 8_000;
    let state = await health();
    for (;;) {
      const byName = new Map(state.routers.map((router) => [router.name, router]));
      const settled =
        byName.get('healthy')?.up === true &&
        byName.get('healthy-v6')?.up === true &&
        byName.get('locked')?.down_reason === 'authentication_failed' &&
        byName.get('locked-v6')?.down_reason === 'authentication_failed' &&
        state.organisations.map((org) => org.down_reason).join() === ',authentication_failed' &&
        receiver.requests.length >= 2;
      if (settled || Date.now() > deadline) break;
      await sleep(100);
      state = await health();
    }
    // Positive controls: the secrets were really in use.
    expect(state.routers.map((router) => [router.name, router.up, router.down_reason])).toEqual([
      ['healthy', true, null],
      ['healthy-v6', true, null],
      ['locked', false, 'authentication_failed'],
      ['locked-v6', false, 'authentication_failed'],
    ]);
    expect(state.organisations.map((org) => [org.name, org.up, org.down_reason])).toEqual([
      ['acme', true, null],
      ['refused', false, 'authentication_failed'],
    ]);
    expect(receiver.requests.length).toBeGreaterThanOrEqual(2);
    expect(receiver.requests[0]?.authorization).toBe(OTLP_AUTHORIZATION);

    const basic = `Basic ${base64(`${BASIC_USER}:${BASIC_PASSWORD}`)}`;
    const served: [string, TimedResponse][] = [];
    const fetch = async (path: string, authorization?: string): Promise<TimedResponse> => {
      const response = await httpGet(address, path, authorization === undefined ? {} : { headers: { authorization } });
      served.push([`${path} (${authorization === undefined ? 'no auth' : authorization.split(' ')[0]})`, response]);
      return response;
    };
    expect((await fetch('/metrics', `Bearer ${BEARER}`)).status).toBe(200);
    expect((await fetch('/metrics', basic)).status).toBe(200);
    expect((await fetch('/health', basic)).status).toBe(503);
    expect((await fetch('/', basic)).status).toBe(200);
    expect((await fetch('/live')).status).toBe(200);
    expect((await fetch('/ready')).status).toBe(200);
    expect((await fetch('/metrics')).status).toBe(401);
    expect((await fetch('/health', `Bearer ${BEARER}x`)).status).toBe(401);
    expect((await fetch('/metrics', `Basic ${base64(`${BASIC_USER}:${BASIC_PASSWORD}x`)}`)).status).toBe(401);
    expect((await fetch('/nothing-here', `Bearer ${BEARER}`)).status).toBe(404);
    expect(served[0]?.[1].body).toContain('routeros_up{');
    expect(served[0]?.[1].body).toMatch(/^mist_client_rssi_dbm\{org="acme"/m);

    run.signal();
    expect(await exit).toBe(0);

    // check-config on the same file, and on variants: credentials in the OTLP URL, and common mistakes.
    const check = cliIo(dir);
    expect(await main(['check-config', '--config', file], check.io)).toBe(0);
    const withUrlCredentials = join(dir, 'url.yaml');
    writeFileSync(withUrlCredentials, configYaml(ports, `otlp-user:${URL_PASSWORD}@`));
    chmodSync(withUrlCredentials, 0o600);
    const checkUrl = cliIo(dir);
    expect(await main(['check-config', '--config', withUrlCredentials], checkUrl.io)).toBe(0);
    const broken = join(dir, 'broken.yaml');
    writeFileSync(
      broken,
      configYaml(ports)
        // A plain password pasted where a bcrypt hash belongs, a token as a list, a password as a mapping.
        .replace(`"${BASIC_HASH}"`, `"${BASIC_PASSWORD}"`)
        .replace(`bearer_token: "${BEARER}"`, `bearer_token: ["${BEARER}"]`)
        .replace(`password: "${ROUTER_PASSWORD}"`, `password: { value: "${ROUTER_PASSWORD}" }`)
        .replace('address: "127.0.0.1:', 'address: "127.0.0.1:99999')
        // A Mist key as a mapping, and a key beside a key file.
        .replace(`api_key: "${MIST_KEY}"`, `api_key: { value: "${MIST_KEY}" }`)
        .replace(`api_key: "${MIST_WRONG_KEY}"`, `api_key: "${MIST_WRONG_KEY}"\n    api_key_file: /nonexistent`),
    );
    chmodSync(broken, 0o600);
    const checkBroken = cliIo(dir);
    expect(await main(['check-config', '--config', broken], checkBroken.io)).toBe(2);
    expect(checkBroken.stderr.text).toContain('server.auth.basic_users.prom');
    expect(checkBroken.stderr.text).toContain('mist[0].api_key');
    expect(checkBroken.stderr.text).toContain('mist[1].api_key_file');

    const printed = run.stdout.text + run.stderr.text;
    const found = [
      ...leaks('agent stdout/stderr', printed),
      ...served.flatMap(([what, response]) => leaks(`served ${what}`, `${headersText(response.headers)}\n${response.body}`)),
      ...leaks('check-config', check.stdout.text + check.stderr.text),
      ...leaks('check-config (URL credentials)', checkUrl.stdout.text + checkUrl.stderr.text),
      ...leaks('check-config (invalid config)', checkBroken.stdout.text + checkBroken.stderr.text),
    ];
    // The log really covered the failure paths whose texts are most likely to carry a secret.
    const lines = run.stdout.lines();
    expect(lines.some((line) => line.msg.startsWith('startup check') && line['router'] === 'locked')).toBe(true);
    expect(lines.some((line) => line['reason'] === 'authentication_failed' && line['router'] === 'locked-v6')).toBe(true);
    expect(lines.some((line) => line['component'] === 'opentelemetry')).toBe(true);
    expect(check.stdout.text).toContain('healthy-v6');
    expect(check.stdout.text).toMatch(/name: refused\n(?:.*\n)*?\s+api_key: <redacted>/);
    expect(lines.some((line) => line.msg === 'Mist REST call failed' && String(line['error']).includes('refused'))).toBe(true);
    expect(found).toEqual([]);
    expect(watch.summary()).toEqual([]);
  }, 30_000);

  it('a refused OTLP export is logged as one line, without a stack trace or source paths', async () => {
    const receiver = await otlpReceiver();
    const dir = tempDir();
    const file = join(dir, 'agent.yaml');
    writeFileSync(
      file,
      `server:\n  listen: "127.0.0.1:0"\notlp:\n  enabled: true\n  endpoint: "http://127.0.0.1:${receiver.port}/v1/metrics"\n` +
        `  interval: 1s\n  timeout: 800ms\n  headers:\n    Authorization: "${OTLP_AUTHORIZATION}"\n` +
        `simulator:\n  enabled: true\n  count: 1\nlog:\n  level: info\n  format: json\n`,
    );
    chmodSync(file, 0o600);
    const run = cliIo(dir);
    const exit = main(['run', '--config', file], run.io);
    cleanups.add(async () => {
      run.signal();
      await exit.catch(() => undefined);
    });
    await waitFor('the refused export logged', () => run.stdout.text.includes('"component":"opentelemetry"'), 10_000);
    run.signal();
    expect(await exit).toBe(0);
    const line = run.stdout.lines().find((entry) => entry['component'] === 'opentelemetry');
    expect(line?.msg).toMatch(/export failed|Unauthorized/);
    expect(leaks('OTLP failure log', run.stdout.text)).toEqual([]);
    // An operator's log line, not a dump: no stack frames, no paths into node_modules.
    expect(line?.msg).not.toMatch(/\bat [\w$.<>]+ \(|node_modules|node:internal|"stack"/);
  }, 20_000);

  it('a world-readable config file with a plain password gives a warning, logged by the CLI', async () => {
    const dir = tempDir();
    const file = join(dir, 'agent.yaml');
    writeFileSync(
      file,
      `server:\n  listen: "127.0.0.1:0"\nrouters:\n  - name: r1\n    address: 127.0.0.1:1\n    password: "${ROUTER_PASSWORD}"\nlog:\n  level: info\n  format: json\n`,
    );
    chmodSync(file, 0o644);
    const { warnings } = loadConfig({ file, env: {}, sections: SECTIONS });
    const warning = warnings.find((item) => item.path === file);
    expect(warning?.message).toMatch(/readable by every user/);
    expect(warning?.message).toContain('routers[0].password');
    expect(warning?.message).not.toContain(ROUTER_PASSWORD);

    const check = cliIo(dir);
    expect(await main(['check-config', '--config', file], check.io)).toBe(0);
    expect(check.stderr.text).toMatch(/^warning: .*agent\.yaml: is readable by every user/m);

    const run = cliIo(dir);
    const exit = main(['run', '--config', file], run.io);
    cleanups.add(async () => {
      run.signal();
      await exit.catch(() => undefined);
    });
    await waitFor('agent started', () => run.stdout.text.includes('"msg":"agent started"'), 10_000);
    run.signal();
    expect(await exit).toBe(0);
    const logged = run.stdout.lines().find((line) => line.level === 'warn' && /readable by every user/.test(line.msg));
    expect(logged?.['key']).toBe(file);
    expect(leaks('run output', run.stdout.text + run.stderr.text)).toEqual([]);

    // The same file, private: no warning.
    chmodSync(file, 0o600);
    expect(loadConfig({ file, env: {}, sections: SECTIONS }).warnings.some((item) => item.path === file)).toBe(false);
  }, 20_000);
});
