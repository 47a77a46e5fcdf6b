/**
 * The live state of one simulated router: the shared, frozen profile plus the little that differs
 * per router (boot time, rows changed by tests). Rows are materialised only when a command asks
 * for them, so a thousand idle routers cost almost nothing.
 */
import { ethernetMonitorRow } from './datasets/interfaces.js';
import { unitFraction } from './datasets/dataset.js';
import type { MenuData, RouterProfile, SimRow } from './profile.js';
import { formatDuration, formatRosDate, parseDurationMillis, parseRosVersion } from './version.js';

/** Options of {@link RouterModel}. */
export interface RouterModelOptions {
  profile: RouterProfile;
  /** Router name: the `/system/identity` answer and the seed of per-interface rates. */
  name: string;
  /** Current time in milliseconds. */
  clock: () => number;
}

/** Rows of a menu that differ from the profile, with when each row appeared (for counter growth). */
interface MenuOverlay {
  rows: SimRow[];
  since: Map<SimRow, number>;
}

const INTERFACE_MENU = '/interface';
const ETHERNET_MENU = '/interface/ethernet';
const ETHERNET_MONITOR = '/interface/ethernet/monitor';
const SWITCH_PORT_MENU = '/interface/ethernet/switch/port';
const VLAN_MENU = '/interface/vlan';
const IDENTITY_MENU = '/system/identity';
const CLOCK_MENU = '/system/clock';
const GMT_OFFSET = /^([+-])(\d{2}):(\d{2})$/;
const INTEGER = /^\d+$/;

/** `initial + increment` as RouterOS prints a counter: in doubles while exact, else (64-bit counters) in BigInt. */
function counterText(initial: string, increment: number): string {
  if (initial.length < 16) {
    const sum = Number(initial) + increment;
    if (Number.isSafeInteger(sum)) return String(sum);
  }
  return String(BigInt(initial) + BigInt(increment));
}
/** An item number as the console and API accept it: the row's position in the menu's print. */
const POSITION = /^\d{1,6}$/;

/** Per-interface spread of traffic rates: 0.1× to 10×, log-uniform, fixed per router and row. */
function growthFactor(routerName: string, row: SimRow): number {
  if (row.disabled === 'true' || row.running === 'false') return 0;
  const key = row['.id'] ?? row.name ?? JSON.stringify(row);
  return 10 ** (unitFraction(`${routerName}|${key}`) * 2 - 1);
}

/** Live data of one simulated router. */
export class RouterModel {
  private readonly profile: RouterProfile;
  private readonly name: string;
  private readonly clock: () => number;
  private readonly createdAt: number;
  private bootAt: number;
  private readonly overlays = new Map<string, MenuOverlay>();
  /** Monitor rows added (row) or removed (null) at run time: command → item name → row. */
  private readonly monitorOverlays = new Map<string, Map<string, SimRow | null>>();
  /** Next `.id` number per menu, so removed ids are never handed out again. */
  private readonly nextIds = new Map<string, number>();

  constructor(options: RouterModelOptions) {
    this.profile = options.profile;
    this.name = options.name;
    this.clock = options.clock;
    this.createdAt = this.clock();
    this.bootAt = this.createdAt;
  }

  /** True when the router has the menu (from its profile or set by a test). */
  hasMenu(path: string): boolean {
    return this.overlays.has(path) || Object.hasOwn(this.profile.menus, path);
  }

  /** Every menu path of this router. */
  menuPaths(): string[] {
    return [...new Set([...Object.keys(this.profile.menus), ...this.overlays.keys()])];
  }

  /** True when the router answers `command` (`/interface/ethernet/monitor`) per item. */
  hasMonitor(command: string): boolean {
    return Object.hasOwn(this.profile.monitors, command);
  }

  /** Every monitor command of this router. */
  monitorCommands(): string[] {
    return Object.keys(this.profile.monitors);
  }

  /** Rows of a menu as they read now (counters grown, uptime ticked), or undefined when absent. */
  rows(path: string): SimRow[] | undefined {
    const menu: MenuData | undefined = Object.hasOwn(this.profile.menus, path) ? this.profile.menus[path] : undefined;
    const overlay = this.overlays.get(path);
    if (!overlay && !menu) return undefined;
    const now = this.clock();
    if (!overlay && path === IDENTITY_MENU) return [{ ...(menu!.rows[0] ?? {}), name: this.name }];
    if (!overlay && path === CLOCK_MENU) return [this.clockRow(menu!.rows[0] ?? {}, now)];
    const rows = overlay?.rows ?? menu!.rows;
    const growth = menu?.growth;
    const clocks = menu?.clocks;
    if (!growth && !clocks) return rows;
    return rows.map((row) => this.materialise(row, overlay?.since.get(row) ?? this.createdAt, now, growth, clocks));
  }

