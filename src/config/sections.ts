/**
 * Config sections that sources bring: a top-level key (`host:`, `mist:`, `relay:`) the core loader
 * does not know, parsed by the source that owns it. The loader hands each section its raw value
 * after `${ENV}` substitution and collects the problems it reports with the rest, so a bad file
 * still reports everything at once; check-config prints each section back through `document`.
 */
import type { Problems } from './errors.js';

/** What a section's parser gets besides its raw value. */
export interface SectionContext {
  /** Report problems at key paths that start with the section's key (`host.interval`). */
  readonly problems: Problems;
  /** Directory relative paths in the section resolve against (the config file's). */
  readonly baseDir: string;
  /** Environment, for `*_file` fallbacks and defaults; `${VAR}` is already substituted. */
  readonly env: NodeJS.ProcessEnv;
  /** Key paths whose value came from `${VAR}`: a secret there is not a plain-text secret in the file. */
  readonly substitutedPaths: ReadonlySet<string>;
  /** Add the key path of every secret written in plain text in the file (the loader warns when the file is world-readable). */
  readonly plainSecrets: string[];
  /** `collection.interval` and `collection.timeout`, the defaults of every target's schedule. */
  readonly collection: { readonly intervalMillis: number; readonly timeoutMillis: number };
  /**
   * `check-config --syntax-only`: check the section's syntax and values, but do not read the
   * secret and certificate files it names (they may not exist where configs are linted).
   */
  readonly syntaxOnly: boolean;
  /**
   * The values of the sections parsed before this one in this load (registry order), by key: a
   * section may build on another (list entries merged over a section of shared defaults). Absent: none.
   */
  readonly parsed?: Readonly<Record<string, unknown>>;
}

/** JSON Schema (2020-12) text as config.schema.json holds it. */
export type JsonSchema = Record<string, unknown>;

/** One source-owned top-level section. */
export interface ConfigSection<T = unknown> {
  /**
   * The top-level key, or `parent.child` for a key inside another source's section (`simulator.mist`:
   * the Mist simulator beside another source's); the owner of `parent` never sees `child`.
   */
  readonly key: string;
  /**
   * A convict section in the agent's formats (config/schema.ts: doc, format, default, env). With
   * one, the loader coerces values, applies `MIKROTIK_AGENT_*` variables and reports bad values and
   * unknown keys at their paths, then `parse` gets the checked values; docs and the JSON Schema list
   * its keys. Without one, `parse` gets the raw value and checks everything itself.
   */
  readonly schema?: Readonly<Record<string, unknown>>;
  /**
   * The top-level key it is written after in check-config output and config.schema.json (a core key
   * such as `otlp`); without one it comes after the core keys, in registry order. Placed sections are
   * also parsed first, before `resource_attributes`, so problems are listed in the order they are written.
   */
  readonly after?: string;
  /**
   * The section's normalised value from its raw value (undefined when the file has no such key:
   * return the defaults). Never throws for bad input: report it through `context.problems`.
   */
  parse(raw: unknown, context: SectionContext): T;
  /**
   * The value in the file's own keys and formats, every default written out, each secret passed
   * through `secret` (check-config redacts them). Loading the document gives the same value back.
   */
  document(value: T, secret: (value: string) => string): unknown;
  /** The secret values it holds, masked wherever they could surface (logs, errors). */
  secrets?(value: T): readonly string[];
  /** Whether the section turns on anything to collect (the loader warns when nothing is). */
  hasTargets?(value: T): boolean;
  /**
   * The warning, at the section's key, when no section turns on anything to collect; the first
   * section that has one gives it.
   */
  readonly nothingToCollect?: string;
  /** How many targets the file lists in it; the start log shows the count under the section's key. */
  count?(value: T): number;
  /**
   * For a section without a convict schema: its JSON Schema in config.schema.json, plus definitions
   * it refers to as `#/$defs/<name>` (shared by sections of one source).
   */
  jsonSchema?(): { readonly schema: JsonSchema; readonly defs?: Readonly<Record<string, JsonSchema>> };
  /** Markdown of its own for docs/configuration.md, after the tables of the schema keys. */
  reference?(): string;
}

/** A section's value from a loaded config, or its defaults when the config was built without it. */
export function sectionValue<T>(sections: Readonly<Record<string, unknown>>, section: ConfigSection<T>, context: SectionContext): T {
  return Object.hasOwn(sections, section.key) ? (sections[section.key] as T) : section.parse(undefined, context);
}

/** `entries` with `key` → `value` right after the key `after`; at the end when there is no such key. */
export function insertAfter<T>(entries: Readonly<Record<string, T>>, after: string, key: string, value: T): Record<string, T> {
  const list = Object.entries(entries).filter(([name]) => name !== key);
  const index = list.findIndex(([name]) => name === after);
  if (index === -1) return Object.fromEntries([...list, [key, value]]);
  list.splice(index + 1, 0, [key, value]);
  return Object.fromEntries(list);
}
