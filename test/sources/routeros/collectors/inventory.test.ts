import { afterAll, describe, expect, it } from 'vitest';
import type { Row } from '../../../../src/sources/routeros/client/api.js';
import { inventoryCollector, mapInventory } from '../../../../src/sources/routeros/collectors/inventory.js';
import { commands, namingProblems, render, setup } from './helpers/fixture-api-families.js';
import { simulatorRunner } from './helpers/simulator-run.js';

const PACKAGES: Row[] = [
  { '.id': '*1', name: 'routeros', version: '7.16.2', disabled: 'false' },
  { '.id': '*2', name: 'container', version: '7.16.2', disabled: 'true' },
];
const CLOUD: Row[] = [{ 'ddns-enabled': 'yes', 'public-address': '198.51.100.34', 'dns-name': 'd7c20b9a1f23.sn.mynetname.net', status: 'updated' }];
const CONTAINERS: Row[] = [
  { '.id': '*1', name: 'pihole', tag: 'pihole/pihole:2024.07.0', 'root-dir': 'usb1/pihole', status: 'running' },
  { '.id': '*2', name: 'test', tag: 'library/alpine:3.20', 'root-dir': 'usb1/alpine', status: 'Extracting' },
];

function status(id: string, current: string): string[] {
  return ['running', 'stopped', 'extracting', 'error'].map((state) => `routeros_container_status{id="${id}",status="${state}"} ${state === current ? 1 : 0}`);
}

describe('inventoryCollector', () => {
  it('maps packages, the cloud and containers (status as a state set)', () => {
    expect(render(mapInventory(PACKAGES, CLOUD, CONTAINERS).samples)).toEqual(
      [
        'routeros_package_info{name="routeros",version="7.16.2"} 1',
        'routeros_package_disabled{name="routeros"} 0',
        'routeros_package_info{name="container",version="7.16.2"} 1',
        'routeros_package_disabled{name="container"} 1',
        'routeros_cloud_ddns_enabled 1',
        'routeros_cloud_info{public_address="198.51.100.34",public_address_ipv6="",dns_name="d7c20b9a1f23.sn.mynetname.net",status="updated"} 1',
        'routeros_container_info{id="*1",name="pihole",tag="pihole/pihole:2024.07.0",root_dir="usb1/pihole"} 1',
        ...status('*1', 'running'),
        'routeros_container_info{id="*2",name="test",tag="library/alpine:3.20",root_dir="usb1/alpine"} 1',
        ...status('*2', 'extracting'),
      ].sort(),
    );
    // A router that never asked the cloud: DDNS off, no info series of empty values.
    expect(render(mapInventory([], [{ 'ddns-enabled': 'false', status: '' }], []).samples)).toEqual(['routeros_cloud_ddns_enabled 0']);
  });

  it('reads /container only with the container package', async () => {
    const without = setup({ '/system/package': PACKAGES, '/ip/cloud': CLOUD }, '7.16 (stable)');
    await inventoryCollector.collect(without.context);
    expect(commands(without.api.calls)).toEqual(['print /system/package', 'print /ip/cloud']);
    const withPackage = setup({ '/system/package': PACKAGES, '/ip/cloud': CLOUD, '/container': CONTAINERS }, '7.16 (stable)', { packages: ['routeros', 'container'] });
    await inventoryCollector.collect(withPackage.context);
    expect(commands(withPackage.api.calls)).toEqual(['print /system/package', 'print /ip/cloud', 'print /container']);
  });

  it('is off by default (three commands) and follows the naming rule', () => {
    expect(inventoryCollector.defaultEnabled).toBe(false);
    expect(namingProblems(inventoryCollector, ['routeros_package_', 'routeros_cloud_', 'routeros_container_'])).toEqual([]);
  });
});

describe('inventory against the simulator', () => {
  const runner = simulatorRunner();
  afterAll(() => runner.stop());
  const lines = async (profileId: string): Promise<string[]> => (await runner.run(profileId, inventoryCollector)).lines;

  it('reads the containers of a router with the package and the DDNS name of one that uses the cloud', async () => {
    const chr = await lines('chr-v7-18');
    expect(chr).toContain('routeros_container_status{id="*3",status="stopped"} 1');
    expect(chr).toContain('routeros_package_info{name="container",version="7.19.4"} 1');
    expect(chr).toContain('routeros_cloud_ddns_enabled 0');
    const hap = await lines('hap-ac2-v6');
    expect(hap).toContain('routeros_cloud_info{public_address="198.51.100.34",public_address_ipv6="",dns_name="d7c20b9a1f23.sn.mynetname.net",status="updated"} 1');
    expect(hap.some((line) => line.startsWith('routeros_container_'))).toBe(false);
  });
});
