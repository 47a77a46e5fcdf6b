import { describe, expect, it } from 'vitest';
import type { CollectContext } from '../../../../../src/sources/routeros/collectors/collector.js';
import { monitorListed } from '../../../../../src/sources/routeros/collectors/support/fetch.js';
import type { Row, RouterApi } from '../../../../../src/sources/routeros/client/api.js';
import { TrapError } from '../../../../../src/sources/routeros/client/errors.js';

/**
 * A router whose port list changes after each read, as when a port is removed between the list and
 * the monitor; the monitor refuses unknown names as RouterOS does.
 */
function churningRouter(states: string[][]): { api: RouterApi; monitored: string[]; list: () => Promise<string[]> } {
  const monitored: string[] = [];
  let reads = 0;
  let current = states[0]!;
  const api: RouterApi = {
    print: async () => [],
    count: async () => 0,
    async execute(_command, attributes): Promise<Row[]> {
      const asked = (attributes?.['numbers'] ?? '').split(',');
      monitored.push(asked.join(','));
      if (asked.some((name) => !current.includes(name))) {
        throw new TrapError('input does not match any value of interface', 1);
      }
      return asked.map((name) => ({ name, status: 'link-ok' }));
    },
  };
  const list = async (): Promise<string[]> => {
    const listed = current;
    reads += 1;
    current = states[Math.min(reads, states.length - 1)]!;
    return listed;
  };
  return { api, monitored, list };
}

function context(api: RouterApi): CollectContext {
  return { api, router: { version: '7.16', major: 7, minor: 16, packages: new Set() }, options: {}, signal: new AbortController().signal, nowMillis: 0 };
}

describe('monitorListed', () => {
  it('reads the list again and retries once when a listed item vanished before the monitor', async () => {
    const router = churningRouter([['ether1', 'ether2'], ['ether1']]);
    const rows = await monitorListed(context(router.api), router.list, '/interface/ethernet/monitor', ['name', 'status']);
    expect([...rows.keys()]).toEqual(['ether1']);
    expect(router.monitored).toEqual(['ether1,ether2', 'ether1']);
  });

  it('passes other traps on', async () => {
    const api: RouterApi = {
      print: async () => [],
      count: async () => 0,
      execute: async () => {
        throw new TrapError('no such command prefix', undefined);
      },
    };
    await expect(monitorListed(context(api), async () => ['ether1'], '/interface/ethernet/monitor', ['name'])).rejects.toThrow(
      'no such command prefix',
    );
  });
});
