/**
 * The `simulator:` section, owned by the RouterOS source: its keys go through the core loader's
 * schema checks, then listen host, profile and count are checked against the simulator's own rules,
 * and `faults` (a list of `{ router, kind, millis? }`) become fleet faults. A fault's router is checked
 * against the names the fleet will give its routers, so check-config catches a typo before a demo.
 */
import { isValidHost } from '../../../config/address.js';
import { joinPath, type Problems } from '../../../config/errors.js';
import { unknownMessage } from '../../../config/values.js';
import type { ConfigSection } from '../../../config/sections.js';
import type { AgentConfig } from '../../../config/types.js';
import { faultFromFields, type FleetFault } from './faults.js';
import { fleetSelectionProblems, MAX_FLEET_SIZE } from './fleet.js';

/** The built-in simulated fleet. */
export interface SimulatorConfig {
  readonly enabled: boolean;
  readonly count: number;
  readonly profile: string;
  readonly host: string;
  /** 0 picks free ports. */
  readonly portBase: number;
  /** Faults the simulated routers show from the start. */
  readonly faults?: readonly FleetFault[];
}

/** The section as convict checks it (file keys). */
interface RawSimulator {
  enabled: boolean;
  count: number;
  profile: string;
  host: string;
  port_base: number;
  faults: unknown[];
}

const SCHEMA = {
  enabled: {
    doc: 'Start built-in simulated routers and poll them as if they were real.',
    format: 'agent-boolean',
    default: false,
    env: 'MIKROTIK_AGENT_SIMULATOR_ENABLED',
  },
  count: {
    doc: 'Number of simulated routers.',
    format: 'agent-positive-int',
    default: 3,
    env: 'MIKROTIK_AGENT_SIMULATOR_COUNT',
  },
  profile: {
    doc: 'Simulator profile: mixed, v6, v7 or a profile id.',
    format: 'agent-string',
    default: 'mixed',
    env: 'MIKROTIK_AGENT_SIMULATOR_PROFILE',
  },
  host: {
    doc: 'Address the simulated routers listen on.',
    format: 'agent-string',
    default: '127.0.0.1',
  },
  port_base: {
    doc: 'First port of the simulated routers; 0 picks free ports.',
    format: 'agent-nat',
    default: 0,
  },
  faults: {
    doc: 'Faults of simulated routers from the start: a list of { router: <number from 1 or name>, kind, millis (latency only) }.',
    format: 'agent-list',
    default: [],
    items: {
      type: 'object',
      required: ['router', 'kind'],
      additionalProperties: false,
      properties: {
        router: { type: ['integer', 'string'], description: 'Router number from 1, or its name.' },
        kind: { type: 'string', description: 'Fault kind (see `simulate --help`).' },
        millis: { type: 'integer', minimum: 0, description: 'Delay of a latency fault.' },
      },
    },
  },
};

/** `simulator:` as the loader and check-config see it. */
export const SIMULATOR_SECTION: ConfigSection<SimulatorConfig> = {
  key: 'simulator',
  schema: SCHEMA,
  parse: (raw, context) => normaliseSimulator(raw as RawSimulator | undefined, context.problems),
  document: (simulator) => ({
    enabled: simulator.enabled,
    count: simulator.count,
    profile: simulator.profile,
    host: simulator.host,
    port_base: simulator.portBase,
    faults: (simulator.faults ?? []).map(({ router, fault }) => ({
      router,
      kind: fault.kind,
      ...(fault.kind === 'latency' ? { millis: fault.millis } : {}),
    })),
  }),
  hasTargets: (simulator) => simulator.enabled,
};

const DEFAULT_SIMULATOR: SimulatorConfig = Object.freeze({
  enabled: false,
  count: 3,
  profile: 'mixed',
  host: '127.0.0.1',
  portBase: 0,
  faults: [],
});

/** The simulator settings of a loaded config (off in configs built without the section). */
export function simulatorConfig(config: Pick<AgentConfig, 'sections'>): SimulatorConfig {
  const value = config.sections?.['simulator'];
  return value === undefined ? DEFAULT_SIMULATOR : (value as SimulatorConfig);
}

const FAULT_KEYS = ['router', 'kind', 'millis'] as const;

/** The simulator settings, or problems at their key paths. */
export function normaliseSimulator(given: RawSimulator | undefined, problems: Problems): SimulatorConfig {
  const raw: RawSimulator = given ?? { ...DEFAULT_SIMULATOR, port_base: 0, faults: [] };
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