  /** `/system/clock` with `time` and `date` of `now` in the row's `gmt-offset`, in the version's date format. */
  private clockRow(row: SimRow, now: number): SimRow {
    const offset = GMT_OFFSET.exec(row['gmt-offset'] ?? '');
    const offsetMillis = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000 : 0;
    const local = new Date(now + offsetMillis).toISOString();
    const rendered = formatRosDate(`${local.slice(0, 10)} ${local.slice(11, 19)}`, parseRosVersion(this.profile.version));
    const space = rendered.indexOf(' ');
    return { time: rendered.slice(space + 1), date: rendered.slice(0, space), ...row };
  }

  /**
   * The monitor row of one item (by name, by `.id` of the matching menu row, or by its position in
   * that menu's print, `0` for the first, as akpw/mktxp sends it), or undefined.
   */
  monitorRow(command: string, item: string): SimRow | undefined {
    const name = item.startsWith('*') ? this.nameOfId(command, item) : POSITION.test(item) ? this.nameAt(command, Number(item)) : item;
    if (name === undefined) return undefined;
    const overlay = this.monitorOverlays.get(command);
    if (overlay?.has(name)) return overlay.get(name) ?? undefined;
    const data = this.profile.monitors[command];
    return data && Object.hasOwn(data, name) ? { name, ...data[name] } : undefined;
  }

  /** Uptime in milliseconds (the profile's starting uptime until the first reboot). */
  uptimeMillis(): number {
    return Math.max(0, this.clock() - this.bootAt);
  }

  /** Restarts the router: counters from zero, uptime from zero. Configuration (rows) is kept. */
  reboot(): void {
    this.bootAt = Math.max(this.clock(), this.bootAt + 1);
  }

  /** Adds an interface at run time; it gets the next `.id` unless it has one. */
  addInterface(row: SimRow): SimRow {
    const name = row.name;
    if (name === undefined || name === '') throw new Error('addInterface: row.name is required');
    const overlay = this.ownRows(INTERFACE_MENU);
    if (overlay.rows.some((existing) => existing.name === name)) {
      throw new Error(`addInterface: failure: already have such name (${name})`);
    }
    const id = row['.id'] ?? this.allocateId(INTERFACE_MENU);
    const added: SimRow = { '.id': id, ...row };
    this.noteId(INTERFACE_MENU, id);
    overlay.rows.push(added);
    overlay.since.set(added, this.clock());
    if (added.type === 'ether') this.addEthernet(added);
    return added;
  }

  /** Removes an interface (and its ethernet entries) by name. */
  removeInterface(name: string): void {
    const overlay = this.ownRows(INTERFACE_MENU);
    const index = overlay.rows.findIndex((row) => row.name === name);
    if (index < 0) throw new Error(`removeInterface: no such interface "${name}"`);
    const [removed] = overlay.rows.splice(index, 1);
    // Forget the removed rows entirely, so long churn runs do not accumulate them.
    if (removed !== undefined) overlay.since.delete(removed);
    // The port's rows in the menus that list ports by name go with it.
    for (const menu of [ETHERNET_MENU, SWITCH_PORT_MENU, VLAN_MENU]) {
      if (!this.hasMenu(menu)) continue;
      const own = this.ownRows(menu);
      for (const row of own.rows) if (row.name === name) own.since.delete(row);
      own.rows = own.rows.filter((row) => row.name !== name);
    }
    if (this.hasMonitor(ETHERNET_MONITOR)) {
      const monitor = this.monitorOverlay(ETHERNET_MONITOR);
      // Hide a port the profile itself monitors; one added at run time just goes.
      if (Object.hasOwn(this.profile.monitors[ETHERNET_MONITOR] ?? {}, name)) monitor.set(name, null);
      else monitor.delete(name);
    }
  }

  /** Replaces every row of a menu (creating the menu when the profile lacks it). */
  setRows(path: string, rows: readonly SimRow[]): void {
    if (!path.startsWith('/')) throw new Error(`setRows: path must start with "/", got "${path}"`);
    const now = this.clock();
    const copies = rows.map((row) => ({ ...row }));
    this.overlays.set(path, { rows: copies, since: new Map(copies.map((row) => [row, now])) });
    for (const row of copies) if (row['.id'] !== undefined) this.noteId(path, row['.id']);
  }

