/**
 * `${VAR}` and `${VAR:-default}` in config values. Substitution runs on the string values of the
 * parsed tree, never on the raw text, so a variable cannot inject YAML structure. `$${` is a
 * literal `${`; any other `$` is left alone (passwords may contain it).
 */
import { joinPath, type Problems } from './errors.js';

/** The tree with variables replaced, and the paths of the values that contained a reference. */
export interface SubstitutionResult {
  readonly value: unknown;
  readonly substitutedPaths: ReadonlySet<string>;
}

const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g;
const BODY = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/** Replaces references in every string value of `tree`; problems name the key path. */
export function substituteEnv(tree: unknown, env: NodeJS.ProcessEnv, problems: Problems): SubstitutionResult {
  const substitutedPaths = new Set<string>();

  const substituteString = (text: string, path: string): string => {
    if (!text.includes('${')) return text;
    let touched = false;
    const result = text.replace(REFERENCE, (match: string, body: string | undefined) => {
      if (match === '$${') return '${';
      touched = true;
      const parsed = BODY.exec(body ?? '');
      if (parsed === null) {
        problems.add(path, `invalid reference \${${body ?? ''}} (use \${NAME} or \${NAME:-default})`);
        return '';
      }
      const name = parsed[1] ?? '';
      const fallback = parsed[2];
      const current = env[name];
      if (fallback !== undefined) return current === undefined || current === '' ? fallback : current;
      if (current === undefined && problems.syntaxOnly) {
        problems.warn(path, `environment variable ${name} is not set (--syntax-only: checked as empty)`);
        return '';
      }
      if (current === undefined) {
        problems.add(path, `environment variable ${name} is not set (use \${${name}:-default} for a default)`);
        return '';
      }
      return current;
    });
    if (touched) substitutedPaths.add(path);
    // An unclosed `${` would otherwise pass through silently.
    if (/(?<!\$)\$\{(?![^}]*\})/.test(text)) problems.add(path, 'unclosed ${ reference');
    return result;
  };

  const walk = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') return substituteString(node, path);
    if (Array.isArray(node)) return node.map((item, index) => walk(item, joinPath(path, index)));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node as Record<string, unknown>).map(([key, child]) => [key, walk(child, joinPath(path, key))]),
      );
    }
    return node;
  };

  return { value: walk(tree, ''), substitutedPaths };
}
