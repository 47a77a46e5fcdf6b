/**
 * The `dhcp` family (and `dhcp_leases`, which reads the same lease menu): `/ip/dhcp-server`,
 * `/ip/dhcp-server/lease`, `/ip/pool` and `/ip/pool/used` (RouterOS manual https://help.mikrotik.com/docs/spaces/ROS/, replies recorded in test/fixtures/routeros/).
 * Leases are generated deterministically per server; every bound or offered lease also holds an
 * address in its server's pool, so pool usage and lease counts agree. v6 writes `expires-after` in
 * the clock form (`14:40:26`), v7 in the letter form (`21m57s`).
 */
import type { SimRow } from '../profile.js';
import { itemId, unitFraction, type DatasetPart } from './dataset.js';

/** One DHCP server with its pool and leases. */
export interface DhcpServerSpec {
  name: string;
  interface: string;
  pool: string;
  /** First three octets of the pool (`10.10.10`); the pool covers `.100`–`.254`. */
  network: string;
  /** Dynamic bound leases. */
  bound: number;
  /** Offered (not yet acknowledged) leases. @default 0 */
  offered?: number;
  /** Static leases whose client is offline (`waiting`). @default 0 */
  waiting?: number;
}

/** Options of {@link dhcpDataset}. */
export interface DhcpSpec {
  servers: readonly DhcpServerSpec[];
  /** Clock-form durations (v6) instead of the letter form. */
  clockDurations: boolean;
  /** Extra rows of `/ip/dhcp-server/lease` (recorded samples) appended after the generated ones. */
  extraLeases?: readonly SimRow[];
}

function letters(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 || seconds === 0 ? `${s}s` : ''}`;
}

function clock(seconds: number): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}

/** MAC address of the `index`th lease of `server` (other datasets use it for the same client). */
export function dhcpLeaseMac(server: string, index: number): string {
  const byte = (n: number): string => (Math.floor(unitFraction(`${server}/${index}/${n}`) * 256) & 0xff).toString(16).padStart(2, '0').toUpperCase();
  return `02:${byte(1)}:${byte(2)}:${byte(3)}:${byte(4)}:${index.toString(16).padStart(2, '0').toUpperCase()}`;
}

const HOST_NAMES = ['laptop', 'phone', 'tablet', 'tv', 'printer', 'nas', 'camera', 'watch', 'console', 'speaker'];

/** Builds servers, leases, pools and pool usage. */
export function dhcpDataset(spec: DhcpSpec): DatasetPart {
  const duration = spec.clockDurations ? clock : letters;
  const servers: SimRow[] = [];
  const leases: SimRow[] = [];
  const pools: SimRow[] = [];
  const used: SimRow[] = [];
  let nextLease = 0x10;
  spec.servers.forEach((server, serverIndex) => {
    servers.push({
      '.id': itemId(serverIndex + 1),
      name: server.name,
      interface: server.interface,
      'address-pool': server.pool,
      'lease-time': '30m',
      disabled: 'false',
      dynamic: 'false',
      invalid: 'false',
    });
    pools.push({ '.id': itemId(serverIndex + 1), name: server.pool, ranges: `${server.network}.100-${server.network}.254` });
    const statuses = [
      ...Array<string>(server.bound).fill('bound'),
      ...Array<string>(server.offered ?? 0).fill('offered'),
      ...Array<string>(server.waiting ?? 0).fill('waiting'),
    ];
    statuses.forEach((status, index) => {
      const address = status === 'waiting' ? `${server.network}.${10 + index}` : `${server.network}.${100 + index}`;
      const hardware = dhcpLeaseMac(server.name, index);
      const row: SimRow = {
        '.id': itemId(nextLease++),
        address,
        'mac-address': hardware,
        server: server.name,
        status,
        dynamic: status === 'waiting' ? 'false' : 'true',
        blocked: 'false',
        disabled: 'false',
        radius: 'false',
      };
      if (status === 'waiting') {
        row['last-seen'] = 'never';
        row.comment = `static ${HOST_NAMES[index % HOST_NAMES.length] ?? 'host'}`;
      } else {
        const seen = Math.floor(unitFraction(`${server.name}/${index}/seen`) * 1200);
        row['expires-after'] = duration(status === 'offered' ? 25 : 60 + Math.floor(unitFraction(`${server.name}/${index}/exp`) * 1700));
        row['last-seen'] = duration(status === 'offered' ? 5 : seen);
        used.push({ pool: server.pool, address, owner: server.name, info: hardware });
      }
      if (status === 'bound') {
        Object.assign(row, {
          'active-address': address,
          'active-mac-address': hardware,
          'active-server': server.name,
          'host-name': `${HOST_NAMES[index % HOST_NAMES.length] ?? 'host'}-${index}`,
        });
      }
      leases.push(row);
    });
  });
  return {
    menus: {
      '/ip/dhcp-server': { rows: servers },
      '/ip/dhcp-server/lease': { rows: [...leases, ...(spec.extraLeases ?? [])] },
      '/ip/pool': { rows: pools },
      '/ip/pool/used': { rows: used },
    },
  };
}

/** A v7 office router: a LAN server with 40 clients and a guest VLAN server. */
export const DHCP_V7: DatasetPart = dhcpDataset({
  clockDurations: false,
  servers: [
    { name: 'lan_dhcp', interface: 'bridge', pool: 'lan_pool', network: '10.10.10', bound: 40, waiting: 3 },
    { name: 'guest_dhcp', interface: 'vlan10', pool: 'guest_pool', network: '10.20.0', bound: 12, offered: 1 },
  ],
  extraLeases: [
    // Telegraf testData ip_dhcp_server_lease.json (RouterOS manual https://help.mikrotik.com/docs/spaces/ROS/, replies recorded in test/fixtures/routeros/): a static lease, so no pool address.
    {
      '.id': '*5',
      address: '10.10.10.252',
      'active-address': '10.10.10.252',
      'mac-address': '00:11:22:33:44:55',
      'active-mac-address': '00:11:22:33:44:55',
      'client-id': '1:00:11:22:33:44:55',
      'active-client-id': '1:5c',
      server: 'lan_dhcp',
      'active-server': 'lan_dhcp',
      status: 'bound',
      'expires-after': '21m57s',
      'last-seen': '8m3s',
      'host-name': 'Mac-mini',
      comment: 'mac mini',
      blocked: 'false',
      disabled: 'false',
      dynamic: 'false',
      radius: 'false',
      'address-lists': '',
      'dhcp-option': '',
    },
  ],
});

/** The server of {@link DHCP_V6}, whose first bound leases the home AP's wireless clients hold. */
export const DHCP_V6_SERVER = 'defconf';

/** A v6 home router: one server, clock-form expiry like the mikronode sample. */
export const DHCP_V6: DatasetPart = dhcpDataset({
  clockDurations: true,
  servers: [{ name: DHCP_V6_SERVER, interface: 'bridge', pool: 'default-dhcp', network: '192.168.88', bound: 9, waiting: 1 }],
});
