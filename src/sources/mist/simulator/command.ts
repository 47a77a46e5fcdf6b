/**
 * `simulate-mist`: the Mist simulator on its own until interrupted, for demos and for pointing
 * another exporter (mistexporter itself, with a stream URL override) at it.
 */
import { parseArgs } from 'node:util';
import { parseDuration } from '../../../config/duration.js';
import { MistSimulator, type MistSimulatorOptions } from './server.js';

export const MIST_SIMULATE_HELP = `Usage: mikrotik-otel-agent simulate-mist [options]

Runs a simulated Juniper Mist organisation (REST and WebSocket stream) until interrupted.

Options:
      --host HOST        Address to listen on (default 127.0.0.1)
      --port P           Port (default 0: any free port; printed)
      --api-key KEY      Token clients must send (default mist-simulator-key; or $MIST_SIMULATOR_KEY)
      --sites N          Sites (default 3)
      --aps N            Access points per site (default 2)
      --clients N        Clients per site (default 4)
      --period D         Stats period (default 2s)
      --no-scenario      No roams, departures, rename or site removal
      --auth-status S    Status for a wrong token: 401 (default) or 403
      --fault F          Repeatable: 429:N[:SECONDS], 500:N, 503:N, latency:MS, malformed-json:N,
                         malformed-data:N, partial:N, fractional:N, ping:MS, drop-every:D, stall-after:D
`;

export interface MistSimulateOptions {
  readonly simulator: MistSimulatorOptions;
  readonly faults: readonly string[];
  readonly dropEveryMillis: number;
  readonly stallAfterMillis: number;
}

function count(value: string | undefined, name: string, fallback: number, max: number): number | string {
  if (value === undefined) return fallback;
  const number = Number(value);
  return Number.isInteger(number) && number >= 1 && number <= max ? number : `--${name} must be a whole number from 1 to ${max}`;
}

/** The options, or the usage problem. */
export function parseMistSimulateArgs(args: readonly string[], env: NodeJS.ProcessEnv): MistSimulateOptions | string {
  let values;
  try {
    values = parseArgs({
      args: [...args],
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'api-key': { type: 'string' },
        sites: { type: 'string' },
        aps: { type: 'string' },
        clients: { type: 'string' },
        period: { type: 'string' },
        'no-scenario': { type: 'boolean' },
        'auth-status': { type: 'string' },
        fault: { type: 'string', multiple: true },
      },
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (error) {
    return (error as Error).message;
  }
  const sites = count(values.sites, 'sites', 3, 50);
  const aps = count(values.aps, 'aps', 2, 50);
  const clients = count(values.clients, 'clients', 4, 500);
  for (const value of [sites, aps, clients]) if (typeof value === 'string') return value;
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) return '--port must be from 0 to 65535';
  const period = values.period === undefined ? 2_000 : parseDuration(values.period);
  if (period === undefined || period < 10) return '--period must be a duration of at least 10ms, like 2s';
  const authStatus = values['auth-status'] ?? '401';
  if (authStatus !== '401' && authStatus !== '403') return '--auth-status must be 401 or 403';
  const apiKey = values['api-key'] ?? env['MIST_SIMULATOR_KEY'] ?? 'mist-simulator-key';
  if (apiKey === '') return '--api-key must not be empty';
  let dropEveryMillis = 0;
  let stallAfterMillis = 0;
  const faults: string[] = [];
  for (const fault of values.fault ?? []) {
    const [kind = '', first = '', second] = fault.split(':');
    const number = Number(first);
    if (kind === 'drop-every' || kind === 'stall-after') {
      const millis = parseDuration(first);
      if (millis === undefined || millis <= 0) return `--fault ${fault}: ${kind} takes a duration, like ${kind}:30s`;
      if (kind === 'drop-every') dropEveryMillis = millis;
      else stallAfterMillis = millis;
      continue;
    }
    if (!['429', '500', '503', 'latency', 'malformed-json', 'malformed-data', 'partial', 'fractional', 'ping'].includes(kind)) {
      return `--fault ${fault}: unknown kind "${kind}"`;
    }
    if (!Number.isInteger(number) || number < 0) return `--fault ${fault}: needs a whole number after the colon`;
    if (second !== undefined && (kind !== '429' || !Number.isInteger(Number(second)))) return `--fault ${fault}: only 429 takes a second number (Retry-After seconds)`;
    faults.push(fault);
  }
  return {
    simulator: {
      apiKey,
      host: values.host ?? '127.0.0.1',
      port,
      sites: sites as number,
      apsPerSite: aps as number,
      clientsPerSite: clients as number,
      periodMillis: period,
      scenario: values['no-scenario'] !== true,
      authFailureStatus: authStatus === '403' ? 403 : 401,
    },
    faults,
    dropEveryMillis,
    stallAfterMillis,
  };
}

/** Applies `--fault` values to a running simulator. */
export function applyFaults(simulator: MistSimulator, faults: readonly string[]): void {
  for (const fault of faults) {
    const [kind, first = '0', second] = fault.split(':');
    const number = Number(first);
    if (kind === '429') simulator.faults.rest429 = { count: number, retryAfterSeconds: second === undefined ? 1 : Number(second) };
    else if (kind === '500' || kind === '503') simulator.faults.restError = { count: number, status: kind === '500' ? 500 : 503, match: '' };
    else if (kind === 'latency') simulator.faults.latencyMillis = number;
    else if (kind === 'malformed-json') simulator.faults.restMalformed = { count: number, match: '' };
    else if (kind === 'malformed-data') simulator.faults.malformedData = number;
    else if (kind === 'partial') simulator.faults.partialObjects = number;
    else if (kind === 'fractional') simulator.faults.fractionalIntegers = number;
    else if (kind === 'ping') simulator.faults.pingIntervalMillis = number;
  }
}

export async function runMistSimulator(options: MistSimulateOptions, out: (line: string) => void, signal: AbortSignal): Promise<void> {
  const simulator = await MistSimulator.start(options.simulator);
  applyFaults(simulator, options.faults);
  const timers: NodeJS.Timeout[] = [];
  if (options.dropEveryMillis > 0) timers.push(setInterval(() => simulator.dropConnections(), options.dropEveryMillis));
  if (options.stallAfterMillis > 0) timers.push(setTimeout(() => simulator.stallConnections(), options.stallAfterMillis));
  out(`Mist simulator: organisation ${simulator.world.orgId}, ${simulator.world.sites.length} sites`);
  out(`  base_url:   ${simulator.baseUrl}`);
  out(`  stream_url: ${simulator.streamUrl}`);
  out('  api_key:    the --api-key value (Authorization: Token <key>)');
  try {
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    for (const timer of timers) clearTimeout(timer);
    await simulator.stop();
  }
}
