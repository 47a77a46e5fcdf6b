/**
 * One core for every source: engine/, telemetry/, exposition/, server/ and config/ import no source,
 * src/agent.ts reaches the sources only through src/sources/registry.ts, and config/ knows no
 * source's keys or types (each source brings its sections through config/sections.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
const CORE = ['engine', 'telemetry', 'exposition', 'server', 'config'];
const SOURCES = join(SRC, 'sources');

function filesUnder(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The files a module imports (static, dynamic and type imports), resolved to paths under src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    found.push(resolve(dirname(file), match[1]!));
  }
  return found;
}

describe('architecture', () => {
  it('the core folders import no source', () => {
    const offending: string[] = [];
    for (const folder of CORE) {
      for (const file of filesUnder(join(SRC, folder))) {
        for (const target of importsOf(file)) {
          if (target.startsWith(`${SOURCES}/`)) offending.push(`${relative(SRC, file)} imports ${relative(SRC, target)}`);
        }
      }
    }
    expect(offending).toEqual([]);
    // The scan sees real imports: a core file that imports another core file is found.
    expect(importsOf(join(SRC, 'engine', 'engine.ts')).some((target) => target.endsWith('source.js'))).toBe(true);
  });

  it('the agent reaches the sources only through the registry', () => {
    const targets = importsOf(join(SRC, 'agent.ts')).filter((target) => target.startsWith(`${SOURCES}/`));
    expect(targets.map((target) => relative(SRC, target))).toEqual(['sources/registry.js']);
  });

  it("config/ holds no source's keys or types: RouterOS brings `defaults:`, `routers:` and `collectors:` as its own sections", () => {
    const offending: string[] = [];
    for (const file of filesUnder(join(SRC, 'config'))) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          for (const pattern of ROUTEROS_CONFIG) if (pattern.test(line)) offending.push(`${relative(SRC, file)}:${index + 1}: ${line.trim()}`);
        });
    }
    expect(offending).toEqual([]);
    // The patterns find what they look for: each matches in the RouterOS source's own config folder.
    const owner = filesUnder(join(SOURCES, 'routeros', 'config')).flatMap((file) => readFileSync(file, 'utf8').split('\n'));
    expect(ROUTEROS_CONFIG.filter((pattern) => !owner.some((line) => pattern.test(line)))).toEqual([]);
  });
});

/**
 * What RouterOS config looks like in code: its types, its keys as properties or strings, and the
 * source's name. User-facing words such as "each router" in a doc string of `collection.interval`
 * stay (the reference must not change), so plain words are not matched.
 */
const ROUTEROS_CONFIG: readonly RegExp[] = [
  /\bRouter(Config|TlsConfig|Defaults\w*|List|Layer|Context)\b/,
  /\b(CollectorConfig|FilterConfig|KnownCollector|ReferenceCollector)\b/,
  /routeros/i,
  /\.(routers|routerDefaults)\b|['"`](routers|defaults)['"`]/,
];
