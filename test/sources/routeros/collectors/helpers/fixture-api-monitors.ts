/**
 * FixtureApi plus monitor commands (`/interface/ethernet/monitor =numbers=a,b =once=`) for the
 * hardware families. Like a router it answers one row per named item in the order of `numbers`
 * (or `number`, the v6 single-item form), traps when an item does not exist and returns only the
 * proplist's properties; unlike a router it fails loudly on a monitor without `=once=` (which
 * would stream forever) or without a proplist.
 */
import type { PrintOptions, Row } from '../../../../../src/sources/routeros/client/api.js';
import { TimeoutError, TrapError } from '../../../../../src/sources/routeros/client/errors.js';
import type { CollectContext } from '../../../../../src/sources/routeros/collectors/collector.js';
import { FixtureApi, loadFixture, type Reply } from './fixture-api.js';
import { familyContext, type FamilyContextOptions } from './fixture-api-families.js';

/** Command → item name → monitor row. */
export type MonitorReplies = Readonly<Record<string, Readonly<Record<string, Row>>>>;

/** Options of {@link MonitorFixtureApi}. */
export interface MonitorFixtureOptions {
  /** Commands whose rows come back without `name` (paired with items by position only). */
  readonly unnamed?: readonly string[];
}

function project(row: Row, proplist: readonly string[]): Row {
  const result: Record<string, string> = {};
  for (const key of proplist) {
    const value = row[key];
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/** A FixtureApi that also answers monitor commands. */
export class MonitorFixtureApi extends FixtureApi {
  constructor(
    replies: Readonly<Record<string, Reply>>,
    private readonly monitors: MonitorReplies,
    private readonly settings: MonitorFixtureOptions = {},
  ) {
    super(replies);
  }

  override async execute(command: string, attributes?: Readonly<Record<string, string>>, options?: PrintOptions): Promise<Row[]> {
    const items = this.monitors[command];
    if (items === undefined) return super.execute(command, attributes, options);
    this.calls.push({ method: 'execute', path: command, options, ...(attributes ? { attributes } : {}) });
    if (options?.signal?.aborted) throw new TimeoutError(`${command}: aborted`);
    if (attributes?.['once'] === undefined) throw new Error(`fixture api: ${command} without =once= would stream`);
    if (!options?.proplist || options.proplist.length === 0) throw new Error(`fixture api: ${command} sent without a proplist`);
    const list = attributes['numbers'] ?? attributes['number'];
    if (list === undefined || list === '') throw new TrapError('missing value(s) of argument(s) numbers', 1);
    const proplist = options.proplist;
    const unnamed = this.settings.unnamed?.includes(command) ?? false;
    return list.split(',').map((item) => {
      const row = items[item];
      if (row === undefined) throw new TrapError('input does not match any value of interface', 1);
      const projected = project(row, proplist);
      if (!unnamed) return projected;
      const { name: _name, ...rest } = projected;
      return rest;
    });
  }
}

/** Monitor rows of `test/fixtures/routeros/<menu>/<version>.json` keyed by their `name`. */
export function monitorFixture(menu: string, version: string): { path: string; rows: Record<string, Row> } {
  const fixture = loadFixture(menu, version);
  const rows: Record<string, Row> = {};
  for (const row of fixture.rows) {
    const name = row['name'];
    if (name === undefined) throw new Error(`${menu}/${version}: monitor row without name`);
    rows[name] = row;
  }
  return { path: fixture.path, rows };
}

/** Monitor replies from fixture files, keyed by each fixture's own path. */
export function monitorsFrom(version: string, menus: readonly string[]): Record<string, Record<string, Row>> {
  const monitors: Record<string, Record<string, Row>> = {};
  for (const menu of menus) {
    const { path, rows } = monitorFixture(menu, version);
    monitors[path] = rows;
  }
  return monitors;
}

/** A MonitorFixtureApi plus a context for a router of `version`. */
export function monitorSetup(
  replies: Readonly<Record<string, Reply>>,
  monitors: MonitorReplies,
  version: string,
  settings: FamilyContextOptions & MonitorFixtureOptions = {},
): { api: MonitorFixtureApi; context: CollectContext } {
  const api = new MonitorFixtureApi(replies, monitors, settings);
  return { api, context: familyContext(api, version, settings) };
}

/** `execute` calls as `command numbers` lines, for asserting that monitors are batched. */
export function monitorCalls(api: MonitorFixtureApi): string[] {
  return api.calls
    .filter((call) => call.method === 'execute')
    .map((call) => `${call.path} ${call.attributes?.['numbers'] ?? `number=${call.attributes?.['number'] ?? ''}`}`);
}
