/**
 * The real program as an operator runs it: `node dist/cli.js` in a process of its own, stopped by a real
 * SIGTERM. `run` must serve polled router data and, on SIGTERM, log "shutdown complete" and exit 0 within the
 * issue's 10 s; `simulate` must print one line per router, accept a RouterOS login with admin/admin (plain and
 * api-ssl) and exit 0 promptly. dist/ is what `npm test` builds in its pretest step.
 */
import { X509Certificate } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../src/sources/routeros/client/errors.js';
import { RouterOsClient, type RouterOsTlsOptions } from '../../src/sources/routeros/client/client.js';
import { DEMO_CERTIFICATE_PEM } from '../../src/sources/routeros/simulator/demo-certificate.js';
import { fileURLToPath } from 'node:url';
import { logLines, SHUTDOWN_BOUND_MILLIS, startCli, stopCliProcesses, terminate, waitForOutput, type LogLine } from '../helpers/cli-process.js';
import { httpRequest, ManagedProcess } from '../helpers/processes.js';

/** `simulate` has nothing to flush: stopping a few listening sockets takes milliseconds, not seconds. */
const SIMULATE_STOP_BOUND_MILLIS = 3_000;

afterEach(stopCliProcesses);

/** `count` consecutive TCP ports on 127.0.0.1 that were free a moment ago. */
async function freePortRange(count: number): Promise<number> {
  const bindable = (port: number): Promise<boolean> =>
    new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const results = await Promise.all(Array.from({ length: count }, (_, index) => bindable(base + index)));
    if (results.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

/** The documented line; a router with a fault (`--fault`) has ` fault <kind>[:<millis>]` after it. */
const LISTENING = /^router (\S+) listening on (\S+):(\d+) \(RouterOS (\S+)\)(?: fault (\S+))?$/gm;

interface ListeningRouter {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly version: string;
  readonly fault: string | undefined;
}

function listeningRouters(output: string): ListeningRouter[] {
  return [...output.matchAll(LISTENING)].map((match) => ({
    name: match[1] ?? '',
    host: match[2] ?? '',
    port: Number(match[3]),
    version: match[4] ?? '',
    fault: match[5],
  }));
}

/** Logs in with admin/admin and reads identity and version; a wrong password is refused. */
async function loginAndRead(router: ListeningRouter, tls?: RouterOsTlsOptions): Promise<{ identity: string; version: string }> {
  const options = { host: router.host, port: router.port, username: 'admin', ...(tls === undefined ? {} : { tls }) };
  const client = await RouterOsClient.connect({ ...options, password: 'admin', connectTimeoutMillis: 5_000 });
  try {
    const [identity] = await client.print('/system/identity');
    const [resource] = await client.print('/system/resource');
    await expect(RouterOsClient.connect({ ...options, password: 'not-admin', connectTimeoutMillis: 5_000 })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    return { identity: String(identity?.['name']), version: String(resource?.['version']) };
  } finally {
    await client.close();
  }
}

/**
 * Runs `run` on a config of `server` and `count` simulated routers written into `dir`; resolves with the
 * address from the "agent started" line (port 0 in the config: the bound port is only known from there).
 */
async function startAgentProcess(name: string, dir: string, server: string, count: number): Promise<{ agent: ManagedProcess; address: string }> {
  const config = join(dir, 'agent.yaml');
  writeFileSync(
    config,
    [server, 'collection: { interval: 5s, timeout: 3s }', `simulator: { enabled: true, count: ${count}, profile: mixed }`, 'log: { level: info, format: json }'].join('\n'),
  );
  const agent = startCli(name, ['run', '--config', config], [dir]);
  const address = await waitForOutput(agent, 'the "agent started" line', (output) => {
    const started = logLines(output).find((line) => line.msg === 'agent started');
    return started === undefined ? undefined : String(started['address']);
  });
  return { agent, address };
}

describe('node dist/cli.js run', () => {
  it('serves polled router data, and on SIGTERM logs "shutdown complete" and exits 0 within 10 s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-process-'));
    const { agent, address } = await startAgentProcess('agent run', dir, 'server: { listen: "127.0.0.1:0" }', 2);
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    const deadline = Date.now() + 15_000;
    let body = '';
    while (Date.now() < deadline) {
      body = (await httpRequest(`http://${address}/metrics`, { timeoutMillis: 2_000 })).body;
      if ((body.match(/^routeros_up\{[^}]*\} 1$/gm) ?? []).length === 2 && /^routeros_interface_receive_bytes_total\{/m.test(body)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(body.match(/^routeros_up\{[^}]*\} 1$/gm)).toHaveLength(2);
    expect(body).toMatch(/^routeros_interface_receive_bytes_total\{[^}]*router="[^"]+"/m);
    // The build, as --version prints it (the commit baked into dist/ by the build).
    const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const buildInfo = /^mikrotik_agent_build_info\{([^}]*)\} 1$/m.exec(body)?.[1] ?? '';
    expect(buildInfo).toContain(`version="${version.version}"`);
    expect(buildInfo).toContain(`node_version="${process.version}"`);
    expect(buildInfo).toMatch(/commit="[0-9a-f]{12}"/);

    const exit = await terminate(agent);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.millis).toBeLessThan(SHUTDOWN_BOUND_MILLIS);
    const messages = logLines(agent.outputTail());
    expect(messages.find((line) => line.msg === 'shutting down')?.['signal']).toBe('SIGTERM');
    expect(messages.map((line) => line.msg)).toContain('shutdown complete');
    expect(messages.at(-1)?.msg).toBe('shutdown complete');
  }, 40_000);
});

