/**
 * Fetch helpers: every print goes out with a proplist and the run's AbortSignal.
 */
import type { PrintOptions, Row } from '../../routeros/api.js';
import { TrapError } from '../../routeros/errors.js';
import type { CollectContext } from '../collector.js';

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
