/**
 * What a dataset family returns and how profiles combine families: a plain spread of menus and
 * monitors, later families overriding earlier ones path by path. New families (firewall, BGP, …)
 * are new files in this folder returning a DatasetPart; nothing else needs to change.
 */
import type { MenuData, MonitorData, RouterProfile } from '../profile.js';

/** The menus and monitors one family contributes to a profile. */
export interface DatasetPart {
  menus?: Record<string, MenuData>;
  monitors?: Record<string, MonitorData>;
  /** Commands of this family that need a user policy beyond `api`/`read` (see RouterProfile). */
  requiredPolicies?: Record<string, string>;
}

/** Merges families into the `menus`/`monitors`/`requiredPolicies` of a profile. */
export function combineDatasets(...parts: readonly DatasetPart[]): Pick<RouterProfile, 'menus' | 'monitors' | 'requiredPolicies'> {
  const menus: Record<string, MenuData> = {};
  const monitors: Record<string, MonitorData> = {};
  const requiredPolicies: Record<string, string> = {};
  for (const part of parts) {
    Object.assign(menus, part.menus);
    Object.assign(monitors, part.monitors);
    Object.assign(requiredPolicies, part.requiredPolicies);
  }
  return { menus, monitors, requiredPolicies };
}

/** A RouterOS item id: `*1`, `*3A`. */
export function itemId(index: number): string {
  return `*${index.toString(16).toUpperCase()}`;
}

/** 32-bit FNV-1a hash of a string; stable seed for deterministic pseudo-random data. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A deterministic fraction in [0, 1) for `text`. */
export function unitFraction(text: string): number {
  return hashText(text) / 0x1_0000_0000;
}
