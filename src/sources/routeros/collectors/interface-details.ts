/**
 * `interface_details` (off by default; four commands): what an interface is, as info series. VLANs
 * (`/interface/vlan`: id and parent) and tunnel endpoints (`/interface/eoip` with its tunnel id,
 * `/interface/gre`, `/interface/ipip`), so a dashboard can tell which VLAN or which remote site an
 * interface's traffic belongs to. Keyed by interface name like the `interface` family.
 * https://help.mikrotik.com/docs/spaces/ROS/pages/88014957/VLAN, …/EoIP, …/GRE, …/IPIP
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector } from './collector.js';
import { info } from './support/define.js';
import { printRows } from './support/fetch.js';
import { readText } from './support/rows.js';
import { SampleList } from './support/samples.js';

export const INTERFACE_VLAN_INFO = info(
  'routeros.interface.vlan.info',
  'VLAN interface facts: VLAN id and the parent interface it is tagged on; always 1.',
  ['interface', 'vlan_id', 'parent'],
);
export const INTERFACE_TUNNEL_INFO = info(
  'routeros.interface.tunnel.info',
  'Tunnel interface facts: type (eoip, gre, ipip), local and remote endpoint, EoIP tunnel id; always 1.',
  ['interface', 'type', 'local_address', 'remote_address', 'tunnel_id'],
);

export const VLAN_PATH = '/interface/vlan';
export const TUNNEL_PATHS = { eoip: '/interface/eoip', gre: '/interface/gre', ipip: '/interface/ipip' } as const;
const TUNNEL_PROPLIST = ['name', 'local-address', 'remote-address', 'tunnel-id'];

/** Maps VLAN rows and tunnel rows (by type) to info samples. Pure. */
export function mapInterfaceDetails(vlans: readonly Row[], tunnels: Readonly<Record<keyof typeof TUNNEL_PATHS, readonly Row[]>>): CollectOutput {
  const list = new SampleList();
  for (const row of vlans) {
    const name = readText(row, 'name');
    if (name !== undefined) list.addInfo(INTERFACE_VLAN_INFO, { interface: name, vlan_id: readText(row, 'vlan-id'), parent: readText(row, 'interface') });
  }
  for (const type of Object.keys(TUNNEL_PATHS) as (keyof typeof TUNNEL_PATHS)[]) {
    for (const row of tunnels[type]) {
      const name = readText(row, 'name');
      if (name === undefined) continue;
      list.addInfo(INTERFACE_TUNNEL_INFO, {
        interface: name,
        type,
        local_address: readText(row, 'local-address'),
        remote_address: readText(row, 'remote-address'),
        tunnel_id: readText(row, 'tunnel-id'),
      });
    }
  }
  return { samples: list.samples };
}

export const interfaceDetailsCollector: Collector = {
  name: 'interface_details',
  defaultEnabled: false,
  summary: 'VLAN id and parent, and EoIP/GRE/IPIP tunnel endpoints (and EoIP tunnel id) per interface, as info series (off by default; four commands).',
  paths: [VLAN_PATH, TUNNEL_PATHS.eoip, TUNNEL_PATHS.gre, TUNNEL_PATHS.ipip],
  metrics: [INTERFACE_VLAN_INFO, INTERFACE_TUNNEL_INFO],
  options: [],
  async collect(context: CollectContext): Promise<CollectOutput> {
    const vlans = await printRows(context, VLAN_PATH, ['name', 'vlan-id', 'interface']);
    const eoip = await printRows(context, TUNNEL_PATHS.eoip, TUNNEL_PROPLIST);
    const gre = await printRows(context, TUNNEL_PATHS.gre, TUNNEL_PROPLIST);
    const ipip = await printRows(context, TUNNEL_PATHS.ipip, TUNNEL_PROPLIST);
    return mapInterfaceDetails(vlans, { eoip, gre, ipip });
  },
};
