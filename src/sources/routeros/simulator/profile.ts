/**
 * What a simulated router is: its identity, its RouterOS version and its data, menu by menu.
 * Datasets live in `datasets/` (one file per family) and profiles in `profiles.ts` combine them.
 * Values are RouterOS wire strings, taken from the RouterOS manual (https://help.mikrotik.com/docs/spaces/ROS/) and the recorded replies in test/fixtures/routeros/.
 */

/** One table row as RouterOS sends it (every value a string; `.id` like `*1`). */
export type SimRow = Record<string, string>;

/** A menu (`/interface`, `/ip/firewall/filter`, …) answering `print`. */
export interface MenuData {
  rows: SimRow[];
  /**
   * Counter fields that grow while the router runs: field → units per second per row
   * (`{ 'rx-byte': 125_000 }`). Growth is deterministic per row and resets on reboot.
   */
  growth?: Record<string, number>;
  /** Duration fields that tick with uptime (`uptime`), rendered in RouterOS letter form. */
  clocks?: string[];
}

/**
 * A monitor-style command (`/interface/ethernet/monitor`): answers `=numbers=a,b =once=` with
 * one row per named item, keyed by item name.
 */
export type MonitorData = Record<string, SimRow>;

/** A complete simulated router. */
export interface RouterProfile {
  /** Profile id used by `--profile` and in `profiles.ts` (`hap-ac2-v6`, `ccr2004-v7`, …). */
  id: string;
  /** One line for `--help` and docs: board, version and what the profile is for. */
  description?: string;
  /** RouterOS version string as `/system/resource` reports it: `7.16.1 (stable)`. */
  version: string;
  /** Identity (`/system/identity` name) default; the fleet appends an index. */
  identity: string;
  /** Installed packages (`routeros`, `wireless`, `wifi-qcom`, `container`, …). */
  packages: string[];
  /** Menu path (no `/print`) → rows. A path absent here answers `no such command prefix`. */
  menus: Record<string, MenuData>;
  /** Command path (`/interface/ethernet/monitor`) → item name → row. */
  monitors: Record<string, MonitorData>;
  /**
   * Commands that need a user policy beyond `api` and `read`, command path → policy: v6
   * `/interface/lte/info` needs `test`. A user without it gets `not enough permissions (9)`.
   */
  requiredPolicies?: Record<string, string>;
}
