/**
 * Simulated fleets for the benchmarks: the product's `SimulatedFleet` selections (`mixed`, `v6`,
 * `v7`, a profile id) plus a comma-separated list of profile ids, started as one fleet per profile.
 */
import { SimulatedFleet } from '../../src/sources/routeros/simulator/fleet.js';
import { PROFILES } from '../../src/sources/routeros/simulator/profiles.js';
import type { SimulatedRouter } from '../../src/sources/routeros/simulator/router.js';

/** Every built-in profile except the PPPoE concentrator, whose ~3,700 series per router dominate any mix. */
export const EDGE_PROFILES = 'edge';

/** Routers started together and stopped together. */
export interface BenchFleet {
  readonly routers: readonly SimulatedRouter[];
  /** Profile ids in the fleet, for the report. */
  readonly profiles: readonly string[];
  stop(): Promise<void>;
}

/** Profile ids a selection stands for, or undefined for a SimulatedFleet selection. */
function profileList(selection: string): string[] | undefined {
  if (selection === EDGE_PROFILES) {
    return Object.values(PROFILES)
      .filter((profile) => !profile.id.includes('pppoe'))
      .map((profile) => profile.id);
  }
  if (!selection.includes(',')) return undefined;
  const ids = selection.split(',').map((id) => id.trim());
  const unknown = ids.filter((id) => PROFILES[id] === undefined);
  if (unknown.length > 0) {
    throw new Error(`profiles: unknown profile ${unknown.join(', ')} (known: ${Object.keys(PROFILES).join(', ')})`);
  }
  return ids;
}

/** Starts `count` routers of `selection` on ephemeral loopback ports. */
export async function startBenchFleet(count: number, selection: string): Promise<BenchFleet> {
  const ids = profileList(selection);
  if (ids === undefined) {
    const fleet = await SimulatedFleet.start({ count, profile: selection });
    return { routers: fleet.routers, profiles: [...new Set(fleet.routers.map((router) => router.profileId))], stop: () => fleet.stop() };
  }
  const fleets: SimulatedFleet[] = [];
  try {
    for (const [index, id] of ids.entries()) {
      const share = Math.floor(count / ids.length) + (index < count % ids.length ? 1 : 0);
      if (share > 0) fleets.push(await SimulatedFleet.start({ count: share, profile: id }));
    }
  } catch (error) {
    await Promise.all(fleets.map((fleet) => fleet.stop()));
    throw error;
  }
  // Interleaved, as `mixed` does, so every slice of the fleet has every profile.
  const routers: SimulatedRouter[] = [];
  for (let row = 0; routers.length < count; row += 1) {
    for (const fleet of fleets) {
      const router = fleet.routers[row];
      if (router) routers.push(router);
    }
  }
  return {
    routers,
    profiles: ids,
    stop: async () => {
      await Promise.all(fleets.map((fleet) => fleet.stop()));
    },
  };
}
