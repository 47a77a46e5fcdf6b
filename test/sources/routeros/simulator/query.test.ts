import { describe, expect, it } from 'vitest';
import { compareValues, matchesQuery, QuerySyntaxError } from '../../../../src/sources/routeros/simulator/query.js';

const ether = { name: 'ether1', type: 'ether', mtu: '1500', comment: 'uplink', 'rx-byte': '9007199254740993' };
const vlan = { name: 'vlan10', type: 'vlan', mtu: '1500' };
const bridge = { name: 'bridge', type: 'bridge', mtu: 'auto', comment: '' };

function filter(...words: string[]): string[] {
  return [ether, vlan, bridge].filter((row) => matchesQuery(row, words)).map((row) => row.name);
}

describe('matchesQuery', () => {
  it('matches everything without words', () => {
    expect(filter()).toEqual(['ether1', 'vlan10', 'bridge']);
  });

  it('?name / ?-name test presence, an empty value counts as present', () => {
    expect(filter('comment')).toEqual(['ether1', 'bridge']);
    expect(filter('-comment')).toEqual(['vlan10']);
  });

  it('?name=x and ?=name=x test equality; an absent property never equals', () => {
    expect(filter('type=vlan')).toEqual(['vlan10']);
    expect(filter('=type=vlan')).toEqual(['vlan10']);
    expect(filter('comment=')).toEqual(['bridge']);
  });

  it('?< and ?> compare numbers as numbers and other text as text', () => {
    expect(filter('<mtu=1600')).toEqual(['ether1', 'vlan10']);
    expect(filter('>comment=')).toEqual(['ether1']);
    expect(filter('>rx-byte=9007199254740992')).toEqual(['ether1']);
    expect(filter('<rx-byte=9007199254740993')).toEqual([]);
  });

  it('?#| ?#& ?#! combine the stack', () => {
    expect(filter('type=ether', 'type=vlan', '#|')).toEqual(['ether1', 'vlan10']);
    expect(filter('mtu=1500', 'comment', '#&')).toEqual(['ether1']);
    expect(filter('mtu=1500', 'comment', '#&!')).toEqual(['vlan10', 'bridge']);
  });

  it('an index pushes a copy; an index at the end replaces the stack; "." copies the top', () => {
    // [isEther, isVlan] → push copy of index 1 (isEther) → | with isVlan → [isEther, isEther|isVlan]
    expect(filter('type=ether', 'type=vlan', '#1|')).toEqual(['ether1']);
    // Replace everything with index 1 (isEther): the later false values are gone.
    expect(filter('type=ether', 'type=vlan', '#1')).toEqual(['ether1']);
    // "." after an index does nothing: same as "0" then "!"
    expect(filter('type=vlan', '#0.!|')).toEqual(filter('type=vlan', '#0!|'));
    // "." after an operator copies the top: NOT(vlan) twice, OR'ed → NOT(vlan)
    expect(filter('type=vlan', '#!.|')).toEqual(['ether1', 'bridge']);
  });

  it('reading below the stack yields true', () => {
    expect(filter('type=vlan', '#&')).toEqual(['vlan10']);
    expect(filter('#5!')).toEqual([]);
  });

  it('rejects unknown operations and malformed comparisons', () => {
    expect(() => matchesQuery(ether, ['#x'])).toThrow(QuerySyntaxError);
    expect(() => matchesQuery(ether, ['<=1'])).toThrow(QuerySyntaxError);
  });
});

describe('compareValues', () => {
  it('orders integers exactly, decimals numerically, text lexically', () => {
    expect(compareValues('10', '9')).toBe(1);
    expect(compareValues('18446744073709551615', '18446744073709551614')).toBe(1);
    expect(compareValues('-1.5', '0.25')).toBe(-1);
    expect(compareValues('abc', 'abd')).toBe(-1);
    expect(compareValues('10', 'x')).toBe(-1);
    expect(compareValues('7', '7')).toBe(0);
  });
});
