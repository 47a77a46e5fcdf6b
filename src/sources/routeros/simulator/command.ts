/**
 * Body of `mikrotik-otel-agent simulate`: run a fleet until the signal aborts. The CLI parses the
 * flags and owns the process; this only starts, reports and stops.
 */
import { formatFault } from './faults.js';
import { SimulatedFleet, type FleetOptions } from './fleet.js';

export { fleetSelectionProblems } from './fleet.js';

/** Options of {@link runSimulateCommand}: the fleet's. */
export interface SimulateCommandOptions extends FleetOptions {}

/**
 * Starts the fleet, prints `router <name> listening on <host>:<port> (RouterOS <version>)` per router
 * (a router with a fault gets ` fault <kind>[:<millis>]` after it, so the documented prefix stays), and
 * resolves once `signal` aborted and every router stopped. With an already aborted signal it returns at
 * once without starting anything. Rejects (nothing left running) when the fleet cannot start.
 */
export async function runSimulateCommand(
  options: SimulateCommandOptions,
  out: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted) return;
  const fleet = await SimulatedFleet.start(options);
  try {
    for (const router of fleet.routers) {
      const fault = router.fault === undefined ? '' : ` fault ${formatFault(router.fault)}`;
      out(`router ${router.name} listening on ${router.address}:${router.port} (RouterOS ${router.version})${fault}`);
    }
    if (!signal.aborted) {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    }
  } finally {
    await fleet.stop();
  }
}
