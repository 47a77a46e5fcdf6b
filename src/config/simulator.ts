/**
 * The `simulator:` section after convict: listen host, profile and count checked against the simulator's own
 * rules, and `faults` (a list of `{ router, kind, millis? }`) turned into fleet faults. A fault's router is
 * checked against the names the fleet will give its routers, so check-config catches a typo before a demo.
 */
import { faultFromFields, type FleetFault } from '../sources/routeros/simulator/faults.js';
import { fleetSelectionProblems, MAX_FLEET_SIZE } from '../sources/routeros/simulator/fleet.js';
import { isValidHost } from './address.js';
import { unknownMessage } from './collectors.js';
import { joinPath, type Problems } from './errors.js';
import type { RawConfig } from './schema.js';
import type { SimulatorConfig } from './types.js';

const FAULT_KEYS = ['router', 'kind', 'millis'] as const;

/** The simulator settings, or problems at their key paths. */
export function normaliseSimulator(raw: RawConfig['simulator'], problems: Problems): SimulatorConfig {
  if (!isValidHost(raw.host)) problems.add('simulator.host', 'must be an IP address or a host name');
  const countIsValid = raw.count <= MAX_FLEET_SIZE;
  if (!countIsValid) problems.add('simulator.count', `must be at most ${MAX_FLEET_SIZE}`);
  const faults: FleetFault[] = [];
  const entries: number[] = [];
  raw.faults.forEach((item: unknown, entry) => {
    const fleetFault = readFault(item, joinPath('simulator.faults', entry), problems);
    if (fleetFault === undefined) return;
    faults.push(fleetFault);
    entries.push(entry);
  });
  const selection = fleetSelectionProblems(raw.profile, countIsValid ? raw.count : 1, faults);
  if (selection.profile !== undefined) problems.add('simulator.profile', selection.profile);
  if (countIsValid) {
    for (const problem of selection.faults) {
      problems.add(`${joinPath('simulator.faults', entries[problem.entry] ?? problem.entry)}.router`, problem.message);
    }
  }

  return {
    enabled: raw.enabled,
    count: raw.count,
    profile: raw.profile,
    host: raw.host,
    portBase: raw.port_base,
    faults,
  };
}

function readFault(item: unknown, path: string, problems: Problems): FleetFault | undefined {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    problems.add(path, 'must be a mapping: { router: <number from 1 or name>, kind: <fault>, millis: <for latency> }');
    return undefined;
  }
  const fields = item as Record<string, unknown>;
  let valid = true;
  for (const key of Object.keys(fields)) {
    if (!(FAULT_KEYS as readonly string[]).includes(key)) {
      problems.add(joinPath(path, key), unknownMessage('key', key, FAULT_KEYS));
      valid = false;
    }
  }
  const router = readRouter(fields['router'], joinPath(path, 'router'), problems);
  const built = faultFromFields(fields['kind'], wholeNumber(fields['millis']));
  if ('problems' in built) {
    for (const problem of built.problems) problems.add(joinPath(path, problem.field), problem.message);
    return undefined;
  }
  return router === undefined || !valid ? undefined : { router, fault: built.fault };
}

/** A router by number from 1 (as in its name `hex-3`) or by name; digits from `${VAR}` count as a number. */
function readRouter(value: unknown, path: string, problems: Problems): number | string | undefined {
  const router = wholeNumber(value);
  if (typeof router === 'number' && Number.isSafeInteger(router) && router >= 1) return router;
  if (typeof router === 'string' && router !== '') return router;
  problems.add(path, value === undefined ? 'required: the router number from 1 (hex-3 is 3) or its name' : 'must be a router number from 1 (hex-3 is 3) or a router name');
  return undefined;
}

/** A string of digits (what `${VAR}` gives) as the number it writes; anything else unchanged. */
function wholeNumber(value: unknown): unknown {
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
}
