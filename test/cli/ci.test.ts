/**
 * `.ci/run` runs exactly the README's quick start, so what CI proves is what a new user types. The
 * dependency audit is a release check documented in SECURITY.md, not a CI step.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** The shell lines of a script without comments and blank lines. */
function commandLines(script: string): string[] {
  return script
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

describe('.ci/run and the README quick start', () => {
  it('the quick start is two commands: npm ci && npm start, then npm test', () => {
    const quickStart = /## Quick start\n[\s\S]*?```sh\n([\s\S]*?)```/.exec(read('README.md'))?.[1] ?? '';
    const commands = commandLines(quickStart).map((line) => line.replace(/\s+#.*$/, ''));
    expect(commands).toEqual(['npm ci && npm start', 'npm test']);
  });

  it('.ci/run runs those npm commands in that order and nothing else from the repo', () => {
    const lines = commandLines(read('.ci/run'));
    // npm in command position (messages that mention it are not runs).
    const npm = lines.flatMap((line) => {
      const match = /^(?:setsid\s+)?npm (\w+)/.exec(line);
      return match === null ? [] : [`npm ${match[1] ?? ''}`];
    });
    expect(npm).toEqual(['npm ci', 'npm start', 'npm test']);
    // No other script of the repo (the audit included) and no npm run-script besides those.
    expect(lines.filter((line) => /\bscripts\/|\bbash\b|\.sh\b|npm run\b/.test(line))).toEqual([]);
  });

  it('the audit is documented as a release check, and the README says CI does not run it', () => {
    expect(read('SECURITY.md')).toMatch(/## Release checks\n[\s\S]*bash scripts\/audit\.sh/);
    expect(read('README.md')).toContain('CI does not run it');
    expect(read('README.md')).not.toMatch(/CI also runs/);
  });
});
