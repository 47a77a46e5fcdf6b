import { describe, expect, it } from 'vitest';
import { PROFILES, profilesFor } from '../../../../src/sources/routeros/simulator/profiles.js';
import { atLeast, featuresOf, formatDuration, formatRosDate, parseDurationMillis, parseRosVersion } from '../../../../src/sources/routeros/simulator/version.js';

describe('PROFILES', () => {
  const profiles = Object.values(PROFILES);

  it('covers the required eras', () => {
    const versions = profiles.map((profile) => parseRosVersion(profile.version));
    expect(versions.some((v) => v.major === 6 && v.minor >= 43)).toBe(true);
    expect(versions.some((v) => v.major === 6 && v.minor < 43)).toBe(true);
    expect(versions.some((v) => v.major === 7 && !atLeast(v, 7, 18) && atLeast(v, 7, 10))).toBe(true);
    expect(versions.some((v) => atLeast(v, 7, 18))).toBe(true);
    expect(versions.some((v) => v.major === 7 && !atLeast(v, 7, 10))).toBe(true);
  });

  it.each(Object.keys(PROFILES))('%s is consistent', (id) => {
    const profile = PROFILES[id]!;
    expect(profile.id).toBe(id);
    expect(Object.isFrozen(profile.menus['/interface']!.rows[0])).toBe(true);
    expect(profile.menus['/system/resource']!.rows[0]!.version).toBe(profile.version);
    const interfaces = profile.menus['/interface']!.rows;
    const ids = interfaces.map((row) => row['.id']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((value) => /^\*[0-9A-F]+$/.test(value ?? ''))).toBe(true);
    const names = interfaces.map((row) => row.name);
    expect(new Set(names).size).toBe(names.length);
    for (const row of interfaces) {
      for (const [key, value] of Object.entries(row)) expect(typeof value, `${row.name}.${key}`).toBe('string');
    }
    // Every ethernet port has a monitor row.
    const monitor = profile.monitors['/interface/ethernet/monitor']!;
    for (const row of interfaces.filter((candidate) => candidate.type === 'ether')) {
      expect(monitor[row.name!], row.name).toBeDefined();
    }
    const isoDates = featuresOf(parseRosVersion(profile.version)).isoDates;
    const buildTime = profile.menus['/system/resource']!.rows[0]!['build-time']!;
    expect(buildTime).toMatch(isoDates ? /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/ : /^[a-z]{3}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);
  });

  it('health is a flat record on v6, rows on v7, empty on CHR', () => {
    expect(PROFILES['hap-ac2-v6']!.menus['/system/health']!.rows).toEqual([
      { voltage: '24.1', temperature: '35', 'cpu-temperature': '45' },
    ]);
    for (const row of PROFILES['ccr2004-v7']!.menus['/system/health']!.rows) {
      expect(Object.keys(row).sort()).toEqual(['.id', 'name', 'type', 'value']);
    }
    expect(PROFILES['chr-v7-18']!.menus['/system/health']!.rows).toEqual([]);
  });

  it.each(Object.keys(PROFILES))('%s has the menus every RouterOS has: a routing table and the resolver settings', (id) => {
    const profile = PROFILES[id]!;
    expect(profile.menus['/ip/route'], id).toBeDefined();
    const dns = profile.menus['/ip/dns']!.rows;
    expect(dns).toHaveLength(1);
    expect(dns[0]).toMatchObject({ 'cache-size': expect.stringMatching(/^\d+$/), 'cache-used': expect.stringMatching(/^\d+$/) });
    // Routers with interfaces route to at least their connected networks.
    expect(profile.menus['/ip/route']!.rows.length, id).toBeGreaterThan(0);
  });

  it('gives RouterOS 6 with the ipv6 package the IPv6 menus it has: connection tracking, no NAT', () => {
    for (const id of ['hap-ac2-v6', 'rb750-v6-legacy']) {
      const menus = PROFILES[id]!.menus;
      expect(menus['/ipv6/firewall/connection'], id).toEqual({ rows: [] });
      expect(menus['/ipv6/firewall/nat'], id).toBeUndefined();
    }
    expect(PROFILES['hex-v7']!.menus['/ipv6/firewall/nat']).toBeDefined();
  });

  it('serves v6 CAPsMAN from the wireless package', () => {
    const rb750 = PROFILES['rb750-v6-legacy']!;
    expect(rb750.packages).toContain('wireless');
    expect(rb750.menus['/caps-man/registration-table']!.rows).toHaveLength(45);
  });

  it('the big box has 12+ ports, 40+ VLANs and a bridge', () => {
    const rows = PROFILES['ccr2004-v7']!.menus['/interface']!.rows;
    expect(rows.filter((row) => row.type === 'ether').length).toBeGreaterThanOrEqual(12);
    expect(rows.filter((row) => row.type === 'vlan').length).toBeGreaterThanOrEqual(40);
    expect(rows.filter((row) => row.type === 'bridge')).toHaveLength(1);
  });
});

