/**
 * Config problems are data: every rule adds to one {@link Problems} list, each entry prefixed with
 * its key path (`otlp.tls.ca_file`), and the loader throws a single {@link ConfigError} at the end
 * so a bad file reports everything at once.
 */

/** One problem with the configuration. */
export interface ConfigProblem {
  /** Key path (`otlp.tls.ca_file`), an environment variable name or a flag (`--listen`). */
  readonly path: string;
  /** What is wrong, lower-case, without the offending secret. */
  readonly message: string;
}

/** The configuration is invalid; `problems` lists every problem found. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(
      `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((problem) => `  ${formatProblem(problem)}`).join('\n'),
    );
    this.problems = problems;
  }
}

/** `path: message`, or only the message when there is no path. */
export function formatProblem(problem: ConfigProblem): string {
  return problem.path === '' ? problem.message : `${problem.path}: ${problem.message}`;
}

/** Collects problems and warnings while the config is processed. */
export class Problems {
  /**
   * `check-config --syntax-only`: the files the config names (secrets, TLS material, header files) are not
   * read or checked, and an unset `${VAR}` is a warning, so a config can be linted where its secrets do not
   * exist (CI). It travels with the problems because every normaliser that reads a file already takes them.
   */
  readonly syntaxOnly: boolean;
  constructor(options: { readonly syntaxOnly?: boolean } = {}) {
    this.syntaxOnly = options.syntaxOnly ?? false;
  }

  private readonly _problems: ConfigProblem[] = [];
  private readonly _warnings: ConfigProblem[] = [];
  private readonly _paths = new Set<string>();

  /** Records a problem; a second problem at the same path is dropped (the first explains it). */
  add(path: string, message: string): void {
    if (this._paths.has(path)) return;
    this._paths.add(path);
    this._problems.push({ path, message });
  }

  /** Records a warning (the config is usable; the caller logs it). Duplicates are dropped. */
  warn(path: string, message: string): void {
    if (this._warnings.some((warning) => warning.path === path && warning.message === message)) return;
    this._warnings.push({ path, message });
  }

  /** Whether a problem was recorded at `path` or below it. */
  has(path: string): boolean {
    for (const known of this._paths) {
      if (known === path || known.startsWith(`${path}.`) || known.startsWith(`${path}[`)) return true;
    }
    return false;
  }

  get problems(): readonly ConfigProblem[] {
    return this._problems;
  }

  get warnings(): readonly ConfigProblem[] {
    return this._warnings;
  }

  /** Throws a ConfigError listing every problem, if there is any. */
  throwIfAny(): void {
    if (this._problems.length > 0) throw new ConfigError([...this._problems]);
  }
}

/** Appends a key to a path: `a` + `b` → `a.b`; keys that are not identifiers are quoted (`a["x.y"]`). */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const part = /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
  if (path === '') return part.startsWith('"') ? `[${part}]` : part;
  return part.startsWith('"') ? `${path}[${part}]` : `${path}.${part}`;
}
