/**
 * `inventory` (off by default; three commands): what is installed and how the router is reachable.
 * `/system/package`: each package's version and whether it is disabled; `/ip/cloud`: DDNS state with
 * the public address and DNS name as an info series (a dynamic address starts a new series when it
 * changes, which is the point); `/container` (only with the container package): each container's
 * status as a state set. https://help.mikrotik.com/docs/spaces/ROS/pages/97779929/Cloud,
 * https://help.mikrotik.com/docs/spaces/ROS/pages/84901929/Container (akpw/mktxp `package_ds.py`,
 * `public_ip_ds.py`, `container_ds.py`).
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector } from './collector.js';
import { gauge, info } from './support/define.js';
import { printOptionalRows, printRows } from './support/fetch.js';
import { readFlag, readText } from './support/rows.js';
import { addStateSet, SampleList } from './support/samples.js';

export const PACKAGE_INFO = info('routeros.package.info', 'Installed RouterOS package and its version; always 1.', ['name', 'version']);
export const PACKAGE_DISABLED = gauge('routeros.package.disabled', '', 'Whether the installed package is disabled (1) or enabled (0).', ['name']);
export const CLOUD_INFO = info(
  'routeros.cloud.info',
  'MikroTik cloud facts: public IPv4 and IPv6 address, DDNS name and status text; always 1.',
  ['public_address', 'public_address_ipv6', 'dns_name', 'status'],
);
export const CLOUD_DDNS_ENABLED = gauge('routeros.cloud.ddns.enabled', '', 'Whether MikroTik cloud DDNS is enabled (1) or not (0); absent for `auto`.', []);
export const CONTAINER_INFO = info('routeros.container.info', 'Container facts: name, image tag and root directory; always 1.', ['id', 'name', 'tag', 'root_dir']);
export const CONTAINER_STATUS = gauge(
  'routeros.container.status',
  '',
  'Container status: 1 for the current one, 0 for the other known ones (running, stopped, extracting, error).',
  ['id', 'status'],
);

export const PACKAGE_PATH = '/system/package';
export const CLOUD_PATH = '/ip/cloud';
export const CONTAINER_PATH = '/container';
export const CONTAINER_STATUSES: readonly string[] = ['running', 'stopped', 'extracting', 'error'];

/** Maps the three menus to samples; empty inputs give no samples. Pure. */
export function mapInventory(packages: readonly Row[], cloud: readonly Row[], containers: readonly Row[]): CollectOutput {
  const list = new SampleList();
  for (const row of packages) {
    const name = readText(row, 'name');
    if (name === undefined) continue;
    list.addInfo(PACKAGE_INFO, { name, version: readText(row, 'version') });
    list.add(PACKAGE_DISABLED, { name }, readFlag(row, 'disabled'));
  }
  const settings = cloud[0];
  if (settings !== undefined) {
    list.add(CLOUD_DDNS_ENABLED, {}, readFlag(settings, 'ddns-enabled'));
    const address = readText(settings, 'public-address');
    const dnsName = readText(settings, 'dns-name');
    // Only once the router asked the cloud: before that every field is empty.
    if (address !== undefined || dnsName !== undefined) {
      list.addInfo(CLOUD_INFO, {
        public_address: address,
        public_address_ipv6: readText(settings, 'public-address-ipv6'),
        dns_name: dnsName,
        status: readText(settings, 'status'),
      });
    }
  }
  for (const row of containers) {
    const id = readText(row, '.id');
    if (id === undefined) continue;
    list.addInfo(CONTAINER_INFO, { id, name: readText(row, 'name'), tag: readText(row, 'tag'), root_dir: readText(row, 'root-dir') });
    addStateSet(list, CONTAINER_STATUS, { id }, CONTAINER_STATUSES, readText(row, 'status'));
  }
  return { samples: list.samples };
}

export const inventoryCollector: Collector = {
  name: 'inventory',
  defaultEnabled: false,
  summary:
    'Installed packages (version, disabled), MikroTik cloud DDNS state with public address and DNS name as info, and container status (state set) with the container package (off by default; three commands).',
  paths: [PACKAGE_PATH, CLOUD_PATH, CONTAINER_PATH],
  metrics: [PACKAGE_INFO, PACKAGE_DISABLED, CLOUD_DDNS_ENABLED, CLOUD_INFO, CONTAINER_INFO, CONTAINER_STATUS],
  options: [],
  async collect(context: CollectContext): Promise<CollectOutput> {
    const packages = await printRows(context, PACKAGE_PATH, ['name', 'version', 'disabled']);
    const cloud = await printOptionalRows(context, CLOUD_PATH, ['ddns-enabled', 'public-address', 'public-address-ipv6', 'dns-name', 'status']);
    // Without the package there is no menu: no command, rather than a trap every cycle.
    const containers = context.router.packages.has('container')
      ? await printOptionalRows(context, CONTAINER_PATH, ['.id', 'name', 'tag', 'root-dir', 'status'])
      : [];
    return mapInventory(packages, cloud, containers);
  },
};