const SERVER_FIXTURES = fileURLToPath(new URL('../server/fixtures/', import.meta.url));

/** SHA-256 fingerprint of the certificate a TLS server at `address` presents. */
function servedFingerprint(address: string): Promise<string> {
  const [host, port] = address.split(':') as [string, string];
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host, port: Number(port), rejectUnauthorized: false }, () => {
      const fingerprint = socket.getPeerX509Certificate()?.fingerprint256 ?? '';
      socket.end();
      resolve(fingerprint);
    });
    socket.once('error', reject);
  });
}

describe('node dist/cli.js run: SIGHUP', () => {
  it('reloads the server TLS files, logs that it did, and never stops the agent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-sighup-'));
    const certFile = join(dir, 'server.pem');
    const keyFile = join(dir, 'server-key.pem');
    copyFileSync(join(SERVER_FIXTURES, 'cert-a.pem'), certFile);
    copyFileSync(join(SERVER_FIXTURES, 'key-a.pem'), keyFile);
    const server = `server: { listen: "127.0.0.1:0", tls: { cert_file: ${JSON.stringify(certFile)}, key_file: ${JSON.stringify(keyFile)} } }`;
    const { agent, address } = await startAgentProcess('agent run (tls)', dir, server, 1);
    const certA = new X509Certificate(readFileSync(join(SERVER_FIXTURES, 'cert-a.pem'))).fingerprint256;
    const certB = new X509Certificate(readFileSync(join(SERVER_FIXTURES, 'cert-b.pem'))).fingerprint256;
    expect(await servedFingerprint(address)).toBe(certA);
    const pid = agent.pid;
    if (pid === undefined) throw new Error('no pid');
    const sighupLines = (): LogLine[] => logLines(agent.outputTail()).filter((line) => line['signal'] === 'SIGHUP');

    // A renewal as certbot does it: new files renamed into place, then the operator's reload.
    copyFileSync(join(SERVER_FIXTURES, 'cert-b.pem'), `${certFile}.new`);
    copyFileSync(join(SERVER_FIXTURES, 'key-b.pem'), `${keyFile}.new`);
    renameSync(`${keyFile}.new`, keyFile);
    renameSync(`${certFile}.new`, certFile);
    process.kill(pid, 'SIGHUP');
    const first = await waitForOutput(agent, 'a SIGHUP log line', (output) =>
      logLines(output).find((line) => line['signal'] === 'SIGHUP'),
    );
    // The 10 s file poll may have swapped the certificate just before the signal; then the SIGHUP finds the
    // files unchanged, and the poll's own line says it reloaded them.
    const pollReloaded = logLines(agent.outputTail()).some((line) => line.msg === 'server TLS certificate and key reloaded');
    expect(first['server_tls'] === 'reloaded' || (first['server_tls'] === 'unchanged' && pollReloaded)).toBe(true);
    expect(first.msg).toMatch(/^SIGHUP: /);
    expect(await servedFingerprint(address)).toBe(certB);

    // A second reload with nothing changed: logged, and the agent still serves.
    process.kill(pid, 'SIGHUP');
    await waitForOutput(agent, 'a second SIGHUP line', () => (sighupLines().length >= 2 ? true : undefined));
    expect(sighupLines()[1]?.['server_tls']).toBe('unchanged');
    expect(agent.exitStatus).toBeUndefined();
    expect(await servedFingerprint(address)).toBe(certB);

    const exit = await terminate(agent);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(agent.outputTail()).not.toContain('BEGIN');
  }, 40_000);
});

