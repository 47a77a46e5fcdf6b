/**
 * Menus that exist in RouterOS in general, whether or not a profile has them. A command for one of
 * these that the profile lacks answers `no such command prefix` (missing package or board feature);
 * a path outside it answers `no such command or directory (<word>)` (a typo), as routers do.
 */
import { PROFILES } from './profiles.js';

const ROUTEROS_MENUS = [
  '/certificate',
  '/caps-man/interface',
  '/caps-man/registration-table',
  '/caps-man/remote-cap',
  '/interface',
  '/interface/bonding',
  '/interface/bridge',
  '/interface/bridge/host',
  '/interface/bridge/port',
  '/interface/ethernet',
  '/interface/ethernet/poe',
  '/interface/ethernet/switch',
  '/interface/ethernet/switch/port',
  '/interface/gre',
  '/interface/l2tp-client',
  '/interface/lte',
  '/interface/pppoe-client',
  '/interface/vlan',
  '/interface/wifi',
  '/interface/wifi/registration-table',
  '/interface/wifi/capsman/remote-cap',
  '/interface/wifiwave2',
  '/interface/wifiwave2/registration-table',
  '/interface/wifiwave2/capsman/remote-cap',
  '/interface/wireguard',
  '/interface/wireguard/peers',
  '/interface/wireless',
  '/interface/wireless/registration-table',
  '/interface/w60g',
  '/container',
  '/ip/address',
  '/ip/arp',
  '/ip/dhcp-client',
  '/ip/dhcp-server',
  '/ip/dhcp-server/lease',
  '/ip/dns',
  '/ip/firewall/address-list',
  '/ip/firewall/connection',
  '/ip/firewall/connection/tracking',
  '/ip/firewall/filter',
  '/ip/firewall/mangle',
  '/ip/firewall/nat',
  '/ip/firewall/raw',
  '/ip/ipsec/active-peers',
  '/ip/ipsec/installed-sa',
  '/ip/ipsec/policy',
  '/ip/neighbor',
  '/ip/pool',
  '/ip/pool/used',
  '/ip/route',
  '/ip/service',
  '/ipv6/address',
  '/ipv6/firewall/filter',
  '/ipv6/firewall/mangle',
  '/ipv6/firewall/nat',
  '/ipv6/firewall/raw',
  '/ipv6/neighbor',
  '/ipv6/route',
  '/ppp/active',
  '/ppp/secret',
  '/queue/simple',
  '/queue/tree',
  '/routing/bgp/connection',
  '/routing/bgp/instance',
  '/routing/bgp/peer',
  '/routing/bgp/session',
  '/routing/ospf/area',
  '/routing/ospf/instance',
  '/routing/ospf/interface',
  '/routing/ospf/lsa',
  '/routing/ospf/neighbor',
  '/routing/ospf/static-neighbor',
  '/system/clock',
  '/system/health',
  '/system/identity',
  '/system/license',
  '/system/package',
  '/system/package/update',
  '/system/resource',
  '/system/resource/cpu',
  '/system/routerboard',
  '/tool/netwatch',
  '/user',
  '/user/active',
];

/** Menu commands that stream or answer per item rather than `print`. */
const ROUTEROS_MONITORS = [
  '/interface/ethernet/monitor',
  '/interface/ethernet/poe/monitor',
  '/interface/lte/monitor',
  '/interface/monitor-traffic',
  '/interface/wireless/monitor',
  '/interface/wifi/monitor',
  '/interface/wifiwave2/monitor',
  '/interface/w60g/monitor',
];

/** The known menus and every path prefix of them, for the trap text of an unknown command. */
export class MenuCatalogue {
  private readonly menus = new Set<string>();
  private readonly prefixes = new Set<string>();

  constructor(menus: Iterable<string>, commands: Iterable<string>) {
    for (const menu of menus) {
      this.menus.add(menu);
      this.addPrefixes(menu);
    }
    for (const command of commands) this.addPrefixes(command);
  }

  /** True when `menu` is a RouterOS menu (`/system/health`). */
  isMenu(menu: string): boolean {
    return this.menus.has(menu);
  }

  /** True when `path` names a menu, a command or a directory above them (`/ip`, `/ip/firewall`). */
  isPrefix(path: string): boolean {
    return this.prefixes.has(path);
  }

  private addPrefixes(path: string): void {
    let prefix = '';
    for (const segment of path.split('/').filter((part) => part !== '')) {
      prefix += `/${segment}`;
      this.prefixes.add(prefix);
    }
  }
}

let shared: MenuCatalogue | undefined;

/** The catalogue of RouterOS menus plus every menu and monitor of the built-in profiles. */
export function routerOsCatalogue(): MenuCatalogue {
  if (!shared) {
    const profiles = Object.values(PROFILES);
    const menus = [...ROUTEROS_MENUS, ...profiles.flatMap((profile) => Object.keys(profile.menus))];
    const commands = [...ROUTEROS_MONITORS, ...profiles.flatMap((profile) => Object.keys(profile.monitors))];
    shared = new MenuCatalogue(menus, commands);
  }
  return shared;
}
