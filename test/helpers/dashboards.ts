/**
 * Reads the Grafana dashboards in dashboards/ the way the tests need them: every query of every panel, the
 * template variables, and Grafana's built-in interval variables replaced.
 * Strict: a shape the tests do not understand is an error naming the file and panel.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DASHBOARDS_DIR = join(repoDir, 'dashboards');

export interface DashboardTarget {
  readonly dashboard: string;
  readonly panelId: number;
  readonly panelTitle: string;
  readonly refId: string;
  readonly expr: string;
}

export interface DashboardVariable {
  readonly name: string;
  readonly type: string;
  /** The PromQL-side query of a `query` variable (`label_values(metric, label)`). */
  readonly query: string | undefined;
}

export interface Dashboard {
  readonly file: string;
  readonly json: Record<string, unknown>;
  readonly title: string;
  readonly panels: readonly Record<string, unknown>[];
  readonly variables: readonly DashboardVariable[];
  readonly targets: readonly DashboardTarget[];
}

/** Every `*.json` in dashboards/, parsed; throws naming the file that is not JSON. */
export function loadDashboards(dir = DASHBOARDS_DIR): Dashboard[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      } catch (error) {
        throw new Error(`dashboards/${file}: not JSON: ${(error as Error).message}`);
      }
      return readDashboard(file, record(json, file));
    });
}

function readDashboard(file: string, json: Record<string, unknown>): Dashboard {
  const title = String(json['title'] ?? file);
  const panels = flattenPanels(list(json['panels'], `${file} panels`), file);
  const templating = record(json['templating'] ?? { list: [] }, `${file} templating`);
  const variables = list(templating['list'], `${file} templating.list`).map((entry) => {
    const variable = record(entry, `${file} variable`);
    const query = variable['query'];
    return {
      name: String(variable['name']),
      type: String(variable['type']),
      query: typeof query === 'string' ? query : typeof query === 'object' && query !== null ? String(record(query, 'query')['query']) : undefined,
    };
  });
  const targets: DashboardTarget[] = [];
  for (const panel of panels) {
    if (panel['type'] === 'row') continue;
    const panelTitle = String(panel['title']);
    for (const entry of list(panel['targets'] ?? [], `${file} panel "${panelTitle}" targets`)) {
      const target = record(entry, `${file} panel "${panelTitle}" target`);
      if (typeof target['expr'] !== 'string') throw new Error(`${file}: panel "${panelTitle}" has a target without expr`);
      targets.push({ dashboard: title, panelId: Number(panel['id']), panelTitle, refId: String(target['refId']), expr: target['expr'] });
    }
  }
  return { file, json, title, panels, variables, targets };
}

/** Top-level panels plus the panels inside collapsed rows. */
function flattenPanels(panels: readonly unknown[], file: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const entry of panels) {
    const panel = record(entry, `${file} panel`);
    out.push(panel);
    if (panel['type'] === 'row') out.push(...flattenPanels(list(panel['panels'] ?? [], `${file} row panels`), file));
  }
  return out;
}

/**
 * What Grafana puts in for its built-in variables, sized for a test Prometheus that scrapes every second:
 * a rate window holding several scrapes.
 */
export const BUILTIN_VARIABLES: Readonly<Record<string, string>> = {
  __rate_interval: '20s',
  __interval: '5s',
  __range: '5m',
  __range_s: '300',
};

/** Replaces `$name` and `${name}` for the given values and the built-ins; throws on any variable left over. */
export function substituteVariables(expr: string, values: Readonly<Record<string, string>>): string {
  const all: Record<string, string> = { ...BUILTIN_VARIABLES, ...values };
  const replaced = expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (match, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const value = all[name];
    if (value === undefined) throw new Error(`no value for variable $${name} in ${expr}`);
    return value;
  });
  return replaced;
}

/** `label_values(metric, label)` → its parts; anything else is an error (the tests resolve only this form). */
export function parseLabelValuesQuery(query: string): { metric: string; label: string } {
  const match = /^\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/.exec(query);
  if (match === null) throw new Error(`unsupported variable query (want label_values(metric, label)): ${query}`);
  return { metric: match[1]!, label: match[2]! };
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what}: expected an object`);
  return value as Record<string, unknown>;
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${what}: expected a list`);
  return value;
}