describe('node dist/cli.js simulate', () => {
  it('--count 2 --port-base P: two routers on P and P+1 that accept admin/admin, and SIGTERM exits 0 promptly', async () => {
    const portBase = await freePortRange(2);
    const simulator = startCli('simulate', ['simulate', '--count', '2', '--port-base', String(portBase)]);
    const routers = await waitForOutput(simulator, 'two "listening" lines', (output) => {
      const found = listeningRouters(output);
      return found.length >= 2 ? found : undefined;
    });
    expect(routers.map((router) => [router.host, router.port])).toEqual([
      ['127.0.0.1', portBase],
      ['127.0.0.1', portBase + 1],
    ]);
    for (const router of routers) {
      const read = await loginAndRead(router);
      expect(read.identity).toBe(router.name);
      expect(read.version.startsWith(router.version)).toBe(true);
    }
    // SIGHUP (a closed terminal, a careless reload) does not stop the simulator either.
    process.kill(simulator.pid ?? 0, 'SIGHUP');
    expect((await loginAndRead(routers[0] as ListeningRouter)).identity).toBe(routers[0]?.name);
    expect(simulator.exitStatus).toBeUndefined();
    const exit = await terminate(simulator);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.millis).toBeLessThan(SIMULATE_STOP_BOUND_MILLIS);
    expect(listeningRouters(simulator.outputTail())).toHaveLength(2);
  }, 30_000);

  it('--fault applies from the start: the auth-failure router refuses admin/admin, the slow one answers late, the others as usual', async () => {
    const simulator = startCli('simulate --fault', [
      'simulate', '--port-base', '0', '--count', '4', '--fault', '2=auth-failure', '--fault', 'hex-3=latency:400',
    ]);
    const routers = await waitForOutput(simulator, 'four "listening" lines', (output) => {
      const found = listeningRouters(output);
      return found.length >= 4 ? found : undefined;
    });
    expect(routers.map((router) => [router.name, router.fault])).toEqual([
      ['hap-ac2-1', undefined],
      ['rb750-2', 'auth-failure'],
      ['hex-3', 'latency:400'],
      ['rb4011-4', undefined],
    ]);
    const [healthy, refusing, slow, other] = routers as [ListeningRouter, ListeningRouter, ListeningRouter, ListeningRouter];
    await expect(
      RouterOsClient.connect({ host: refusing.host, port: refusing.port, username: 'admin', password: 'admin', connectTimeoutMillis: 5_000 }),
    ).rejects.toBeInstanceOf(AuthenticationError);
    for (const router of [healthy, other]) expect((await loginAndRead(router)).identity).toBe(router.name);
    const client = await RouterOsClient.connect({ host: slow.host, port: slow.port, username: 'admin', password: 'admin', connectTimeoutMillis: 5_000 });
    try {
      const startedAt = Date.now();
      const [identity] = await client.print('/system/identity');
      expect(identity?.['name']).toBe('hex-3');
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(390);
    } finally {
      await client.close();
    }
    const exit = await terminate(simulator);
    expect(exit).toMatchObject({ code: 0, signal: null });
  }, 30_000);

  it('--fault with an unknown kind exits 2 before listening, naming the flag, the value and the kinds', async () => {
    const simulator = startCli('simulate --fault bad', ['simulate', '--port-base', '0', '--fault', '2=explode']);
    const exit = await simulator.exited;
    expect(exit).toMatchObject({ code: 2, signal: null });
    expect(simulator.outputTail()).toContain('error: --fault "2=explode": unknown fault "explode" (known: latency, hang-before-login,');
    expect(listeningRouters(simulator.outputTail())).toEqual([]);
  }, 30_000);

  it('--tls serves api-ssl with the demo certificate; the default count is 3', async () => {
    const simulator = startCli('simulate --tls', ['simulate', '--tls', '--port-base', '0']);
    const routers = await waitForOutput(simulator, 'three "listening" lines', (output) => {
      const found = listeningRouters(output);
      return found.length >= 3 ? found : undefined;
    });
    const pinned: RouterOsTlsOptions = { mode: 'pinned', fingerprint: new X509Certificate(DEMO_CERTIFICATE_PEM).fingerprint256 };
    for (const router of routers) {
      const read = await loginAndRead(router, pinned);
      expect(read.identity).toBe(router.name);
    }
    // Every line is printed before the routers are used, so by now a fourth would be there.
    expect(listeningRouters(simulator.outputTail())).toHaveLength(3);
    // Plain API on a TLS port gets no login.
    await expect(
      RouterOsClient.connect({ host: '127.0.0.1', port: routers[0]?.port ?? 0, username: 'admin', password: 'admin', connectTimeoutMillis: 1_000 }),
    ).rejects.toThrow();
    const exit = await terminate(simulator);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.millis).toBeLessThan(SIMULATE_STOP_BOUND_MILLIS);
  }, 30_000);
});
