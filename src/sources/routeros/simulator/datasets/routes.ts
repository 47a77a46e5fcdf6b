/**
 * The `routes` family: `/ip/route` and `/ipv6/route` (RouterOS manual https://help.mikrotik.com/docs/spaces/ROS/, replies recorded in test/fixtures/routeros/). Protocol and state
 * flags are boolean properties on both v6 and v7 (`bgp=true`, `active=false`), so `?active=true
 * ?bgp=true =count-only=` counts work on both. {@link routesDataset} adds any number of BGP routes
 * so an edge profile can show a realistic table without hand-writing it.
 */
import type { SimRow } from '../profile.js';
import { itemId, type DatasetPart } from './dataset.js';

/** Options of {@link routesDataset}. */
export interface RoutesSpec {
  /** v7 rows (`routing-table`, `inactive`, `%iface` suffixes) instead of v6 rows. */
  v7: boolean;
  /** Active BGP routes to generate beyond the fixed rows. @default 0 */
  bgpRoutes?: number;
  /** Include `/ipv6/route` (v6: only when the ipv6 package is enabled). */
  ipv6: boolean;
}

function v7Route(id: string, dst: string, active: boolean, flags: SimRow): SimRow {
  return { '.id': id, 'dst-address': dst, active: String(active), inactive: String(!active), 'routing-table': 'main', ...flags };
}

function v6Route(id: string, dst: string, active: boolean, flags: SimRow): SimRow {
  return {
    '.id': id,
    'dst-address': dst,
    active: String(active),
    static: 'false',
    dynamic: 'false',
    connect: 'false',
    bgp: 'false',
    ospf: 'false',
    disabled: 'false',
    ...flags,
  };
}

/** Builds the route tables. */
export function routesDataset(spec: RoutesSpec): DatasetPart {
  const generated = Array.from({ length: spec.bgpRoutes ?? 0 }, (_, index) => {
    const dst = `100.${64 + Math.floor(index / 65_536) % 64}.${Math.floor(index / 256) % 256}.${index % 256}/32`;
    const id = itemId(0x2019_0000 + index);
    return spec.v7
      ? v7Route(id, dst, true, { bgp: 'true', dynamic: 'true', distance: '20', gateway: '220.40.40.1', 'immediate-gw': '220.40.40.1%ether2' })
      : v6Route(id, dst, true, { bgp: 'true', dynamic: 'true', distance: '20', gateway: '198.51.100.1' });
  });
  if (!spec.v7) {
    const rows = [
      v6Route('*1', '0.0.0.0/0', true, { static: 'true', gateway: '198.51.100.1', distance: '1' }),
      v6Route('*2', '192.168.88.0/24', true, { dynamic: 'true', connect: 'true', gateway: 'bridge', 'pref-src': '192.168.88.1', distance: '0' }),
      v6Route('*3', '10.255.0.1/32', true, { dynamic: 'true', ospf: 'true', gateway: '10.0.0.1', distance: '110' }),
      v6Route('*4', '172.31.0.0/16', false, { static: 'true', gateway: '10.9.9.9', distance: '1', disabled: 'true' }),
      ...generated,
    ];
    const menus: NonNullable<DatasetPart['menus']> = { '/ip/route': { rows } };
    if (spec.ipv6) {
      menus['/ipv6/route'] = {
        rows: [v6Route('*1', '2001:db8:88::/64', true, { dynamic: 'true', connect: 'true', gateway: 'bridge', distance: '0' })],
      };
    }
    return { menus };
  }
  const rows = [
    // Lab capture rows (RouterOS manual https://help.mikrotik.com/docs/spaces/ROS/, replies recorded in test/fixtures/routeros/) and their neighbours.
    v7Route('*2018B000', '0.0.0.0/0', true, {
      bgp: 'true',
      distance: '20',
      dynamic: 'true',
      gateway: '220.40.40.1',
      'immediate-gw': '220.40.40.1%ether2',
      scope: '40',
      'target-scope': '10',
    }),
    v7Route('*2018B001', '0.0.0.0/0', false, { bgp: 'true', distance: '200', dynamic: 'true', gateway: '220.40.41.1' }),
    v7Route('*2018C000', '10.255.0.1/32', true, { ospf: 'true', distance: '110', dynamic: 'true', gateway: '172.16.77.1%ether4' }),
    v7Route('*2018C001', '10.255.0.2/32', true, { ospf: 'true', distance: '110', dynamic: 'true', gateway: '172.16.77.3%ether4', ecmp: 'true' }),
    v7Route('*2018D000', '172.16.77.0/24', true, { connect: 'true', distance: '0', dynamic: 'true', 'local-address': '172.16.77.2%ether4' }),
    v7Route('*2018D001', '220.40.40.0/30', true, { connect: 'true', distance: '0', dynamic: 'true', 'local-address': '220.40.40.2%ether2' }),
    v7Route('*80000001', '192.168.100.0/24', true, { static: 'true', distance: '1', gateway: '10.0.0.9' }),
    v7Route('*80000002', '192.168.200.0/24', false, { static: 'true', distance: '1', gateway: '10.0.0.99' }),
    ...generated,
  ];
  const menus: NonNullable<DatasetPart['menus']> = { '/ip/route': { rows } };
  if (spec.ipv6) {
    menus['/ipv6/route'] = {
      rows: [
        v7Route('*2018E000', '2001:db8:77::/64', true, { connect: 'true', dynamic: 'true', 'local-address': '2001:db8:77::2%ether4' }),
        v7Route('*80000010', '::/0', true, { static: 'true', gateway: '2001:db8:77::1', distance: '1' }),
        v7Route('*2018E001', '2001:db8:1234::/48', false, { bgp: 'true', dynamic: 'true', gateway: '2001:db8:ff::1' }),
      ],
    };
  }
  return { menus };
}

