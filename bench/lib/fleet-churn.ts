/**
 * Churn on a simulated fleet, the way a day on real routers looks when compressed into minutes:
 * DHCP leases appear and expire, conntrack sources and wireless clients come and go, interfaces
 * are added and removed, routers reboot (counters reset) and flap (refuse connections for a few
 * seconds). Every removal is written to a {@link RemovalLedger} so the checks can tell a live
 * series from a stale one.
 *
 * Entity keys are never reused (interface `soak-…` names, lease ids from `*10000`, `10.…` source
 * addresses numbered from 10.0.0.1, `02:…` client MACs), so a series carrying a removed key is stale, whatever its value.
 */
import type { RouterProfile, SimRow } from '../../src/sources/routeros/simulator/profile.js';
import { PROFILES } from '../../src/sources/routeros/simulator/profiles.js';
import type { SimulatedRouter } from '../../src/sources/routeros/simulator/router.js';

/** What kind of entity was removed; decides which series refer to it. */
export type EntityKind = 'interface' | 'lease' | 'source' | 'client';

/**
 * Removed entities and when they went, for a bounded time. Keys are unique forever, so an entry can
 * be forgotten once it is far older than any legitimate delay (retention ≫ interval + timeout): a
 * series that survives a removal survives every scrape in between, and is caught by then.
 */
export class RemovalLedger {
  private readonly _removed = new Map<string, number>();
  private readonly _order: { key: string; atMillis: number }[] = [];
  private _orderStart = 0;

  constructor(private readonly _retentionMillis: number) {}

  record(router: string, kind: EntityKind, key: string, atMillis: number): void {
    const id = ledgerKey(router, kind, key);
    this._removed.set(id, atMillis);
    this._order.push({ key: id, atMillis });
  }

  /** When the entity was removed, or undefined when it was not (or is no longer remembered). */
  removedAt(router: string, kind: EntityKind, key: string): number | undefined {
    return this._removed.get(ledgerKey(router, kind, key));
  }

  /** Forgets entries older than the retention. */
  prune(nowMillis: number): void {
    const cutoff = nowMillis - this._retentionMillis;
    while (this._orderStart < this._order.length && this._order[this._orderStart]!.atMillis < cutoff) {
      const entry = this._order[this._orderStart]!;
      if (this._removed.get(entry.key) === entry.atMillis) this._removed.delete(entry.key);
      this._orderStart += 1;
    }
    // Compact now and then so the array does not grow for the whole run.
    if (this._orderStart > 10_000) {
      this._order.splice(0, this._orderStart);
      this._orderStart = 0;
    }
  }

  get size(): number {
    return this._removed.size;
  }
}

function ledgerKey(router: string, kind: EntityKind, key: string): string {
  return `${router}\u0000${kind}\u0000${key}`;
}

/** Rates of the churn. Arrivals are per router per minute; lifetimes are uniform in [min, max] ms. */
export interface ChurnRates {
  leasesPerMinute: number;
  leaseLifetimeMillis: readonly [number, number];
  sourcesPerMinute: number;
  sourceLifetimeMillis: readonly [number, number];
  clientsPerMinute: number;
  clientLifetimeMillis: readonly [number, number];
  interfacesPerMinute: number;
  interfaceLifetimeMillis: readonly [number, number];
  /** Fleet-wide reboots per minute. */
  rebootsPerMinute: number;
  /** Fleet-wide flaps (connections refused) per minute. */
  flapsPerMinute: number;
  flapDurationMillis: readonly [number, number];
}

/** About a day of a small-office router's churn in ten minutes. */
export const DEFAULT_CHURN: ChurnRates = {
  leasesPerMinute: 20,
  leaseLifetimeMillis: [15_000, 45_000],
  sourcesPerMinute: 20,
  sourceLifetimeMillis: [10_000, 40_000],
  clientsPerMinute: 12,
  clientLifetimeMillis: [20_000, 60_000],
  interfacesPerMinute: 1.5,
  interfaceLifetimeMillis: [20_000, 60_000],
  rebootsPerMinute: 12,
  flapsPerMinute: 12,
  flapDurationMillis: [3_000, 8_000],
};

/** Counts of churn events so far. */
export interface ChurnCounts {
  added: Record<EntityKind, number>;
  removed: Record<EntityKind, number>;
  reboots: number;
  flaps: number;
}

/** Where a router keeps wireless clients and what their rows look like. */
interface WirelessTable {
  readonly path: string;
  readonly legacy: boolean;
  readonly interfaces: readonly string[];
}

interface Timed<T> {
  readonly value: T;
  readonly expiresAtMillis: number;
}

interface Source {
  readonly address: string;
  readonly rows: readonly SimRow[];
}

