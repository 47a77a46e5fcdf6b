/**
 * A fleet of simulated routers in one process, for the demo, load tests and `simulate`.
 * Routers share their (frozen) profiles, so a thousand of them stay small.
 */
import { type FleetFault, planFleetFaults, validateFault } from './faults.js';
import { profilesFor } from './profiles.js';
import { SimulatedRouter, type RouterProfile } from './router.js';

/** Options of {@link SimulatedFleet.start}. */
export interface FleetOptions {
  /** Number of routers, 1..10000. */
  count: number;
  /** `mixed`, `v6`, `v7` or a profile id (see PROFILES). */
  profile: string;
  /** Listen address of every router. @default '127.0.0.1' */
  host?: string;
  /** Router i listens on portBase + i; 0 gives each an ephemeral port. @default 0 */
  portBase?: number;
  /** @default 'admin' */
  username?: string;
  /** @default 'admin' */
  password?: string;
  /** Serve api-ssl with the bundled demo certificate. @default false */
  tls?: boolean;
  /** Faults the routers show from the start (router by number from 1 or by name); one per router at most. */
  faults?: readonly FleetFault[];
}

/** Largest fleet `start` accepts. */
export const MAX_FLEET_SIZE = 10_000;
/** Listeners opened at once; enough to start a thousand routers quickly without a burst of binds. */
const START_CONCURRENCY = 64;

/** Checks fleet options and returns every problem at once (empty when valid). */
export function fleetOptionProblems(options: FleetOptions): string[] {
  const problems: string[] = [];
  const { count, portBase = 0 } = options;
  const countIsValid = Number.isInteger(count) && count >= 1 && count <= MAX_FLEET_SIZE;
  if (!countIsValid) {
    problems.push(`count: must be an integer from 1 to ${MAX_FLEET_SIZE}, got ${String(count)}`);
  }
  if (!Number.isInteger(portBase) || portBase < 0 || portBase > 65_535) {
    problems.push(`portBase: must be 0 (ephemeral ports) or a port number, got ${String(portBase)}`);
  } else if (portBase > 0 && Number.isInteger(count) && portBase + count - 1 > 65_535) {
    problems.push(`portBase: ${portBase} + ${count} routers runs past port 65535`);
  }
  const faults = options.faults ?? [];
  const selection = fleetSelectionProblems(options.profile, countIsValid ? count : 1, faults);
  if (selection.profile !== undefined) problems.push(`profile: ${selection.profile}`);
  faults.forEach((fleetFault, entry) => {
    try {
      validateFault(fleetFault.fault);
    } catch (error) {
      problems.push(`faults[${entry}].${(error as Error).message}`);
    }
  });
  if (countIsValid) {
    for (const problem of selection.faults) problems.push(`faults[${problem.entry}].router: ${problem.message}`);
  }
  return problems;
}

/** What is wrong with a profile selection and the faults meant for its routers, for callers to put at their own keys. */
export interface FleetSelectionProblems {
  /** The unknown profile, without a key; the faults are then not checked. */
  readonly profile?: string;
  /** By entry of the faults: a router the fleet does not have, or a second fault for one router. */
  readonly faults: readonly { readonly entry: number; readonly message: string }[];
}

/** Checks `faults` against the routers a fleet of `count` routers of `profile` has. */
export function fleetSelectionProblems(profile: string, count: number, faults: readonly FleetFault[]): FleetSelectionProblems {
  let names: string[];
  try {
    names = fleetRouterNames(profile, count);
  } catch (error) {
    return { profile: (error as Error).message.replace(/^profile: /, ''), faults: [] };
  }
  return { faults: planFleetFaults(faults, names).problems };
}

/** The names `start` gives a fleet's routers, in order: `<identity>-<n>`, n from 1. Throws on an unknown profile. */
export function fleetRouterNames(profile: string, count: number): string[] {
  return profilesFor(profile, count).map(routerName);
}

function routerName(profile: RouterProfile, index: number): string {
  return `${profile.identity}-${index + 1}`;
}

/** Routers started together and stopped together. */
export class SimulatedFleet {
  readonly routers: readonly SimulatedRouter[];

  private constructor(routers: readonly SimulatedRouter[]) {
    this.routers = routers;
  }

  /**
   * Starts `count` routers named `<identity>-<n>` (n from 1). With `portBase`, router i listens on
   * `portBase + i`; if any port is taken, the routers already started are stopped and the error names it.
   * `faults` are in force once it resolves (a `refuse` router has closed its listener by then).
   */
  static async start(options: FleetOptions): Promise<SimulatedFleet> {
    const problems = fleetOptionProblems(options);
    if (problems.length > 0) throw new Error(`invalid simulator fleet options: ${problems.join('; ')}`);
    const portBase = options.portBase ?? 0;
    const profiles = profilesFor(options.profile, options.count);
    const names = profiles.map(routerName);
    const routers = profiles.map(
      (profile, index) =>
        new SimulatedRouter({
          profile,
          name: routerName(profile, index),
          host: options.host ?? '127.0.0.1',
          port: portBase === 0 ? 0 : portBase + index,
          ...(options.username === undefined ? {} : { username: options.username }),
          ...(options.password === undefined ? {} : { password: options.password }),
          ...(options.tls ? { tls: { mode: 'certificate' as const } } : {}),
        }),
    );
    const fleet = new SimulatedFleet(routers);
    try {
      for (let first = 0; first < routers.length; first += START_CONCURRENCY) {
        await Promise.all(routers.slice(first, first + START_CONCURRENCY).map((router) => router.start()));
      }
      // After start, so every router has its port even when its fault is to refuse connections.
      const { byIndex } = planFleetFaults(options.faults ?? [], names);
      for (const [index, fault] of byIndex) routers[index]?.setFault(fault);
      await Promise.all([...byIndex.keys()].map((index) => routers[index]?.settled()));
    } catch (error) {
      await fleet.stop();
      throw error;
    }
    return fleet;
  }

  /** Stops every router. Idempotent. */
  async stop(): Promise<void> {
    await Promise.all(this.routers.map((router) => router.stop()));
  }
}
