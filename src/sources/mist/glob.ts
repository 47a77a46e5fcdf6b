/**
 * Site-name globs with Go's `path/filepath.Match` rules, which mistexporter's `site_filter` uses and
 * its users' configs rely on: `*` is any run of characters other than `/`, `?` one such character,
 * `[a-z]` / `[^a-z]` a class, `\` escapes; matching is case-sensitive and covers the whole name.
 */

export interface CompiledGlob {
  readonly regex?: RegExp;
  /** Why the pattern is malformed (Go's ErrBadPattern), for the config error. */
  readonly problem?: string;
}

export function compileGlob(pattern: string): CompiledGlob {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index]!;
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '\\') {
      index += 1;
      if (index >= pattern.length) return { problem: `"${pattern}" ends in an escape (\\)` };
      source += escape(pattern[index]!);
    } else if (char === '[') {
      const end = pattern.indexOf(']', index + 2);
      if (end === -1) return { problem: `"${pattern}" has an unclosed [ class` };
      let body = pattern.slice(index + 1, end);
      const negated = body.startsWith('^');
      if (negated) body = body.slice(1);
      if (body === '') return { problem: `"${pattern}" has an empty [ class` };
      source += `[${negated ? '^/' : ''}${body.replace(/[\]\\]/g, '\\$&')}]`;
      index = end;
    } else source += escape(char);
  }
  try {
    return { regex: new RegExp(`^${source}$`, 'u') };
  } catch {
    return { problem: `"${pattern}" is not a valid glob` };
  }
}

function escape(char: string): string {
  return char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** include/exclude as mistexporter applies them: exclude wins; an empty include list keeps everything. */
export class SiteFilter {
  private readonly _include: RegExp[];
  private readonly _exclude: RegExp[];

  constructor(include: readonly string[], exclude: readonly string[]) {
    const compile = (patterns: readonly string[]): RegExp[] =>
      patterns.flatMap((pattern) => {
        const regex = compileGlob(pattern).regex;
        return regex === undefined ? [] : [regex];
      });
    this._include = compile(include);
    this._exclude = compile(exclude);
  }

  matches(siteName: string): boolean {
    if (this._exclude.some((regex) => regex.test(siteName))) return false;
    return this._include.length === 0 || this._include.some((regex) => regex.test(siteName));
  }
}
