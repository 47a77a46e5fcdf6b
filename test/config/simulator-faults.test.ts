import { simulatorConfig } from '../../src/sources/routeros/simulator/config.js';
import { describe, expect, it } from 'vitest';
import { FAULT_KINDS } from '../../src/sources/routeros/simulator/faults.js';
import { load, problemsOf } from './helpers.js';

const KNOWN = `(known: ${FAULT_KINDS.join(', ')})`;

/** `simulator:` with count 4 of the mixed profiles (hap-ac2-1, rb750-2, hex-3, rb4011-4) and these fault entries. */
const withFaults = (...entries: string[]): string =>
  `simulator:\n  enabled: true\n  count: 4\n  faults:\n${entries.map((entry) => `    - ${entry}\n`).join('')}`;

describe('simulator.faults', () => {
  it('is an empty list by default', () => {
    expect(simulatorConfig(load('').config).faults).toEqual([]);
  });

  it('takes routers by number from 1, by name and by the agent\'s sim- name; latency with millis', () => {
    const { config } = load(
      withFaults(
        '{ router: 2, kind: latency, millis: 3000 }',
        '{ router: hex-3, kind: hang-after-login }',
        '{ router: sim-rb4011-4, kind: auth-failure }',
        '{ router: "${FIRST}", kind: refuse }',
      ),
      { env: { FIRST: '1' } },
    );
    expect(simulatorConfig(config).faults).toEqual([
      { router: 2, fault: { kind: 'latency', millis: 3000 } },
      { router: 'hex-3', fault: { kind: 'hang-after-login' } },
      { router: 'sim-rb4011-4', fault: { kind: 'auth-failure' } },
      { router: 1, fault: { kind: 'refuse' } },
    ]);
    for (const kind of FAULT_KINDS.filter((known) => known !== 'latency')) {
      expect(simulatorConfig(load(withFaults(`{ router: 1, kind: ${kind} }`)).config).faults).toEqual([{ router: 1, fault: { kind } }]);
    }
  });

  it('reports every bad entry at its key path, with the known kinds', () => {
    expect(
      problemsOf(
        withFaults(
          '{ router: 2, kind: x }',
          '{ router: hex-9, kind: garbage }',
          '{ router: 0, kind: latency }',
          '{ kind: garbage, millis: 4, extra: 1 }',
          '7',
          '{ router: 3, kind: latency, millis: 1.5 }',
          '{ router: hex-3, kind: [fatal] }',
          '{ router: 4, kind: fatal }',
          '{ router: rb4011-4, kind: garbage }',
          '{ router: 1, kind: latency, millis: 2147483648 }',
        ),
      ),
    ).toEqual([
      { path: 'simulator.faults[0].kind', message: `unknown fault "x" ${KNOWN}` },
      { path: 'simulator.faults[2].router', message: 'must be a router number from 1 (hex-3 is 3) or a router name' },
      { path: 'simulator.faults[2].millis', message: 'latency needs millis: a whole number of milliseconds from 0 to 2147483647' },
      { path: 'simulator.faults[3].extra', message: 'unknown key' },
      { path: 'simulator.faults[3].router', message: 'required: the router number from 1 (hex-3 is 3) or its name' },
      { path: 'simulator.faults[3].millis', message: 'only latency takes millis, not garbage' },
      { path: 'simulator.faults[4]', message: 'must be a mapping: { router: <number from 1 or name>, kind: <fault>, millis: <for latency> }' },
      { path: 'simulator.faults[5].millis', message: 'must be a whole number of milliseconds from 0 to 2147483647' },
      { path: 'simulator.faults[6].kind', message: `must be one of ${FAULT_KINDS.join(', ')}` },
      { path: 'simulator.faults[9].millis', message: 'must be a whole number of milliseconds from 0 to 2147483647' },
      { path: 'simulator.faults[1].router', message: 'no router named "hex-9" (the fleet has routers 1 to 4: hap-ac2-1, rb750-2, hex-3, rb4011-4)' },
      { path: 'simulator.faults[8].router', message: 'router rb4011-4 already has the fault fatal; a router has one at most' },
    ]);
  });

  it('checks routers against the fleet the profile and count give', () => {
    expect(problemsOf('simulator: { count: 2, profile: hex-v7, faults: [{ router: 3, kind: fatal }, { router: rb750-2, kind: fatal }] }\n')).toEqual([
      { path: 'simulator.faults[0].router', message: 'no router number 3: the fleet has routers 1 to 2' },
      { path: 'simulator.faults[1].router', message: 'no router named "rb750-2" (the fleet has routers 1 to 2: hex-1, hex-2)' },
    ]);
    expect(simulatorConfig(load('simulator: { count: 2, profile: hex-v7, faults: [{ router: hex-2, kind: fatal }] }\n').config).faults).toEqual([
      { router: 'hex-2', fault: { kind: 'fatal' } },
    ]);
  });

  it('must be a list; the profile must be known and the count within the fleet limit', () => {
    expect(problemsOf('simulator: { faults: { router: 1, kind: fatal } }\n')).toEqual([{ path: 'simulator.faults', message: 'must be a list' }]);
    const [profile] = problemsOf('simulator: { profile: v8 }\n');
    expect(profile?.path).toBe('simulator.profile');
    expect(profile?.message).toMatch(/^unknown profile "v8" \(known: mixed, v6, v7, hap-ac2-v6, /);
    expect(problemsOf('simulator: { count: 10001 }\n')).toEqual([{ path: 'simulator.count', message: 'must be at most 10000' }]);
  });
});