  private addEthernet(row: SimRow): void {
    if (this.hasMenu(ETHERNET_MENU)) {
      const ethernet = this.ownRows(ETHERNET_MENU);
      const entry: SimRow = { '.id': row['.id']!, name: row.name! };
      for (const key of ['default-name', 'mtu', 'l2mtu', 'mac-address', 'running', 'disabled']) {
        if (row[key] !== undefined) entry[key] = row[key];
      }
      ethernet.rows.push(entry);
    }
    if (this.hasMonitor(ETHERNET_MONITOR)) {
      const version = parseRosVersion(this.profile.version);
      const monitor = ethernetMonitorRow(version, { name: row.name!, rate: '1Gbps', link: row.running !== 'false' });
      this.monitorOverlay(ETHERNET_MONITOR).set(row.name!, monitor);
    }
  }

  /** The router's own copy of a menu's rows, made on first change (copy on write). */
  private ownRows(path: string): MenuOverlay {
    let overlay = this.overlays.get(path);
    if (!overlay) {
      const rows = [...(this.profile.menus[path]?.rows ?? [])];
      overlay = { rows, since: new Map(rows.map((row) => [row, this.createdAt])) };
      this.overlays.set(path, overlay);
    }
    return overlay;
  }

  private monitorOverlay(command: string): Map<string, SimRow | null> {
    let overlay = this.monitorOverlays.get(command);
    if (!overlay) {
      overlay = new Map();
      this.monitorOverlays.set(command, overlay);
    }
    return overlay;
  }

  private allocateId(path: string): string {
    if (!this.nextIds.has(path)) {
      for (const row of this.overlays.get(path)?.rows ?? this.profile.menus[path]?.rows ?? []) {
        if (row['.id'] !== undefined) this.noteId(path, row['.id']);
      }
    }
    const next = this.nextIds.get(path) ?? 1;
    return `*${next.toString(16).toUpperCase()}`;
  }

  private noteId(path: string, id: string): void {
    const value = /^\*([0-9A-Fa-f]{1,12})$/.exec(id);
    if (!value) return;
    const number = Number.parseInt(value[1]!, 16);
    this.nextIds.set(path, Math.max(this.nextIds.get(path) ?? 1, number + 1));
  }

  private nameOfId(command: string, id: string): string | undefined {
    // `/interface/ethernet/monitor` items are ethernet rows, whose ids are the interface ids.
    const segments = command.split('/').filter((part) => part !== '').slice(0, -1);
    for (let length = segments.length; length > 0; length -= 1) {
      const rows = this.rows(`/${segments.slice(0, length).join('/')}`);
      const row = rows?.find((candidate) => candidate['.id'] === id);
      if (row?.name !== undefined) return row.name;
    }
    return undefined;
  }

  /** The name of the row at `position` of the command's own menu (`/interface/ethernet` for its monitor). */
  private nameAt(command: string, position: number): string | undefined {
    const menu = command.slice(0, command.lastIndexOf('/'));
    return this.rows(menu)?.[position]?.name;
  }

  private materialise(
    row: SimRow,
    since: number,
    now: number,
    growth: Record<string, number> | undefined,
    clocks: readonly string[] | undefined,
  ): SimRow {
    const copy: SimRow = { ...row };
    // A row older than the last reboot starts from zero at boot; a newer one from its own values.
    const keepBase = since >= this.bootAt;
    const start = Math.max(since, this.bootAt);
    const elapsedMillis = Math.max(0, now - start);
    if (growth) {
      const factor = growthFactor(this.name, row);
      for (const [field, perSecond] of Object.entries(growth)) {
        const base = row[field];
        if (base === undefined) continue;
        const increment = Math.floor((perSecond * factor * elapsedMillis) / 1000);
        const initial = keepBase && INTEGER.test(base) ? base : '0';
        copy[field] = counterText(initial, increment);
      }
    }
    for (const field of clocks ?? []) {
      const base = row[field];
      if (base === undefined) continue;
      const baseMillis = keepBase ? (parseDurationMillis(base) ?? 0) : 0;
      copy[field] = formatDuration((baseMillis + elapsedMillis) / 1000);
    }
    return copy;
  }
}
