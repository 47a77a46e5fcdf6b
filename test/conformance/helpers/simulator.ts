/**
 * Shared by the client-against-simulator and conformance suites: simulated routers and
 * RouterOsClient connections that are always torn down, and a watcher for process-level errors.
 */
import { PROFILES } from '../../../src/sources/routeros/simulator/profiles.js';
import { SimulatedRouter, type SimulatedRouterOptions } from '../../../src/sources/routeros/simulator/router.js';
import { RouterOsClient, type RouterOsClientOptions } from '../../../src/sources/routeros/client/client.js';

/** Credentials every harness router accepts unless a test overrides them. */
export const USERNAME = 'admin';
export const PASSWORD = 'sim-secret';

/** Routers and clients of one test; `dispose()` closes the clients and stops the routers. */
export class SimulatorHarness {
  private readonly routers: SimulatedRouter[] = [];
  private readonly clients: RouterOsClient[] = [];

  /** Starts a router of a built-in profile on 127.0.0.1 with an ephemeral port. */
  async router(profileId: string, options: Partial<Omit<SimulatedRouterOptions, 'profile'>> = {}): Promise<SimulatedRouter> {
    const profile = PROFILES[profileId];
    if (!profile) throw new Error(`unknown simulator profile ${profileId}`);
    const router = new SimulatedRouter({
      profile,
      name: options.name ?? `sim-${profileId}-${this.routers.length + 1}`,
      username: USERNAME,
      password: PASSWORD,
      ...options,
    });
    this.routers.push(router);
    await router.start();
    return router;
  }

  /** Connects and logs in (short deadlines, no idle probe); the client is closed by dispose(). */
  async client(router: SimulatedRouter, overrides: Partial<RouterOsClientOptions> = {}): Promise<RouterOsClient> {
    const client = await RouterOsClient.connect(clientOptions(router, overrides));
    this.clients.push(client);
    return client;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.close()));
    await Promise.all(this.routers.splice(0).map((router) => router.stop()));
  }
}

/** Client options for a harness router: its port, the harness credentials, 2 s deadlines, no idle probe. */
export function clientOptions(router: SimulatedRouter, overrides: Partial<RouterOsClientOptions> = {}): RouterOsClientOptions {
  return {
    host: '127.0.0.1',
    port: router.port,
    username: USERNAME,
    password: PASSWORD,
    connectTimeoutMillis: 2_000,
    commandTimeoutMillis: 2_000,
    idleProbeMillis: 0,
    ...overrides,
  };
}

/**
 * Records `unhandledRejection` and `uncaughtException` while installed. Vitest's own handlers still
 * run; this only makes the events assertable per test file.
 */
export class ProcessErrorWatcher {
  readonly events: string[] = [];
  private readonly onRejection = (reason: unknown): void => {
    this.events.push(`unhandledRejection: ${describeValue(reason)}`);
  };
  private readonly onException = (error: unknown): void => {
    this.events.push(`uncaughtException: ${describeValue(error)}`);
  };

  install(): void {
    process.on('unhandledRejection', this.onRejection);
    process.on('uncaughtException', this.onException);
  }

  uninstall(): void {
    process.off('unhandledRejection', this.onRejection);
    process.off('uncaughtException', this.onException);
  }
}

function describeValue(value: unknown): string {
  return value instanceof Error ? `${value.name}: ${value.message}` : String(value);
}

/** Waits `millis` of real time. */
export function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}

/** The settled error of a promise that must reject (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** Retries `check` every 10 ms until it passes or `timeoutMillis` ran out (then throws its last error). */
export async function eventually(check: () => void, timeoutMillis = 1_000): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await sleep(10);
    }
  }
}