/** A v7 BGP/OSPF edge router with 2,000 extra BGP routes. */
export const ROUTES_V7: DatasetPart = routesDataset({ v7: true, ipv6: true, bgpRoutes: 2000 });

/** A v6 router without the ipv6 package. */
export const ROUTES_V6: DatasetPart = routesDataset({ v7: false, ipv6: false });

/** A network the router is attached to: destination, interface and the router's address on it. */
export interface ConnectedNetwork {
  dst: string;
  iface: string;
  address: string;
}

/** Options of {@link accessRoutesDataset}. */
export interface AccessRoutesSpec {
  /** v7 rows instead of v6 rows. */
  v7: boolean;
  /** Next hop (address or interface name) of the default route. */
  gateway: string;
  /** Interface the default route leaves by. */
  wan: string;
  /**
   * Where the default route comes from: `static`, a DHCP client (v7 flags it `dhcp=true`; v6 shows
   * it dynamic and static, `DAS`), or an interface that installs it itself (LTE, PPPoE client).
   */
  defaultFrom: 'static' | 'dhcp' | 'interface';
  connected: readonly ConnectedNetwork[];
}

/** The small IPv4 table of an access router, AP or switch: a default route and its connected networks. */
export function accessRoutesDataset(spec: AccessRoutesSpec): DatasetPart {
  const defaultFlags: SimRow =
    spec.defaultFrom === 'static'
      ? { static: 'true', distance: '1' }
      : spec.defaultFrom === 'dhcp'
        ? spec.v7
          ? { dhcp: 'true', dynamic: 'true', distance: '1' }
          : { dynamic: 'true', static: 'true', distance: '1' }
        : { dynamic: 'true', distance: '2' };
  if (!spec.v7) {
    const rows = [
      v6Route('*1', '0.0.0.0/0', true, { ...defaultFlags, gateway: spec.gateway }),
      ...spec.connected.map((network, index) =>
        v6Route(itemId(index + 2), network.dst, true, { dynamic: 'true', connect: 'true', gateway: network.iface, 'pref-src': network.address, distance: '0' }),
      ),
    ];
    return { menus: { '/ip/route': { rows } } };
  }
  const defaultId = spec.defaultFrom === 'static' ? '*80000001' : '*2018A000';
  const rows = [
    v7Route(defaultId, '0.0.0.0/0', true, { ...defaultFlags, gateway: spec.gateway, 'immediate-gw': spec.gateway === spec.wan ? spec.wan : `${spec.gateway}%${spec.wan}` }),
    ...spec.connected.map((network, index) =>
      v7Route(itemId(0x2018d000 + index), network.dst, true, { connect: 'true', dynamic: 'true', distance: '0', 'local-address': `${network.address}%${network.iface}` }),
    ),
  ];
  return { menus: { '/ip/route': { rows } } };
}
