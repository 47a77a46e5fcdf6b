import { describe, expect, it } from 'vitest';
import type { Row } from '../../../../../src/sources/routeros/client/api.js';
import { TrapError } from '../../../../../src/sources/routeros/client/errors.js';
import { FixtureApi, loadFixture } from './fixture-api.js';

describe('FixtureApi', () => {
  const rows: Row[] = [
    { name: 'ether1', type: 'ether', comment: 'up' },
    { name: 'vlan10', type: 'vlan' },
    { name: 'wg0', type: 'wg' },
  ];

  it('fails a print without a proplist', async () => {
    const api = new FixtureApi({ '/interface': rows });
    await expect(api.print('/interface')).rejects.toThrow('/interface/print sent without a proplist');
    await expect(api.print('/interface', { proplist: [] })).rejects.toThrow(/without a proplist/);
  });

  it('returns only proplist properties', async () => {
    const api = new FixtureApi({ '/interface': rows });
    expect(await api.print('/interface', { proplist: ['name'] })).toEqual([{ name: 'ether1' }, { name: 'vlan10' }, { name: 'wg0' }]);
  });

  it('evaluates queries like RouterOS', async () => {
    const api = new FixtureApi({ '/interface': rows });
    const names = async (query: string[]) => (await api.print('/interface', { proplist: ['name'], query })).map((row) => row['name']);
    expect(await names(['type=ether', 'type=vlan', '#|'])).toEqual(['ether1', 'vlan10']);
    expect(await names(['type=wg', '#!'])).toEqual(['ether1', 'vlan10']);
    expect(await names(['comment'])).toEqual(['ether1']);
    expect(await names(['-comment'])).toEqual(['vlan10', 'wg0']);
    expect(await api.count('/interface', { query: ['type=vlan'] })).toBe(1);
  });

  it('answers an unknown path with the missing-menu trap', async () => {
    const error = await new FixtureApi({}).print('/nope', { proplist: ['x'] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrapError);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('loads fixtures with provenance', () => {
    const fixture = loadFixture('interface', '7.19');
    expect(fixture.path).toBe('/interface');
    expect(fixture.source).toMatch(/containerlab/);
    expect(fixture.rows.length).toBeGreaterThan(0);
  });
});