describe('profilesFor', () => {
  it('cycles through all for mixed, per major version for v6/v7, repeats an id', () => {
    const all = Object.keys(PROFILES);
    expect(profilesFor('mixed', all.length + 2).map((profile) => profile.id)).toEqual([...all, all[0], all[1]]);
    expect(profilesFor('v6', 4).map((profile) => profile.id)).toEqual(['hap-ac2-v6', 'rb750-v6-legacy', 'hap-ac2-v6', 'rb750-v6-legacy']);
    expect(profilesFor('v7', 5).every((profile) => profile.version.startsWith('7.'))).toBe(true);
    expect(profilesFor('hex-v7', 2).map((profile) => profile.id)).toEqual(['hex-v7', 'hex-v7']);
    // Shared, not copied.
    expect(profilesFor('hex-v7', 2)[0]).toBe(PROFILES['hex-v7']);
  });

  it('names the known selections for an unknown one', () => {
    expect(() => profilesFor('v8', 1)).toThrow(/profile: unknown profile "v8" \(known: mixed, v6, v7, hap-ac2-v6/);
  });
});

describe('version helpers', () => {
  it('derives the dialogue features from the version', () => {
    expect(featuresOf(parseRosVersion('6.42.12'))).toMatchObject({ plaintextLogin: false, challengeLogin: true, badCredentialsMessage: 'cannot log in' });
    expect(featuresOf(parseRosVersion('6.43'))).toMatchObject({ plaintextLogin: true, challengeLogin: true });
    expect(featuresOf(parseRosVersion('6.45.1'))).toMatchObject({ plaintextLogin: true, challengeLogin: false });
    expect(featuresOf(parseRosVersion('7.17.2 (stable)')).emptyReply).toBe(false);
    expect(featuresOf(parseRosVersion('7.18 (stable)')).emptyReply).toBe(true);
    expect(featuresOf(parseRosVersion('7.9.2')).isoDates).toBe(false);
    expect(featuresOf(parseRosVersion('7.10')).isoDates).toBe(true);
    expect(() => parseRosVersion('stable')).toThrow(/version: not a RouterOS version/);
  });

  it('formats dates and durations as RouterOS does', () => {
    expect(formatRosDate('2025-01-02 10:00:00', parseRosVersion('6.49.17'))).toBe('jan/02/2025 10:00:00');
    expect(formatRosDate('2025-01-02 10:00:00', parseRosVersion('7.16'))).toBe('2025-01-02 10:00:00');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(15 * 604_800 + 3 * 86_400 + 3 * 3_600 + 42 * 60 + 53)).toBe('15w3d3h42m53s');
    expect(formatDuration(7 * 604_800 + 6 * 86_400 + 9 * 3_600 + 34 * 60)).toBe('7w6d9h34m');
    expect(parseDurationMillis('2d20h12m20s')).toBe(((2 * 24 + 20) * 3600 + 12 * 60 + 20) * 1000);
    expect(parseDurationMillis('1s500ms')).toBe(1500);
    expect(parseDurationMillis('14:40:26')).toBeUndefined();
  });
});
