import { SECTIONS } from '../../../helpers/sections.js';
import { describe, expect, it } from 'vitest';
import { COLLECTORS } from '../../../../src/sources/routeros/collectors/registry.js';
import { ConfigError, type ConfigProblem } from '../../../../src/config/errors.js';
import { loadConfig } from '../../../../src/config/load.js';
import { configuredRouters } from '../../../../src/sources/routeros/config/sections.js';

const ROUTER = 'routers:\n  - name: a\n    address: h\n';

/** Loads `text` against the real collector registry. */
function load(text: string) {
  return loadConfig({ text, env: {}, sections: SECTIONS });
}

function problemsOf(text: string): readonly ConfigProblem[] {
  try {
    load(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

/** A valid value for each declared option of the real collectors. */
const VALUES: Readonly<Record<string, unknown>> = {
  include: ['a.*'],
  exclude: 'b',
  include_types: ['ether'],
  exclude_types: ['vlan'],
  include_chains: ['forward'],
  exclude_chains: ['input'],
  include_pools: ['pool.*'],
  exclude_pools: ['guest'],
  max_series: 10,
  families: ['ipv4'],
  protocols: ['tcp'],
  tables: ['filter', 'nat'],
  statuses: ['bound'],
  services: ['pppoe'],
  types: ['simple'],
  advertised_prefixes: false,
  advertised_prefixes_max_sessions: 5,
  per_session: true,
  per_neighbor: true,
  clients: true,
  dhcp_names: true,
  radios: true,
  lists: ['blocklist'],
};

const INTERFACE_KNOWN = 'known: enabled, interval, include, exclude, include_types, exclude_types, max_series';

describe('loadConfig: per-collector options', () => {
  it('accepts every option every collector declares, in defaults and per router', () => {
    const block = Object.fromEntries(
      COLLECTORS.map((collector) => [
        collector.name,
        { enabled: true, interval: '30s', ...Object.fromEntries((collector.options ?? []).map((option) => [option.name, VALUES[option.name]])) },
      ]),
    );
    for (const collector of COLLECTORS) {
      for (const option of collector.options ?? []) expect(VALUES[option.name], `${collector.name}.${option.name}`).toBeDefined();
    }
    const text = JSON.stringify({ defaults: { collectors: block }, routers: [{ name: 'a', address: 'h', collectors: block }] });
    const router = configuredRouters(load(text).config)[0];
    expect(router?.collectors['firewall']).toMatchObject({ enabled: true, intervalMillis: 30_000, tables: ['filter', 'nat'], max_series: 10 });
    expect(router?.collectors['interface']).toMatchObject({ include: ['a.*'], exclude: ['b'], include_types: ['ether'] });
  });

  it('rejects a misspelled option in defaults with the known keys', () => {
    expect(problemsOf(`defaults:\n  collectors:\n    interface: { include: [ether1], exlude: [ether2] }\n${ROUTER}`)).toEqual([
      { path: 'defaults.collectors.interface.exlude', message: `unknown option (${INTERFACE_KNOWN}); did you mean exclude?` },
    ]);
  });

  it('rejects unknown options per router, also on collectors that take none', () => {
    expect(
      problemsOf(`${ROUTER}    collectors:\n      interface: { mtu: 5, colour: red }\n      system: { include: [x], enabled: true }\n`),
    ).toEqual([
      { path: 'routers[0].collectors.interface.mtu', message: `unknown option (${INTERFACE_KNOWN})` },
      { path: 'routers[0].collectors.interface.colour', message: `unknown option (${INTERFACE_KNOWN})` },
      { path: 'routers[0].collectors.system.include', message: 'unknown option (known: enabled, interval)' },
    ]);
  });

  it('keeps shorthand booleans, enabled and interval', () => {
    const { config } = load(`defaults:\n  collectors: { health: false, bgp: { enabled: false, interval: 1m }, wireless: { clients: true } }\n${ROUTER}`);
    const collectors = configuredRouters(config)[0]?.collectors;
    expect(collectors?.['health']).toEqual({ enabled: false });
    expect(collectors?.['bgp']).toEqual({ enabled: false, intervalMillis: 60_000 });
    expect(collectors?.['wireless']).toEqual({ enabled: true, clients: true });
  });

  it("checks values with the collector's own reader, at the key path", () => {
    expect(
      problemsOf(
        `defaults:\n  collectors:\n    firewall: { families: [ipv5], include_chains: ["(x"] }\n    queue: { types: [fifo] }\n` +
          `${ROUTER}    collectors:\n      bgp: { advertised_prefixes: sometimes }\n      dhcp: { statuses: ["Bad Status"] }\n`,
      ),
    ).toEqual([
      { path: 'defaults.collectors.firewall.families', message: 'unknown value "ipv5" (expected ipv4, ipv6)' },
      { path: 'defaults.collectors.queue.types', message: 'unknown value "fifo" (expected simple, tree)' },
      { path: 'routers[0].collectors.bgp.advertised_prefixes', message: 'must be true or false' },
      { path: 'routers[0].collectors.dhcp.statuses', message: 'invalid lease status "Bad Status"' },
    ]);
  });

  it('reports a bad pattern in a collector-specific filter key with its index', () => {
    expect(problemsOf(`defaults:\n  collectors:\n    dhcp: { include_pools: [ok, "(x"] }\n${ROUTER}`)).toEqual([
      { path: 'defaults.collectors.dhcp.include_pools[1]', message: expect.stringMatching(/^invalid regular expression "\(x": /) },
    ]);
  });
});
