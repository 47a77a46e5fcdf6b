/**
 * IPv6 pools with prefixes in use (`/ipv6/pool`, `/ipv6/pool/used`), DHCPv6 server bindings
 * (`/ipv6/dhcp-server/binding`, delegated prefixes) and the neighbor cache (`/ipv6/neighbor`), as on
 * a router delegating prefixes to customers or LAN routers.
 */
import type { SimRow } from '../profile.js';
import { itemId, type DatasetPart } from './dataset.js';

const STATES = ['reachable', 'reachable', 'stale', 'stale', 'stale', 'delay', 'failed'];

/** `delegated` /56 prefixes of a /48 pool bound, `neighbors` cache entries spread over `interfaces`. */
export function ipv6Dataset(delegated: number, neighbors: number, interfaces: readonly string[]): DatasetPart {
  const used: SimRow[] = [];
  const bindings: SimRow[] = [];
  for (let index = 0; index < delegated; index += 1) {
    const prefix = `2001:db8:1:${(index * 256).toString(16)}::/56`;
    used.push({ prefix, pool: 'pd-customers', owner: 'DHCPv6', info: `server1` });
    bindings.push({ '.id': itemId(index + 1), address: prefix, duid: `0x0003000102${index.toString(16).padStart(10, '0')}`, server: 'server1', status: index % 9 === 8 ? 'waiting' : 'bound', 'expires-after': '2d3h' });
  }
  const cache: SimRow[] = Array.from({ length: neighbors }, (_, index) => ({
    '.id': itemId(index + 1),
    address: `fe80::2${index.toString(16)}:5eff:fe00:${index.toString(16)}`,
    interface: interfaces[index % interfaces.length]!,
    'mac-address': `02:00:5E:00:${Math.floor(index / 256).toString(16).padStart(2, '0').toUpperCase()}:${(index % 256).toString(16).padStart(2, '0').toUpperCase()}`,
    status: STATES[index % STATES.length]!,
    router: index === 0 ? 'true' : 'false',
  }));
  return {
    menus: {
      '/ipv6/pool': {
        rows: [
          { '.id': '*1', name: 'pd-customers', prefix: '2001:db8:1::/48', 'prefix-length': '56', expire: 'none' },
          { '.id': '*2', name: 'lan', prefix: '2001:db8:2::/56', 'prefix-length': '64', expire: 'none' },
        ],
      },
      '/ipv6/pool/used': { rows: [...used, { prefix: '2001:db8:2::/64', pool: 'lan', owner: 'address', info: 'bridge' }] },
      '/ipv6/dhcp-server/binding': { rows: bindings },
      '/ipv6/neighbor': { rows: cache },
    },
  };
}