/** Per-router churn state. */
class RouterChurn {
  readonly leases: Timed<SimRow>[] = [];
  readonly sources: Timed<Source>[] = [];
  readonly clients: Timed<SimRow>[] = [];
  readonly interfaces: Timed<string>[] = [];
  nextLease = 0x10000;
  nextSource = 0;
  nextClient = 0;
  nextInterface = 0;
  nextConnectionId = 0x100000;
  flapEndsAtMillis: number | undefined;
  /** Undefined when the profile has no DHCP server (no lease churn there). */
  readonly leaseBase: readonly SimRow[] | undefined;
  /** Undefined when the profile has no connection tracking table. */
  readonly connectionBase: readonly SimRow[] | undefined;
  readonly wireless: WirelessTable | undefined;

  constructor(
    readonly router: SimulatedRouter,
    readonly index: number,
    profile: RouterProfile | undefined,
    wirelessEnabled: boolean,
  ) {
    // setRows replaces a menu; keep what the profile had so only churned rows come and go. Menus the
    // profile lacks stay absent: the agent marks such a family unsupported until it reconnects.
    this.leaseBase = profile?.menus['/ip/dhcp-server/lease']?.rows;
    this.connectionBase = profile?.menus['/ip/firewall/connection']?.rows;
    this.wireless = wirelessEnabled && profile ? wirelessTableOf(profile) : undefined;
    // The legacy stack reads SSID and band from `/interface/wireless`; a profile without it would make
    // the whole family "unsupported".
    if (this.wireless?.legacy && !profile?.menus['/interface/wireless']) {
      router.setRows(
        '/interface/wireless',
        this.wireless.interfaces.map((name, index) => ({
          '.id': `*${(index + 1).toString(16).toUpperCase()}`,
          name,
          ssid: 'soak',
          band: index % 2 === 0 ? '2ghz-b/g/n' : '5ghz-a/n/ac',
          disabled: 'false',
        })),
      );
    }
  }
}

/** The registration table the wireless collector reads on this profile, if it has a wireless stack. */
function wirelessTableOf(profile: RouterProfile): WirelessTable | undefined {
  const [major = 0, minor = 0] = profile.version.split(/[.\s]/).map(Number);
  const interfaces = (type: string): string[] =>
    (profile.menus['/interface']?.rows ?? []).filter((row) => row.type === type).map((row) => row.name ?? '');
  if (major > 7 || (major === 7 && minor >= 13)) {
    const wifi = (profile.menus['/interface/wifi']?.rows ?? []).map((row) => row.name ?? '').filter((name) => name !== '');
    return { path: '/interface/wifi/registration-table', legacy: false, interfaces: wifi.length > 0 ? wifi : ['wifi1', 'wifi2'] };
  }
  if (profile.packages.includes('wifiwave2')) {
    return { path: '/interface/wifiwave2/registration-table', legacy: false, interfaces: ['wifi1', 'wifi2'] };
  }
  if (profile.packages.some((name) => name === 'wireless' || name.startsWith('wireless-'))) {
    const wlans = interfaces('wlan');
    return { path: '/interface/wireless/registration-table', legacy: true, interfaces: wlans.length > 0 ? wlans : ['wlan1'] };
  }
  return undefined;
}

/** Options of {@link FleetChurn}. */
export interface FleetChurnOptions {
  readonly routers: readonly SimulatedRouter[];
  /** The agent's name for each router (the `router` label), by index. */
  readonly agentNames: readonly string[];
  readonly ledger: RemovalLedger;
  readonly rates: ChurnRates;
  readonly random: () => number;
  /** Churn wireless clients (only when the agent has the `wireless` collector). */
  readonly wireless: boolean;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Drives the churn; call {@link tick} about once a second. */
export class FleetChurn {
  readonly counts: ChurnCounts = {
    added: { interface: 0, lease: 0, source: 0, client: 0 },
    removed: { interface: 0, lease: 0, source: 0, client: 0 },
    reboots: 0,
    flaps: 0,
  };
  private readonly _routers: RouterChurn[];
  private readonly _options: FleetChurnOptions;
  private readonly _now: () => number;
  private _lastTickMillis: number | undefined;

  constructor(options: FleetChurnOptions) {
    this._options = options;
    this._now = options.now ?? Date.now;
    this._routers = options.routers.map(
      (router, index) => new RouterChurn(router, index, PROFILES[router.profileId], options.wireless),
    );
  }

  /** Routers that have a wireless table to churn. */
  get wirelessRouters(): number {
    return this._routers.filter((state) => state.wireless !== undefined).length;
  }

  /** Routers with DHCP leases / a connection table to churn. */
  get leaseRouters(): number {
    return this._routers.filter((state) => state.leaseBase !== undefined).length;
  }

  get sourceRouters(): number {
    return this._routers.filter((state) => state.connectionBase !== undefined).length;
  }

