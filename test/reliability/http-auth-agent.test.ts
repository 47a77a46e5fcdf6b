/**
 * Authentication of the agent's HTTP server, at agent level: the config (YAML through loadConfig, a
 * bcrypt hash for basic auth, a bearer token from a file) drives the real agent. /live and /ready stay
 * open for probes; /metrics, /health and / need basic or bearer credentials; wrong ones get 401 with
 * both challenges; over HTTPS the same holds and the loader has no clear-text warning to give.
 */
import { SECTIONS } from '../helpers/sections.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import bcrypt from 'bcryptjs';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, type Agent } from '../../src/agent.js';
import { loadConfig } from '../../src/config/load.js';
import { CleanupStack, httpGet, LogCapture, ProcessWatch, waitFor, type TimedResponse } from './helpers/harness.js';

const USER = 'prometheus';
const PASSWORD = 'scrape-pass-3b9f';
const TOKEN = 'scrape-token-71d0e2';
const HASH = bcrypt.hashSync(PASSWORD, 4);
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const serverFixture = (name: string): string => fileURLToPath(new URL(`../server/fixtures/${name}`, import.meta.url));

const cleanups = new CleanupStack();
afterEach(() => cleanups.run());

async function agentWith(serverYaml: string): Promise<{ agent: Agent; warnings: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'agent-auth-'));
  cleanups.add(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'token'), `${TOKEN}\n`, { mode: 0o600 });
  const file = join(dir, 'agent.yaml');
  writeFileSync(
    file,
    `${serverYaml}\ncollection: { interval: 1s, timeout: 800ms }\nsimulator: { enabled: true, count: 1, profile: chr-v7-18 }\n`,
    { mode: 0o600 },
  );
  const { config, warnings } = loadConfig({ file, env: {}, sections: SECTIONS });
  const agent = await startAgent(config, new LogCapture().logger('info'));
  cleanups.add(() => agent.shutdown());
  await waitFor('first round', () => agent.engine.firstRoundDone, 5_000);
  return { agent, warnings: warnings.map((warning) => `${warning.path}: ${warning.message}`) };
}

const AUTH_YAML = `server:
  listen: "127.0.0.1:0"
  auth:
    basic_users: { ${USER}: "${HASH}" }
    bearer_token_file: token`;

describe('HTTP authentication, agent level', () => {
  it('keeps /live and /ready open and requires basic (bcrypt) or bearer credentials elsewhere', async () => {
    const watch = new ProcessWatch().install();
    cleanups.add(() => watch.uninstall());
    const { agent, warnings } = await agentWith(AUTH_YAML);
    expect(warnings).toContain('server.auth: credentials cross the network in clear text without server.tls');
    const get = (path: string, authorization?: string): Promise<TimedResponse> =>
      httpGet(agent.address, path, authorization === undefined ? {} : { headers: { authorization } });

    for (const path of ['/live', '/ready']) {
      expect((await get(path)).status, path).toBe(200);
      // Credentials on an open path, even wrong ones, do not matter.
      expect((await get(path, basic(USER, 'wrong'))).status, path).toBe(200);
    }
    for (const path of ['/metrics', '/health', '/']) {
      const denied = await get(path);
      expect(denied.status, path).toBe(401);
      expect(String(denied.headers['www-authenticate']), path).toMatch(/Basic realm=.*Bearer realm=/);
      expect(denied.body).not.toContain('routeros');
      expect((await get(path, basic(USER, PASSWORD))).status, path).toBe(200);
      expect((await get(path, `Bearer ${TOKEN}`)).status, path).toBe(200);
      expect((await get(path, `bearer ${TOKEN}`)).status, `${path}, lower-case scheme`).toBe(200);
      for (const wrong of [
        basic(USER, 'wrong'),
        basic(USER, ''),
        basic('someone-else', PASSWORD),
        basic(USER, `${PASSWORD} `),
        `Bearer ${TOKEN}x`,
        `Bearer ${TOKEN.slice(0, -1)}`,
        `Bearer`,
        `Basic ${TOKEN}`,
        basic(USER, TOKEN),
        `Bearer ${basic(USER, PASSWORD).slice(6)}`,
        TOKEN,
        'Digest username="prometheus"',
      ]) {
        expect((await get(path, wrong)).status, `${path} with ${JSON.stringify(wrong)}`).toBe(401);
      }
    }
    const metrics = await get('/metrics', `Bearer ${TOKEN}`);
    expect(metrics.body).toMatch(/^routeros_up\{[^}]*router="sim-[^"]+"[^}]*\} 1/m);
    const health = JSON.parse((await get('/health', basic(USER, PASSWORD))).body) as { routers: unknown[] };
    expect(health.routers).toHaveLength(1);
    expect(watch.summary()).toEqual([]);
  });

  it('honours custom open_paths: only the listed paths skip authentication', async () => {
    const { agent } = await agentWith(`${AUTH_YAML}\n    open_paths: ["/live", "/metrics"]`);
    expect((await httpGet(agent.address, '/live')).status).toBe(200);
    expect((await httpGet(agent.address, '/metrics')).status).toBe(200);
    expect((await httpGet(agent.address, '/ready')).status).toBe(401);
    expect((await httpGet(agent.address, '/health')).status).toBe(401);
    expect((await httpGet(agent.address, '/ready', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('over HTTPS: the same rules, and no clear-text warning', async () => {
    const { agent, warnings } = await agentWith(
      `${AUTH_YAML}\n  tls: { cert_file: "${serverFixture('cert-a.pem')}", key_file: "${serverFixture('key-a.pem')}" }`,
    );
    expect(warnings.filter((warning) => warning.startsWith('server.auth'))).toEqual([]);
    const ca = readFileSync(serverFixture('cert-a.pem'));
    const get = (path: string, authorization?: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = httpsRequest(
          {
            host: agent.address.host,
            port: agent.address.port,
            path,
            ca,
            servername: 'localhost',
            agent: false,
            headers: { connection: 'close', ...(authorization === undefined ? {} : { authorization }) },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end();
      });
    expect(await get('/live')).toBe(200);
    expect(await get('/metrics')).toBe(401);
    expect(await get('/metrics', basic(USER, PASSWORD))).toBe(200);
    expect(await get('/health', `Bearer ${TOKEN}`)).toBe(200);
    // Plain HTTP on the HTTPS port gets nothing useful.
    await expect(httpGet(agent.address, '/metrics', { timeoutMillis: 2_000 })).rejects.toThrow();
  });
});
