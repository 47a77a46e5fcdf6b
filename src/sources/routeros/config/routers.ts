/**
 * Rules for `defaults` and `routers`: each block is read into a layer (only what it sets, each
 * problem by key path), then every router's layer is merged over the defaults layer and over the
 * built-in defaults, and cross-field rules run on the result.
 */
import { ADDRESS_PROBLEM, type HostPort, parseHostPort } from '../../../config/address.js';
import { durationProblem, formatDuration, parseDuration } from '../../../config/duration.js';
import { joinPath, type Problems } from '../../../config/errors.js';
import { checkReadable, readSecretFile, resolveFile } from '../../../config/files.js';
import { checkLabelCollisions, type LabelOwners, LabelRules } from '../../../config/labels.js';
import { isMapping } from '../../../config/mapping.js';
import { readStringMap, toBoolean, toInteger, toText, unknownMessage } from '../../../config/values.js';
import { type CollectorLayer, type KnownCollector, mergeCollectors, readCollectorsBlock } from './collectors.js';
import type { RouterConfig, RouterDefaultsConfig, RouterTlsConfig } from './types.js';

/** What the router rules need from the loader. */
export interface RouterContext {
  readonly problems: Problems;
  readonly baseDir: string;
  readonly known: readonly KnownCollector[];
  readonly substitutedPaths: ReadonlySet<string>;
  readonly plainSecrets: string[];
  /** `collection.interval` / `collection.timeout`, the fallbacks of every router. */
  readonly intervalMillis: number;
  readonly timeoutMillis: number;
}

/** A value together with the key path it came from. */
interface Sourced<T> {
  readonly value: T;
  readonly path: string;
}

type TlsKey = keyof RouterTlsConfig;

/** What one block (`defaults` or one router) sets, each value with its key path. */
export interface RouterLayer {
  name?: Sourced<string>;
  address?: Sourced<HostPort>;
  port?: Sourced<number>;
  username?: Sourced<string>;
  password?: Sourced<string>;
  tls: { [K in TlsKey]?: Sourced<RouterTlsConfig[K]> };
  labels: Record<string, string>;
  intervalMillis?: Sourced<number>;
  timeoutMillis?: Sourced<number>;
  collectors: Record<string, CollectorLayer>;
}

export const ROUTER_KEYS = [
  'name',
  'address',
  'port',
  'username',
  'password',
  'password_file',
  'tls',
  'labels',
  'interval',
  'timeout',
  'collectors',
] as const;

export const TLS_KEYS: Readonly<Record<string, TlsKey>> = {
  enabled: 'enabled',
  ca_file: 'caFile',
  server_name: 'serverName',
  fingerprint: 'fingerprint',
  insecure: 'insecure',
  anonymous: 'anonymous',
};

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** The router context plus what is derived from it once for every block. */
interface LayerContext extends RouterContext {
  readonly labelRules: LabelRules;
}

/** Label rules by collector list: building them walks every metric, once per list rather than per router. */
const LABEL_RULES = new WeakMap<readonly KnownCollector[], LabelRules>();

/** Who sets the labels of a router's series: the agent (`router`) and each collector (its metrics' attributes). */
export function routerLabelOwners(collectors: readonly KnownCollector[]): LabelOwners {
  return {
    identity: ['router'],
    owners: collectors.map((collector) => ({ owner: `the ${collector.name} collector's metrics`, metrics: collector.metrics })),
  };
}

/** The router context with the rules of router labels. */
function layerContext(context: RouterContext): LayerContext {
  let labelRules = LABEL_RULES.get(context.known);
  if (labelRules === undefined) {
    labelRules = new LabelRules(routerLabelOwners(context.known));
    LABEL_RULES.set(context.known, labelRules);
  }
  return { ...context, labelRules };
}

/** The built-in router defaults (before `defaults:`). */
export const BUILTIN_ROUTER_DEFAULTS = {
  port: 8728,
  tlsPort: 8729,
  username: 'monitor',
  password: '',
} as const;

function readDuration(value: unknown, path: string, minimumMillis: number, problems: Problems): number | undefined {
  const millis = typeof value === 'string' ? parseDuration(value) : undefined;
  if (millis === undefined) {
    problems.add(path, durationProblem(value));
    return undefined;
  }
  if (millis < minimumMillis) {
    problems.add(path, `must be at least ${formatDuration(minimumMillis)}`);
    return undefined;
  }
  return millis;
}

