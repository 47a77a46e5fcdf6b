/**
 * `run --relay-config config.toml`: an exporter-proxy config file, read as it is, merged into the
 * agent's own config text as its `relay:` section. `[exporter] scrape_expose_endpoint` becomes
 * `server.listen` unless the agent's config sets it.
 */
import { parse as parseToml, TomlError } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { fromExporterProxy } from './config.js';

export interface MergedConfig {
  /** The agent's config with the relay section, as JSON text for the loader. */
  readonly text: string;
  /** What the caller should log (keys accepted and ignored). */
  readonly notices: readonly string[];
}

/** Merges; throws an Error naming the file and line for a bad TOML file or a conflicting config. */
export function mergeExporterProxyConfig(agentText: string | undefined, tomlText: string, tomlName: string): MergedConfig {
  let toml: Record<string, unknown>;
  try {
    toml = parseToml(tomlText) as Record<string, unknown>;
  } catch (error) {
    const where = error instanceof TomlError ? ` (line ${error.line}, column ${error.column})` : '';
    throw new Error(`${tomlName}: not valid TOML${where}`);
  }
  const mapping = fromExporterProxy(toml);
  const agent = agentText === undefined || agentText.trim() === '' ? {} : (parseYaml(agentText) as unknown);
  if (agent === null || typeof agent !== 'object' || Array.isArray(agent)) throw new Error('the agent config must be a mapping');
  const tree = { ...(agent as Record<string, unknown>) };
  if (tree['relay'] !== undefined) throw new Error(`--relay-config ${tomlName}: the agent config already has a relay: section; use one of them`);
  tree['relay'] = mapping.relay;
  const server = tree['server'];
  const serverTree = server !== null && typeof server === 'object' && !Array.isArray(server) ? { ...(server as Record<string, unknown>) } : {};
  if (mapping.listen !== undefined && serverTree['listen'] === undefined) {
    serverTree['listen'] = mapping.listen;
    tree['server'] = serverTree;
  }
  return { text: JSON.stringify(tree), notices: mapping.notices };
}
