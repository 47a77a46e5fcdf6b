/**
 * `firewall`: byte and packet counters of every rule in the filter, nat, mangle and raw tables,
 * IPv4 and IPv6. Rules have no name and an optional comment, so series are keyed by the rule's
 * `.id` (with table, family and chain); action and comment go to an info series. Building the
 * identity from chain/action/comment instead produces duplicate series for uncommented or UPnP
 * rules (akpw/mktxp #153).
 */
import type { Row } from '../client/api.js';
import { TrapError } from '../client/errors.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, Sample } from './collector.js';
import { IP_FAMILIES, hasIpv6, readFamilies, type IpFamily } from './support/ip-families.js';
import { capSeriesGroups } from './support/cap.js';
import { counter, info } from './support/define.js';
import { isMissingFeature, printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { CollectorOptionError, readCount, readStringList } from './support/options.js';
import { readCounter, readText } from './support/rows.js';
import { SampleList } from './support/samples.js';
import { FAMILIES_OPTION, filterOptions, maxSeriesOption } from './support/option-specs.js';

const RULE_KEY = ['family', 'table', 'chain', 'id'] as const;

export const FIREWALL_RULE_BYTES = counter(
  'routeros.firewall.rule.bytes',
  'By',
  'Bytes matched by the firewall rule.',
  RULE_KEY,
);
export const FIREWALL_RULE_PACKETS = counter(
  'routeros.firewall.rule.packets',
  '{packet}',
  'Packets matched by the firewall rule.',
  RULE_KEY,
);
export const FIREWALL_RULE_INFO = info(
  'routeros.firewall.rule.info',
  'Firewall rule facts: action, comment and whether RouterOS created it (dynamic); always 1.',
  ['family', 'table', 'id', 'chain', 'action', 'comment', 'dynamic'],
);

/** Every metric of the family, in docs order. */
const METRICS = [FIREWALL_RULE_INFO, FIREWALL_RULE_BYTES, FIREWALL_RULE_PACKETS] as const;

export const FIREWALL_TABLES = ['filter', 'nat', 'mangle', 'raw'] as const;
export type FirewallTable = (typeof FIREWALL_TABLES)[number];

/** Properties read from each rule table. */
export const FIREWALL_PROPLIST: readonly string[] = ['.id', 'chain', 'action', 'comment', 'dynamic', 'bytes', 'packets'];

/** Rules per router before the cap drops the rest (every table of both families together). */
export const FIREWALL_DEFAULT_MAX_RULES = 1000;

/** Settings from `collectors.firewall.*`. */
export interface FirewallSettings {
  /** `tables`: which tables to read; all four by default. Each table is one print per family. */
  readonly tables: readonly FirewallTable[];
  /** `families`: `ipv4`, `ipv6` or both (default). */
  readonly families: readonly IpFamily[];
  /** `include_chains` / `exclude_chains`: regular expressions over the chain name. */
  readonly chains: NameFilter;
  /** `max_series`: rules kept per router (default 1000); the series of the others count as dropped. */
  readonly maxRules: number | undefined;
}

function readChoices<T extends string>(options: CollectorOptions, key: string, allowed: readonly T[]): T[] {
  const values = readStringList(options, key);
  if (values.length === 0) return [...allowed];
  for (const value of values) {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new CollectorOptionError(`${key}: unknown value ${JSON.stringify(value)} (expected ${allowed.join(', ')})`);
    }
  }
  return allowed.filter((value) => values.includes(value));
}

/** Reads the firewall options; a bad value throws CollectorOptionError naming the key. */
export function firewallSettings(options: CollectorOptions): FirewallSettings {
  return {
    tables: readChoices(options, 'tables', FIREWALL_TABLES),
    families: readFamilies(options),
    chains: createNameFilter(options, { include: 'include_chains', exclude: 'exclude_chains' }),
    maxRules: readCount(options, 'max_series', FIREWALL_DEFAULT_MAX_RULES),
  };
}

/** `/ip/firewall/filter`, `/ipv6/firewall/raw`, … */
export function firewallPath(family: IpFamily, table: FirewallTable): string {
  return `/${family === 'ipv4' ? 'ip' : 'ipv6'}/firewall/${table}`;
}

