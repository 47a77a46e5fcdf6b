import { describe, expect, it } from 'vitest';
import type { CollectContext, Collector, CollectorOptions } from '../../../../src/sources/routeros/collectors/collector.js';
import { COLLECTORS } from '../../../../src/sources/routeros/collectors/registry.js';
import type { RouterApi } from '../../../../src/sources/routeros/client/api.js';

/** Options that record every key read, so a test sees what a collector actually looks at. */
function recordingOptions(): { options: CollectorOptions; read: Set<string> } {
  const read = new Set<string>();
  const options = new Proxy<Record<string, unknown>>(
    {},
    {
      get(target, key) {
        if (typeof key === 'string') read.add(key);
        return Reflect.get(target, key) as unknown;
      },
    },
  );
  return { options, read };
}

/** An API that fails every command: the run stops at its first fetch, after reading its options. */
const FAILING_API: RouterApi = {
  print: () => Promise.reject(new Error('offline')),
  count: () => Promise.reject(new Error('offline')),
  execute: () => Promise.reject(new Error('offline')),
};

function context(options: CollectorOptions): CollectContext {
  return {
    api: FAILING_API,
    router: { version: '7.16.1', major: 7, minor: 16, packages: new Set(['routeros']) },
    options,
    signal: new AbortController().signal,
    nowMillis: 0,
  };
}

function declared(collector: Collector): string[] {
  return (collector.options ?? []).map((option) => option.name);
}

describe('collector options', () => {
  it('are declared by every collector, documented in one sentence each', () => {
    for (const collector of COLLECTORS) {
      expect(collector.options, collector.name).toBeDefined();
      const names = declared(collector);
      expect(new Set(names).size, collector.name).toBe(names.length);
      for (const option of collector.options ?? []) {
        expect(option.name).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(['enabled', 'interval']).not.toContain(option.name);
        expect(option.description, `${collector.name}.${option.name}`).toMatch(/^[A-Z`].*\.$/);
      }
      // A collector with options must let the config loader check their values.
      expect(collector.checkOptions === undefined, collector.name).toBe(names.length === 0);
    }
  });

  it.each(COLLECTORS.map((collector) => [collector.name, collector] as const))(
    '%s declares exactly the keys its option reader reads',
    (_name, collector) => {
      const { options, read } = recordingOptions();
      collector.checkOptions?.(options);
      expect([...read].sort()).toEqual(declared(collector).sort());
    },
  );

  it.each(COLLECTORS.map((collector) => [collector.name, collector] as const))(
    '%s reads no option in a run that it does not declare',
    async (_name, collector) => {
      const { options, read } = recordingOptions();
      await collector.collect(context(options)).catch(() => undefined);
      for (const key of read) expect(declared(collector)).toContain(key);
    },
  );

  it('reports a bad value with the key first, so the config can point at it', () => {
    const firewall = COLLECTORS.find((collector) => collector.name === 'firewall');
    expect(() => firewall?.checkOptions?.({ families: ['ipv5'] })).toThrow(/^families: unknown value "ipv5"/);
    const dhcp = COLLECTORS.find((collector) => collector.name === 'dhcp');
    expect(() => dhcp?.checkOptions?.({ include_pools: ['(x'] })).toThrow(/^include_pools\[0\]: invalid regular expression/);
  });
});
