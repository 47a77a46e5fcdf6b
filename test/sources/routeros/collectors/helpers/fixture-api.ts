/**
 * A RouterApi over recorded rows for collector tests. Like a router it returns only the
 * properties named in the proplist and evaluates queries; unlike a router it fails loudly when a
 * print arrives without a proplist, so every collector is held to "always send a proplist".
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PrintOptions, RouterApi, Row } from '../../../../../src/sources/routeros/client/api.js';
import { TrapError, TimeoutError } from '../../../../../src/sources/routeros/client/errors.js';
import type { CollectContext, CollectorOptions } from '../../../../../src/sources/routeros/collectors/collector.js';
import { parseVersion } from '../../../../../src/sources/routeros/client/values.js';

/** One recorded reply file: test/fixtures/routeros/<menu>/<version>.json. */
export interface Fixture {
  readonly path: string;
  readonly version: string;
  readonly source: string;
  readonly rows: Row[];
}

const FIXTURES = new URL('../../../../fixtures/routeros/', import.meta.url);

/** Reads `test/fixtures/routeros/<menu>/<version>.json`. */
export function loadFixture(menu: string, version: string): Fixture {
  const file = fileURLToPath(new URL(`${menu}/${version}.json`, FIXTURES));
  return JSON.parse(readFileSync(file, 'utf8')) as Fixture;
}

/** What a path answers: rows, or an error (a TrapError for a missing menu). */
export type Reply = readonly Row[] | Error;

/** One call the collector made. */
export interface RecordedCall {
  readonly method: 'print' | 'count' | 'execute';
  readonly path: string;
  readonly options: PrintOptions | undefined;
  readonly attributes?: Readonly<Record<string, string>>;
}

/** The trap RouterOS sends for an absent menu. */
export function missingMenu(): TrapError {
  return new TrapError('no such command prefix', 0);
}

function evaluateQuery(row: Row, words: readonly string[]): boolean {
  const stack: boolean[] = [];
  // Reading below the stack gives `true`: the stack starts with infinitely many of them.
  const pop = (): boolean => (stack.length > 0 ? (stack.pop() as boolean) : true);
  for (const word of words) {
    if (word.startsWith('#')) {
      for (const op of word.slice(1)) {
        if (op === '!') stack.push(!pop());
        else if (op === '|') { const a = pop(); const b = pop(); stack.push(a || b); }
        else if (op === '&') { const a = pop(); const b = pop(); stack.push(a && b); }
        else throw new Error(`fixture api: query op ${op} not supported`);
      }
    } else if (word.startsWith('-')) {
      stack.push(!(word.slice(1) in row));
    } else if (word.includes('=')) {
      const at = word.indexOf('=');
      stack.push(row[word.slice(0, at)] === word.slice(at + 1));
    } else {
      stack.push(word in row);
    }
  }
  return stack.every(Boolean);
}

function project(row: Row, proplist: readonly string[]): Row {
  const result: Record<string, string> = {};
  for (const key of proplist) {
    const value = row[key];
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/** RouterApi over fixture rows. */
export class FixtureApi implements RouterApi {
  readonly calls: RecordedCall[] = [];

  constructor(private readonly replies: Readonly<Record<string, Reply>>) {}

  async print(path: string, options?: PrintOptions): Promise<Row[]> {
    this.calls.push({ method: 'print', path, options });
    if (!options?.proplist || options.proplist.length === 0) {
      throw new Error(`fixture api: ${path}/print sent without a proplist`);
    }
    const proplist = options.proplist;
    return this.rows(path, options).map((row) => project(row, proplist));
  }

  async count(path: string, options?: Omit<PrintOptions, 'proplist'>): Promise<number> {
    this.calls.push({ method: 'count', path, options });
    return this.rows(path, options).length;
  }

  async execute(command: string, attributes?: Readonly<Record<string, string>>, options?: PrintOptions): Promise<Row[]> {
    this.calls.push({ method: 'execute', path: command, options, ...(attributes ? { attributes } : {}) });
    const rows = this.rows(command, options);
    return options?.proplist ? rows.map((row) => project(row, options.proplist ?? [])) : rows;
  }

  private rows(path: string, options: PrintOptions | undefined): Row[] {
    if (options?.signal?.aborted) throw new TimeoutError(`${path}: aborted`);
    const reply = this.replies[path];
    if (reply === undefined) throw missingMenu();
    if (reply instanceof Error) throw reply;
    const query = options?.query ?? [];
    return reply.filter((row) => evaluateQuery(row, query));
  }
}

/** A CollectContext over `api` for a router of `version` (`7.16.1 (stable)`). */
export function contextFor(api: RouterApi, version = '7.16.1 (stable)', options: CollectorOptions = {}): CollectContext {
  const parsed = parseVersion(version);
  return {
    api,
    router: { version: parsed?.text, major: parsed?.major ?? 0, minor: parsed?.minor ?? 0, packages: new Set(['routeros']) },
    options,
    signal: new AbortController().signal,
    nowMillis: Date.UTC(2025, 0, 2, 10, 0, 0),
  };
}
