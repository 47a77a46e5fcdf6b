import { describe, expect, it } from 'vitest';
import { Problems } from '../../src/config/errors.js';
import { substituteEnv } from '../../src/config/substitute.js';

function run(tree: unknown, env: NodeJS.ProcessEnv) {
  const problems = new Problems();
  const result = substituteEnv(tree, env, problems);
  return { ...result, problems: problems.problems };
}

describe('substituteEnv', () => {
  it('replaces ${VAR} and ${VAR:-default} in string values at any depth', () => {
    const result = run(
      { a: 'x-${A}-y', list: ['${B:-fallback}', 3, true], nested: { c: '${C:-d}', n: null } },
      { A: 'one', C: 'three' },
    );
    expect(result.value).toEqual({ a: 'x-one-y', list: ['fallback', 3, true], nested: { c: 'three', n: null } });
    expect([...result.substitutedPaths].sort()).toEqual(['a', 'list[0]', 'nested.c']);
    expect(result.problems).toEqual([]);
  });

  it('uses the default for an empty variable, like the shell', () => {
    expect(run({ a: '${A:-dflt}' }, { A: '' }).value).toEqual({ a: 'dflt' });
    expect(run({ a: '${A}' }, { A: '' }).value).toEqual({ a: '' });
  });

  it('names the key path of an unset variable', () => {
    const result = run({ routers: [{ password: '${CORE1_PASSWORD}' }] }, {});
    expect(result.problems).toEqual([
      {
        path: 'routers[0].password',
        message: 'environment variable CORE1_PASSWORD is not set (use ${CORE1_PASSWORD:-default} for a default)',
      },
    ]);
  });

  it('does not let a value inject YAML structure', () => {
    const result = run({ password: '${P}' }, { P: 'x\nadmin: true\n  - evil' });
    expect(result.value).toEqual({ password: 'x\nadmin: true\n  - evil' });
  });

  it('keeps $$ and lone $ (passwords contain them) and treats $${ as a literal ${', () => {
    expect(run({ a: 'pa$$w$rd', b: '$${HOME}' }, { HOME: '/root' }).value).toEqual({ a: 'pa$$w$rd', b: '${HOME}' });
  });

  it('rejects malformed references', () => {
    const result = run({ a: '${1BAD}', b: '${OPEN', c: '${}' }, {});
    expect(result.problems.map((problem) => problem.path)).toEqual(['a', 'b', 'c']);
  });

  it('does not substitute keys', () => {
    expect(run({ '${A}': 'v' }, { A: 'x' }).value).toEqual({ '${A}': 'v' });
  });
});