/** Normalises a certificate fingerprint to lower-case hex without colons, or undefined. */
export function normaliseFingerprint(text: string): string | undefined {
  const hex = text.replace(/:/g, '').trim().toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

function readTls(value: unknown, path: string, context: RouterContext, layer: RouterLayer): void {
  const { problems } = context;
  const shorthand = toBoolean(value);
  if (shorthand !== undefined) {
    layer.tls.enabled = { value: shorthand, path: joinPath(path, 'enabled') };
    return;
  }
  if (!isMapping(value)) {
    problems.add(path, 'must be true, false or a mapping (enabled, ca_file, server_name, fingerprint, insecure, anonymous)');
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    const itemPath = joinPath(path, key);
    const field = TLS_KEYS[key];
    if (field === undefined) {
      problems.add(itemPath, unknownMessage('key', key, Object.keys(TLS_KEYS)));
      continue;
    }
    if (item === null || item === undefined) continue;
    if (field === 'enabled' || field === 'insecure' || field === 'anonymous') {
      const flag = toBoolean(item);
      if (flag === undefined) problems.add(itemPath, 'must be true or false');
      else layer.tls[field] = { value: flag, path: itemPath };
      continue;
    }
    const text = toText(item);
    if (text === undefined) {
      problems.add(itemPath, 'must be a string');
      continue;
    }
    if (field === 'fingerprint' && text !== '') {
      const fingerprint = normaliseFingerprint(text);
      if (fingerprint === undefined) {
        problems.add(itemPath, 'must be a SHA-256 fingerprint: 64 hex digits, colons allowed');
      } else {
        layer.tls.fingerprint = { value: fingerprint, path: itemPath };
      }
      continue;
    }
    if (field === 'caFile' && text !== '') {
      layer.tls.caFile = { value: resolveFile(context.baseDir, text), path: itemPath };
      continue;
    }
    layer.tls[field] = { value: text.trim(), path: itemPath };
  }
}

/** Reads one block (`defaults` when `isDefaults`, else a router) into a layer. */
function readLayer(value: Record<string, unknown>, path: string, isDefaults: boolean, context: LayerContext): RouterLayer {
  const { problems } = context;
  const layer: RouterLayer = { tls: {}, labels: {}, collectors: {} };
  for (const [key, item] of Object.entries(value)) {
    const itemPath = joinPath(path, key);
    if (!(ROUTER_KEYS as readonly string[]).includes(key)) {
      problems.add(itemPath, unknownMessage('key', key, ROUTER_KEYS));
      continue;
    }
    if (item === null || item === undefined) continue;
    if (isDefaults && (key === 'name' || key === 'address')) {
      problems.add(itemPath, 'is per router and cannot be set in defaults');
      continue;
    }
    switch (key) {
      case 'name': {
        const name = toText(item);
        if (name === undefined || !NAME.test(name)) {
          problems.add(itemPath, 'must be 1-64 characters of A-Z a-z 0-9 _ . -');
        } else {
          layer.name = { value: name, path: itemPath };
        }
        break;
      }
      case 'address': {
        const parsed = typeof item === 'string' ? parseHostPort(item) : undefined;
        if (parsed === undefined) problems.add(itemPath, ADDRESS_PROBLEM);
        else layer.address = { value: parsed, path: itemPath };
        break;
      }
      case 'port': {
        const port = toInteger(item, 1);
        if (port === undefined || port > 65_535) problems.add(itemPath, 'must be a port from 1 to 65535');
        else layer.port = { value: port, path: itemPath };
        break;
      }
      case 'username': {
        const username = toText(item);
        if (username === undefined || username === '') problems.add(itemPath, 'must be a non-empty string');
        else layer.username = { value: username, path: itemPath };
        break;
      }
      case 'password': {
        const password = toText(item);
        if (password === undefined) {
          problems.add(itemPath, 'must be a string');
        } else {
          layer.password = { value: password, path: itemPath };
          if (password !== '' && !context.substitutedPaths.has(itemPath)) context.plainSecrets.push(itemPath);
        }
        break;
      }
      case 'password_file':
        // Read after the loop, once the layer is known to have no `password` as well.
        break;
      case 'tls':
        readTls(item, itemPath, context, layer);
        break;
      case 'labels':
        layer.labels = readStringMap(item, itemPath, problems, (label) => context.labelRules.keyProblem(label));
        checkLabelCollisions([{ path: itemPath, labels: layer.labels }], problems);
        break;
      case 'interval': {
        const millis = readDuration(item, itemPath, 1_000, problems);
        if (millis !== undefined) layer.intervalMillis = { value: millis, path: itemPath };
        break;
      }
      case 'timeout': {
        const millis = readDuration(item, itemPath, 1, problems);
        if (millis !== undefined) layer.timeoutMillis = { value: millis, path: itemPath };
        break;
      }
      case 'collectors':
        layer.collectors = readCollectorsBlock(item, itemPath, context.known, problems);
        break;
    }
  }
  const passwordFile = value['password_file'];
  if (passwordFile !== undefined && passwordFile !== null) {
    const filePath = joinPath(path, 'password_file');
    if (value['password'] !== undefined && value['password'] !== null) {
      problems.add(filePath, 'set password or password_file, not both');
    } else if (typeof passwordFile !== 'string' || passwordFile === '') {
      problems.add(filePath, 'must be a file path');
    } else {
      const secret = readSecretFile(resolveFile(context.baseDir, passwordFile), filePath, problems);
      if (secret !== undefined) layer.password = { value: secret, path: filePath };
    }
  }
  return layer;
}

/** `defaults:` read: what it sets (routers are merged over it) and what it gives routers made at run time. */
export interface ReadDefaults {
  readonly layer: RouterLayer;
  readonly defaults: RouterDefaultsConfig;
}

/** Validates `defaults`. */
export function readDefaults(rawDefaults: unknown, routerContext: RouterContext): ReadDefaults {
  const context = layerContext(routerContext);
  let layer: RouterLayer = { tls: {}, labels: {}, collectors: {} };
  if (rawDefaults !== undefined) {
    if (isMapping(rawDefaults)) layer = readLayer(rawDefaults, 'defaults', true, context);
    else context.problems.add('defaults', 'must be a mapping of router keys');
  }
  const intervalMillis = layer.intervalMillis?.value ?? context.intervalMillis;
  return {
    layer,
    defaults: {
      intervalMillis,
      timeoutMillis: Math.min(layer.timeoutMillis?.value ?? context.timeoutMillis, intervalMillis),
      labels: { ...layer.labels },
      collectors: mergeCollectors(context.known, [layer.collectors]),
    },
  };
}

/** Validates `routers` and builds every RouterConfig, each merged over the `defaults` layer. */
export function readRouters(defaults: RouterLayer, rawRouters: unknown, routerContext: RouterContext): RouterConfig[] {
  const context = layerContext(routerContext);
  const { problems } = context;
  const routers: RouterConfig[] = [];
  const seen = new Map<string, string>();
  const list = rawRouters === undefined ? [] : rawRouters;
  if (!Array.isArray(list)) {
    problems.add('routers', 'must be a list of routers');
  } else {
    list.forEach((item: unknown, index) => {
      const path = joinPath('routers', index);
      if (!isMapping(item)) {
        problems.add(path, 'must be a mapping (name, address, …)');
        return;
      }
      const layer = readLayer(item, path, false, context);
      if (layer.name === undefined && !problems.has(joinPath(path, 'name'))) {
        problems.add(joinPath(path, 'name'), 'is required');
      }
      if (layer.address === undefined && !problems.has(joinPath(path, 'address'))) {
        problems.add(joinPath(path, 'address'), 'is required');
      }
      if (layer.name !== undefined) {
        const first = seen.get(layer.name.value);
        if (first !== undefined) problems.add(layer.name.path, `duplicate router name "${layer.name.value}" (also ${first})`);
        else seen.set(layer.name.value, layer.name.path);
      }
      // The router's labels are merged over the defaults' ones: together they must stay distinct.
      checkLabelCollisions(
        [
          { path: 'defaults.labels', labels: defaults.labels },
          { path: joinPath(path, 'labels'), labels: layer.labels },
        ],
        problems,
      );
      const router = mergeRouter(defaults, layer, path, context);
      if (router !== undefined) routers.push(router);
    });
  }
  return routers;
}

/** Validates `defaults` and `routers` together (discovered routers: each target is a one-router list). */
export function normaliseRouters(
  rawDefaults: unknown,
  rawRouters: unknown,
  context: RouterContext,
): { routers: RouterConfig[]; defaults: RouterDefaultsConfig } {
  const { layer, defaults } = readDefaults(rawDefaults, context);
  return { routers: readRouters(layer, rawRouters, context), defaults };
}

function mergeRouter(
  defaults: RouterLayer,
  layer: RouterLayer,
  path: string,
  context: RouterContext,
): RouterConfig | undefined {
  const { problems } = context;
  const tls = mergeTls(defaults, layer, path, context);

  if (layer.address?.value.port !== undefined && layer.port !== undefined && layer.address.value.port !== layer.port.value) {
    problems.add(layer.port.path, `conflicts with the port in ${layer.address.path}`);
  }
  const port =
    layer.address?.value.port ??
    layer.port?.value ??
    defaults.port?.value ??
    (tls.enabled ? BUILTIN_ROUTER_DEFAULTS.tlsPort : BUILTIN_ROUTER_DEFAULTS.port);

  const interval = layer.intervalMillis ?? defaults.intervalMillis;
  const intervalMillis = interval?.value ?? context.intervalMillis;
  const timeout = layer.timeoutMillis ?? defaults.timeoutMillis;
  let timeoutMillis = timeout?.value ?? context.timeoutMillis;
  if (timeoutMillis > intervalMillis) {
    // A poll must end before the next one is due. Only an explicit setting deserves a warning.
    if (timeout !== undefined) {
      problems.warn(timeout.path, `is longer than the interval (${formatDuration(intervalMillis)}); using the interval`);
    }
    timeoutMillis = intervalMillis;
  }

  if (layer.name === undefined || layer.address === undefined) return undefined;
  return {
    name: layer.name.value,
    host: layer.address.value.host,
    port,
    username: layer.username?.value ?? defaults.username?.value ?? BUILTIN_ROUTER_DEFAULTS.username,
    password: layer.password?.value ?? defaults.password?.value ?? BUILTIN_ROUTER_DEFAULTS.password,
    tls,
    labels: { ...defaults.labels, ...layer.labels },
    intervalMillis,
    timeoutMillis,
    collectors: mergeCollectors(context.known, [defaults.collectors, layer.collectors]),
  };
}

function mergeTls(defaults: RouterLayer, layer: RouterLayer, path: string, context: RouterContext): RouterTlsConfig {
  const { problems } = context;
  const pick = <K extends TlsKey>(key: K): Sourced<RouterTlsConfig[K]> | undefined => layer.tls[key] ?? defaults.tls[key];
  const tls: RouterTlsConfig = {
    enabled: pick('enabled')?.value ?? false,
    caFile: pick('caFile')?.value ?? '',
    serverName: pick('serverName')?.value ?? '',
    fingerprint: pick('fingerprint')?.value ?? '',
    insecure: pick('insecure')?.value ?? false,
    anonymous: pick('anonymous')?.value ?? false,
  };
  if (!tls.enabled) return tls;
  const tlsPath = joinPath(path, 'tls');
  if (tls.insecure && tls.fingerprint !== '') {
    problems.add(tlsPath, 'insecure and fingerprint exclude each other: a fingerprint pins the certificate');
  }
  if (tls.anonymous && tls.caFile !== '') {
    problems.add(tlsPath, 'anonymous and ca_file exclude each other: anonymous TLS has no certificate to verify');
  }
  if (tls.anonymous && tls.fingerprint !== '') {
    problems.add(tlsPath, 'anonymous and fingerprint exclude each other: anonymous TLS has no certificate to pin');
  }
  const caFile = pick('caFile');
  if (caFile !== undefined && caFile.value !== '' && !tls.anonymous) checkReadable(caFile.value, caFile.path, problems);
  const insecure = pick('insecure');
  if (tls.insecure && insecure !== undefined) {
    problems.warn(insecure.path, "certificate verification is off: the router's identity is not checked");
  }
  const anonymous = pick('anonymous');
  if (tls.anonymous && anonymous !== undefined) {
    problems.warn(anonymous.path, 'anonymous TLS encrypts but does not authenticate the router (man-in-the-middle possible)');
  }
  return tls;
}