/** The rows of one table, tagged with where they came from. */
export interface FirewallTableRows {
  readonly family: IpFamily;
  readonly table: FirewallTable;
  readonly rows: readonly Row[];
}

/**
 * Reads every selected table concurrently. A missing table (`/ipv6/firewall/nat` on v6, the
 * whole IPv6 menu when its package is disabled) is skipped; only when every table is missing
 * does the trap propagate, so the engine marks the family unsupported.
 */
export async function fetchFirewall(context: CollectContext, settings: FirewallSettings): Promise<FirewallTableRows[]> {
  const families = settings.families.filter((family) => family === 'ipv4' || hasIpv6(context.router));
  const parts = families.flatMap((family) => settings.tables.map((table) => ({ family, table })));
  const results = await Promise.all(
    parts.map(async ({ family, table }): Promise<FirewallTableRows | TrapError> => {
      try {
        // `=stats=` makes RouterOS include the counters on every version (`print stats` in the CLI).
        // Disabled rules never count, so the router leaves them out (`disabled=true` negated).
        const rows = await printRows(context, firewallPath(family, table), FIREWALL_PROPLIST, {
          attributes: { stats: '' },
          query: ['disabled=true', '#!'],
        });
        return { family, table, rows };
      } catch (error) {
        if (isMissingFeature(error)) return error;
        throw error;
      }
    }),
  );
  const found = results.filter((result): result is FirewallTableRows => !(result instanceof TrapError));
  const firstMissing = results.find((result): result is TrapError => result instanceof TrapError);
  if (found.length === 0 && firstMissing !== undefined) throw firstMissing;
  return found;
}

function mapRule(family: IpFamily, table: FirewallTable, id: string, chain: string, row: Row): Sample[] {
  const list = new SampleList();
  const key = { family, table, chain, id };
  list.addInfo(FIREWALL_RULE_INFO, {
    family,
    table,
    id,
    chain,
    action: readText(row, 'action'),
    comment: readText(row, 'comment'),
    dynamic: readText(row, 'dynamic') === 'true' ? 'true' : 'false',
  });
  list.add(FIREWALL_RULE_BYTES, key, readCounter(row, 'bytes'));
  list.add(FIREWALL_RULE_PACKETS, key, readCounter(row, 'packets'));
  return list.samples;
}

/** Maps the tables to samples, applying the chain filter and the per-router rule cap. Pure. */
export function mapFirewall(tables: readonly FirewallTableRows[], settings: FirewallSettings): CollectOutput {
  const rules: Sample[][] = [];
  for (const { family, table, rows } of tables) {
    const seen = new Set<string>();
    for (const row of rows) {
      const id = readText(row, '.id');
      const chain = readText(row, 'chain');
      if (id === undefined || chain === undefined || seen.has(id) || !settings.chains.matches(chain)) continue;
      seen.add(id);
      rules.push(mapRule(family, table, id, chain, row));
    }
  }
  return capSeriesGroups(rules, settings.maxRules);
}

export const firewallCollector: Collector = {
  name: 'firewall',
  defaultEnabled: true,
  summary:
    'Bytes and packets per firewall rule (filter, nat, mangle, raw; IPv4 and IPv6) keyed by rule id, with an info series; options tables, families, include_chains/exclude_chains, max_series (rules, default 1000).',
  paths: IP_FAMILIES.flatMap((family) => FIREWALL_TABLES.map((table) => firewallPath(family, table))),
  metrics: METRICS,
  options: [
    { name: 'tables', description: 'Tables to read: `filter`, `nat`, `mangle`, `raw` (default all four); one print per table and family.' },
    FAMILIES_OPTION,
    ...filterOptions('the chain name', 'include_chains', 'exclude_chains'),
    maxSeriesOption('rules', FIREWALL_DEFAULT_MAX_RULES),
  ],
  checkOptions: firewallSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = firewallSettings(context.options);
    return mapFirewall(await fetchFirewall(context, settings), settings);
  },
};
