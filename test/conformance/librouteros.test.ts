/**
 * Conformance: Debian's python3-librouteros 3.4.x (installed into .tools/ by scripts/install-tools.sh)
 * against the simulator, as a child process. librouteros has strict framing, untagged commands and
 * its own query builder (`?=type=ether`, `?#|`, `?#!`), so it checks the simulator from another angle
 * than node-routeros and our client.
 *
 * librouteros 3.4.1 `Api.readResponse` reads sentences until `!done` and keeps only `!re`/`!done`
 * data and `!trap`s: any other reply word, `!empty` included, is skipped. So on 7.18+ an empty print
 * is simply `[]` there (no error), and that is what the `!empty` test asserts.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/sources/routeros/simulator/profiles.js';
import type { SimulatedRouter } from '../../src/sources/routeros/simulator/router.js';
import { pythonEnv } from '../helpers/tools.js';
import { runJsonChild } from './helpers/child.js';
import { PASSWORD, ProcessErrorWatcher, SimulatorHarness, sleep, USERNAME } from './helpers/simulator.js';

const SCRIPT = fileURLToPath(new URL('./librouteros_check.py', import.meta.url));
const harness = new SimulatorHarness();
const processErrors = new ProcessErrorWatcher();

beforeAll(() => processErrors.install());
afterEach(async () => {
  await harness.dispose();
  await sleep(20);
  expect(processErrors.events).toEqual([]);
});
afterAll(() => {
  processErrors.uninstall();
  expect(processErrors.events).toEqual([]);
});

type Scenario = 'session' | 'bad-login' | 'empty';

interface CheckOutput {
  ok?: Record<string, unknown>;
  error?: string;
  message?: string;
  trace?: string;
  librouteros: string | null;
}

/** Runs librouteros_check.py for one scenario; throws (with the python trace) when librouteros raised. */
async function check(router: SimulatedRouter, scenario: Scenario, login: 'plain' | 'token' = 'plain'): Promise<Record<string, unknown>> {
  // pythonEnv() throws with the installer hint when librouteros is missing: the test fails, never skips.
  const env = pythonEnv();
  const spec = { port: router.port, username: USERNAME, password: PASSWORD, login, scenario };
  const { exitCode, json, stderr } = await runJsonChild<CheckOutput>({
    command: 'python3',
    args: [SCRIPT, JSON.stringify(spec)],
    env,
    timeoutMillis: 10_000,
  });
  expect(exitCode, stderr).toBe(0);
  expect(json.librouteros).toMatch(/^3\.4\./);
  if (!json.ok) throw new Error(`librouteros raised ${json.error}: ${json.message}\n${json.trace}`);
  return json.ok;
}

function names(profileId: string, keep: (row: Record<string, string>) => boolean): string[] {
  return (PROFILES[profileId]?.menus['/interface']?.rows ?? []).filter(keep).map((row) => row['name']!);
}

describe('python librouteros 3.4 against the simulator', () => {
  it('plaintext login (7.16): prints with proplist and queries, count-only, monitor, traps', async () => {
    const router = await harness.router('hex-v7', { name: 'py-hex' });
    const result = await check(router, 'session');
    const ethers = names('hex-v7', (row) => row['type'] === 'ether');
    expect(result).toEqual({
      identity: ['py-hex'],
      ethers: {
        result: ethers.map((name) => ({ name, type: 'ether' })),
        sent: [['/interface/print', '=.proplist=name,type', '?=type=ether']],
        // Untagged command, untagged replies: one !re per row, then !done.
        replies: [...ethers.map(() => '!re'), '!done'],
      },
      etherOrVlan: names('hex-v7', (row) => row['type'] === 'ether' || row['type'] === 'vlan'),
      notEther: names('hex-v7', (row) => row['type'] !== 'ether'),
      allNames: names('hex-v7', () => true),
      // librouteros casts numeric values to int.
      countOnly: [{ ret: 10 }],
      countEthers: [{ ret: ethers.length }],
      monitor: ['ether1', 'ether2'],
      // librouteros keeps the trap category (node-routeros drops it).
      unknownPath: { trap: 'no such command or directory (adress)', category: 0 },
      missingMenu: { trap: 'no such command prefix', category: null },
      identityAfterTraps: ['py-hex'],
    });
    expect(router.stats).toMatchObject({ logins: 1, failedLogins: 0 });
  });

  it('plaintext login on 6.49 long-term (plaintext only since 6.45.1)', async () => {
    const router = await harness.router('hap-ac2-v6', { name: 'py-hap' });
    const result = await check(router, 'session');
    expect(result['identity']).toEqual(['py-hap']);
    expect(result['ethers']).toMatchObject({
      result: names('hap-ac2-v6', (row) => row['type'] === 'ether').map((name) => ({ name, type: 'ether' })),
    });
    expect(router.stats).toMatchObject({ logins: 1, failedLogins: 0 });
  });

  it('legacy token login (login_method=librouteros.login.token) on 6.40', async () => {
    const router = await harness.router('rb750-v6-legacy', { name: 'py-legacy' });
    const result = await check(router, 'session', 'token');
    expect(result['identity']).toEqual(['py-legacy']);
    expect(result['ethers']).toMatchObject({
      result: names('rb750-v6-legacy', (row) => row['type'] === 'ether').map((name) => ({ name, type: 'ether' })),
    });
    expect(result['countOnly']).toEqual([{ ret: names('rb750-v6-legacy', () => true).length }]);
    expect(router.stats).toMatchObject({ logins: 1, failedLogins: 0 });
  });

  it('bad credentials raise the version-specific trap in both login methods', async () => {
    const modern = await harness.router('hex-v7');
    const legacy = await harness.router('rb750-v6-legacy');
    const [plainResult, tokenResult] = await Promise.all([check(modern, 'bad-login'), check(legacy, 'bad-login', 'token')]);
    expect(plainResult).toEqual({ trap: 'invalid user name or password (6)', category: null });
    expect(tokenResult).toEqual({ trap: 'cannot log in', category: null });
    expect(modern.stats.failedLogins).toBe(1);
    expect(legacy.stats.failedLogins).toBe(1);
  });

  it('!empty on the 7.18+ profile: librouteros skips it, prints give [] and the connection stays usable', async () => {
    const router = await harness.router('chr-v7-18', { name: 'py-chr' });
    const result = await check(router, 'empty');
    expect(result).toEqual({
      // The wire shows the simulator's `!empty` before `!done`; librouteros returns no rows for it.
      health: { result: [], sent: [['/system/health/print']], replies: ['!empty', '!done'] },
      noVlans: {
        result: [],
        sent: [['/interface/print', '=.proplist=name', '?=type=vlan']],
        replies: ['!empty', '!done'],
      },
      countHealth: [{ ret: 0 }],
      identityAfter: ['py-chr'],
    });
    expect(router.stats).toMatchObject({ logins: 1, commands: 4 });
  });
});