  /** Applies one step of churn: expiries first, then arrivals, reboots and flaps. */
  tick(): void {
    const now = this._now();
    const elapsedMinutes = this._lastTickMillis === undefined ? 0 : (now - this._lastTickMillis) / 60_000;
    this._lastTickMillis = now;
    const rates = this._options.rates;
    for (const state of this._routers) {
      this._endFlap(state, now);
      if (state.leaseBase) this._churnLeases(state, state.leaseBase, now, this._arrivals(rates.leasesPerMinute * elapsedMinutes));
      if (state.connectionBase) {
        this._churnSources(state, state.connectionBase, now, this._arrivals(rates.sourcesPerMinute * elapsedMinutes));
      }
      if (state.wireless) this._churnClients(state, state.wireless, now, this._arrivals(rates.clientsPerMinute * elapsedMinutes));
      this._churnInterfaces(state, now, this._arrivals(rates.interfacesPerMinute * elapsedMinutes));
    }
    for (let reboots = this._arrivals(rates.rebootsPerMinute * elapsedMinutes); reboots > 0; reboots -= 1) {
      this._pick().router.reboot();
      this.counts.reboots += 1;
    }
    for (let flaps = this._arrivals(rates.flapsPerMinute * elapsedMinutes); flaps > 0; flaps -= 1) {
      const state = this._pick();
      if (state.flapEndsAtMillis !== undefined) continue;
      state.router.setFault({ kind: 'refuse' });
      state.flapEndsAtMillis = now + this._between(rates.flapDurationMillis);
      this.counts.flaps += 1;
    }
  }

  /** Clears every fault (end of run), so the fleet stops cleanly. */
  endFlaps(): void {
    for (const state of this._routers) {
      if (state.flapEndsAtMillis !== undefined) {
        state.router.setFault(undefined);
        state.flapEndsAtMillis = undefined;
      }
    }
  }

  private _endFlap(state: RouterChurn, now: number): void {
    if (state.flapEndsAtMillis !== undefined && now >= state.flapEndsAtMillis) {
      state.router.setFault(undefined);
      state.flapEndsAtMillis = undefined;
    }
  }

  private _churnLeases(state: RouterChurn, base: readonly SimRow[], now: number, arrivals: number): void {
    const expired = this._expire(state.leases, now);
    for (const lease of expired) this._removed(state, 'lease', lease['.id']!, now);
    for (let index = 0; index < arrivals; index += 1) {
      const id = `*${(state.nextLease++).toString(16).toUpperCase()}`;
      const serial = state.nextLease;
      const mac = macAddress(0x0a, state.index, serial);
      const address = `10.${100 + (state.index % 100)}.${(serial >> 8) & 0xff}.${serial & 0xff}`;
      const lifetime = this._between(this._options.rates.leaseLifetimeMillis);
      const row: SimRow = {
        '.id': id,
        address,
        'mac-address': mac,
        server: 'soak-dhcp',
        status: 'bound',
        dynamic: 'true',
        blocked: 'false',
        disabled: 'false',
        radius: 'false',
        'active-address': address,
        'active-mac-address': mac,
        'active-server': 'soak-dhcp',
        'host-name': `soak-host-${serial}`,
        'expires-after': `${Math.ceil(lifetime / 1000)}s`,
        'last-seen': '1s',
      };
      state.leases.push({ value: row, expiresAtMillis: now + lifetime });
      this.counts.added.lease += 1;
    }
    if (expired.length > 0 || arrivals > 0) {
      state.router.setRows('/ip/dhcp-server/lease', [...base, ...state.leases.map((lease) => lease.value)]);
    }
  }

  private _churnSources(state: RouterChurn, base: readonly SimRow[], now: number, arrivals: number): void {
    const expired = this._expire(state.sources, now);
    for (const source of expired) this._removed(state, 'source', source.address, now);
    for (let index = 0; index < arrivals; index += 1) {
      const serial = ++state.nextSource;
      const unique = `10.${(serial >> 16) & 0xff}.${(serial >> 8) & 0xff}.${serial & 0xff}`;
      const connections = 1 + Math.floor(this._options.random() * 3);
      const rows: SimRow[] = [];
      for (let connection = 0; connection < connections; connection += 1) {
        rows.push({
          '.id': `*${(state.nextConnectionId++).toString(16).toUpperCase()}`,
          protocol: connection === 2 ? 'udp' : 'tcp',
          'src-address': `${unique}:${40_000 + connection}`,
          'dst-address': `203.0.113.${1 + (serial % 200)}:443`,
          timeout: '23h59m50s',
          'tcp-state': 'established',
          assured: 'true',
          confirmed: 'true',
        });
      }
      state.sources.push({ value: { address: unique, rows }, expiresAtMillis: now + this._between(this._options.rates.sourceLifetimeMillis) });
      this.counts.added.source += 1;
    }
    if (expired.length > 0 || arrivals > 0) {
      state.router.setRows('/ip/firewall/connection', [...base, ...state.sources.flatMap((source) => source.value.rows)]);
    }
  }

