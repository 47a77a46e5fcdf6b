/**
 * Fetch helpers: every print goes out with a proplist and the run's AbortSignal.
 */
import type { PrintOptions, Row } from '../../client/api.js';
import { TrapError } from '../../client/errors.js';
import type { CollectContext } from '../collector.js';
import type { NameFilter } from './filter.js';
import { readText } from './rows.js';

/** Print options besides the proplist and the signal, which the helpers set. */
export type ExtraPrintOptions = Omit<PrintOptions, 'proplist' | 'signal'>;

/** `<path>/print` with `proplist` and the run's signal. A missing menu rejects with TrapError. */
export function printRows(
  context: CollectContext,
  path: string,
  proplist: readonly string[],
  extra: ExtraPrintOptions = {},
): Promise<Row[]> {
  return context.api.print(path, { ...extra, proplist, signal: context.signal });
}

/** True when `error` is a trap meaning "this menu or package is absent on this router". */
export function isMissingFeature(error: unknown): error is TrapError {
  return error instanceof TrapError && error.isMissingFeature;
}

/**
 * Like {@link printRows}, but a missing menu gives no rows instead of an error. Use it only for
 * optional parts of a family (routerboard inside `system`); a family whose whole menu is missing
 * must let the TrapError through so the engine marks it unsupported.
 */
export async function printOptionalRows(
  context: CollectContext,
  path: string,
  proplist: readonly string[],
  extra: ExtraPrintOptions = {},
): Promise<Row[]> {
  try {
    return await printRows(context, path, proplist, extra);
  } catch (error) {
    if (isMissingFeature(error)) return [];
    throw error;
  }
}

/**
 * One `<command> =numbers=a,b,c =once=` for all `items`: the rows by item. Rows are paired with
 * items by their `name` when RouterOS sends one, else by position (RouterOS answers in the order
 * of `numbers`). No items, no command; items whose name contains a comma are skipped.
 * `numbersKey` is `number` for v6 commands taking one item.
 */
export async function monitorOnce(
  context: CollectContext,
  command: string,
  items: readonly string[],
  proplist: readonly string[],
  numbersKey = 'numbers',
): Promise<Map<string, Row>> {
  // A name with a comma cannot go into the `numbers` list without breaking the whole batch.
  const unique = [...new Set(items)].filter((item) => item !== '' && !item.includes(','));
  const byItem = new Map<string, Row>();
  if (unique.length === 0) return byItem;
  const rows = await context.api.execute(
    command,
    { [numbersKey]: unique.join(','), once: '' },
    { proplist, signal: context.signal },
  );
  rows.forEach((row, index) => {
    const item = readText(row, 'name') ?? unique[index];
    if (item !== undefined && !byItem.has(item)) byItem.set(item, row);
  });
  return byItem;
}

/**
 * Lists items, then monitors them in one call. An item removed between the two commands makes
 * RouterOS refuse the whole batch (`input does not match any value of interface`, category 1); then
 * the list is read again and the monitor retried once, so a churning port list does not cost the
 * family a cycle.
 */
export async function monitorListed(
  context: CollectContext,
  list: () => Promise<readonly string[]>,
  command: string,
  proplist: readonly string[],
): Promise<Map<string, Row>> {
  try {
    return await monitorOnce(context, command, await list(), proplist);
  } catch (error) {
    if (!(error instanceof TrapError) || error.category !== 1) throw error;
    return monitorOnce(context, command, await list(), proplist);
  }
}

/** Names of the enabled items of `path` (`?disabled=false`, names only) that `filter` keeps: what a monitor is sent for. */
export async function enabledNames(context: CollectContext, path: string, filter: NameFilter): Promise<string[]> {
  const rows = await printRows(context, path, ['name'], { query: ['disabled=false'] });
  return rows.map((row) => readText(row, 'name')).filter((name): name is string => name !== undefined && filter.matches(name));
}
