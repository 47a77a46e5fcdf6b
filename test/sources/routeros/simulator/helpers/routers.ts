/**
 * Test helpers: routers and clients that are cleaned up after each test.
 */
import { afterEach } from 'vitest';
import { PROFILES } from '../../../../../src/sources/routeros/simulator/profiles.js';
import { SimulatedRouter, type SimulatedRouterOptions } from '../../../../../src/sources/routeros/simulator/router.js';
import { RawClient, type RawClientOptions } from './raw-client.js';

const routers: SimulatedRouter[] = [];
const clients: RawClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(routers.splice(0).map((router) => router.stop()));
});

/** Starts a router of a built-in profile (stopped after the test). */
export async function startRouter(
  profileId: string,
  options: Partial<Omit<SimulatedRouterOptions, 'profile'>> = {},
): Promise<SimulatedRouter> {
  const profile = PROFILES[profileId];
  if (!profile) throw new Error(`no profile ${profileId}`);
  const router = new SimulatedRouter({ profile, name: options.name ?? `test-${profileId}`, ...options });
  routers.push(router);
  await router.start();
  return router;
}

/** Connects a raw client (closed after the test). */
export async function connect(router: SimulatedRouter, options: RawClientOptions = {}): Promise<RawClient> {
  const client = await RawClient.connect(router.port, options);
  clients.push(client);
  return client;
}

/** Connects and logs in with admin/admin. */
export async function loggedIn(router: SimulatedRouter, options: RawClientOptions = {}): Promise<RawClient> {
  const client = await connect(router, options);
  const reply = await client.login();
  if (reply.length !== 1 || reply[0]![0] !== '!done') throw new Error(`login failed: ${JSON.stringify(reply)}`);
  return client;
}

/** A clock tests move by hand. */
export class FakeClock {
  constructor(public now = Date.UTC(2026, 0, 15, 12, 0, 0)) {}
  readonly read = (): number => this.now;
  advance(millis: number): void {
    this.now += millis;
  }
}