  private _churnClients(state: RouterChurn, table: WirelessTable, now: number, arrivals: number): void {
    const expired = this._expire(state.clients, now);
    for (const client of expired) this._removed(state, 'client', client['mac-address']!, now);
    for (let index = 0; index < arrivals; index += 1) {
      const serial = state.nextClient++;
      const mac = macAddress(0x02, state.index, serial);
      const iface = table.interfaces[serial % table.interfaces.length] ?? 'wlan1';
      const signal = -40 - Math.floor(this._options.random() * 40);
      const row: SimRow = table.legacy
        ? {
            '.id': `*${(0x1000 + serial).toString(16).toUpperCase()}`,
            interface: iface,
            'mac-address': mac,
            'signal-strength': `${signal}dBm@6Mbps`,
            'tx-rate': '65Mbps-20MHz/1S',
            'rx-rate': '58.5Mbps-20MHz/1S',
            bytes: `${serial * 1000},${serial * 700}`,
            uptime: '1m',
          }
        : {
            '.id': `*${(0x1000 + serial).toString(16).toUpperCase()}`,
            interface: iface,
            ssid: 'soak',
            band: serial % 2 === 0 ? '5ghz-ax' : '2ghz-ax',
            'mac-address': mac,
            signal: String(signal),
            'tx-rate': '1200.9Mbps-80MHz/2S/MCS11',
            'rx-rate': '864.8Mbps-80MHz/2S/MCS9',
            bytes: `${serial * 1000},${serial * 700}`,
            uptime: '1m',
          };
      state.clients.push({ value: row, expiresAtMillis: now + this._between(this._options.rates.clientLifetimeMillis) });
      this.counts.added.client += 1;
    }
    if (expired.length > 0 || arrivals > 0) {
      state.router.setRows(table.path, state.clients.map((client) => client.value));
    }
  }

  private _churnInterfaces(state: RouterChurn, now: number, arrivals: number): void {
    for (const name of this._expire(state.interfaces, now)) {
      state.router.removeInterface(name);
      this._removed(state, 'interface', name, now);
    }
    for (let index = 0; index < arrivals; index += 1) {
      const serial = state.nextInterface++;
      const name = `soak-${serial}`;
      // Every third one is an ethernet port: the ethernet family then has to drop it too.
      const ether = serial % 3 === 2;
      state.router.addInterface({
        name,
        type: ether ? 'ether' : 'vlan',
        mtu: '1500',
        'actual-mtu': '1500',
        'mac-address': macAddress(0x06, state.index, serial),
        running: 'true',
        disabled: 'false',
        'rx-byte': '0',
        'tx-byte': '0',
        'rx-packet': '0',
        'tx-packet': '0',
        'rx-error': '0',
        'tx-error': '0',
        'rx-drop': '0',
        'tx-drop': '0',
      });
      state.interfaces.push({ value: name, expiresAtMillis: now + this._between(this._options.rates.interfaceLifetimeMillis) });
      this.counts.added.interface += 1;
    }
  }

  private _removed(state: RouterChurn, kind: EntityKind, key: string, now: number): void {
    this._options.ledger.record(this._options.agentNames[state.index] ?? state.router.name, kind, key, now);
    this.counts.removed[kind] += 1;
  }

  /** Removes and returns the expired values. */
  private _expire<T>(list: Timed<T>[], now: number): T[] {
    const expired: T[] = [];
    for (let index = list.length - 1; index >= 0; index -= 1) {
      if (list[index]!.expiresAtMillis <= now) expired.push(list.splice(index, 1)[0]!.value);
    }
    return expired;
  }

  /** A Poisson-ish count with the given mean (mean < 1 → 0 or 1). */
  private _arrivals(mean: number): number {
    const whole = Math.floor(mean);
    return whole + (this._options.random() < mean - whole ? 1 : 0);
  }

  private _between([min, max]: readonly [number, number]): number {
    return min + Math.floor(this._options.random() * (max - min));
  }

  private _pick(): RouterChurn {
    return this._routers[Math.floor(this._options.random() * this._routers.length)]!;
  }
}

/** A locally administered MAC unique per (prefix, router, serial). */
function macAddress(prefix: number, router: number, serial: number): string {
  const bytes = [prefix, (router >> 8) & 0xff, router & 0xff, (serial >> 16) & 0xff, (serial >> 8) & 0xff, serial & 0xff];
  return bytes.map((byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join(':');
}
