/**
 * `collectors:` blocks (in `defaults` and in each router). A collector is set with a boolean
 * (`interface: false`) or an object of options (`interface: { include: [ether.*], interval: 1h }`);
 * an object enables the collector unless it says `enabled: false`. Other keys must be options the
 * collector declares (a typo such as `exlude` would otherwise silently do nothing); they reach the
 * collector unchanged, and its own option reader runs here so a bad value fails at load.
 */
import type { MetricDefinition } from '../../../engine/metric.js';
import { durationProblem, parseDuration } from '../../../config/duration.js';
import { joinPath, type Problems } from '../../../config/errors.js';
import { isMapping } from '../../../config/mapping.js';
import { suggest, toBoolean, toInteger, unknownMessage } from '../../../config/values.js';
import type { CollectorConfig } from './types.js';

/** What the loader needs to know about a collector (a source's collector satisfies it). */
export interface KnownCollector {
  /** Its key under `collectors:`. */
  readonly name: string;
  readonly defaultEnabled: boolean;
  /** The option keys it reads besides `enabled` and `interval`; undefined passes any key through. */
  readonly options?: readonly { readonly name: string; readonly description: string }[];
  /** Reads the options as a run would; throws an error whose message starts with the key. */
  readonly checkOptions?: (options: Readonly<Record<string, unknown>>) => void;
  /** Its metrics' attribute keys: a router label must not take one of their names. */
  readonly metrics: readonly Pick<MetricDefinition, 'name' | 'attributes'>[];
}

/** Keys every collector takes besides its declared options. */
const COMMON_KEYS = ['enabled', 'interval'] as const;

/** One layer's settings for one collector (only what that layer set). */
export interface CollectorLayer {
  readonly enabled?: boolean;
  readonly intervalMillis?: number;
  readonly options: Readonly<Record<string, unknown>>;
}

/** Checks a list of regular expressions (a string or a list of strings); returns it as a list. */
function readPatterns(value: unknown, path: string, problems: Problems): string[] | undefined {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) {
    problems.add(path, 'must be a regular expression or a list of them');
    return undefined;
  }
  const patterns: string[] = [];
  list.forEach((item: unknown, index) => {
    const itemPath = joinPath(path, index);
    if (typeof item !== 'string') {
      problems.add(itemPath, 'must be a string (a regular expression)');
      return;
    }
    try {
      new RegExp(item);
      patterns.push(item);
    } catch (error) {
      problems.add(itemPath, `invalid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`);
    }
  });
  return patterns;
}

/** Validates one `collectors:` block into per-collector layers. */
export function readCollectorsBlock(
  value: unknown,
  path: string,
  known: readonly KnownCollector[],
  problems: Problems,
): Record<string, CollectorLayer> {
  const layers: Record<string, CollectorLayer> = {};
  if (value === undefined) return layers;
  if (!isMapping(value)) {
    problems.add(path, 'must be a mapping of collector names to true, false or options');
    return layers;
  }
  const names = known.map((collector) => collector.name);
  for (const [name, setting] of Object.entries(value)) {
    const settingPath = joinPath(path, name);
    const collector = known.find((candidate) => candidate.name === name);
    if (collector === undefined) {
      problems.add(settingPath, `${unknownMessage('collector', name, names)}; known: ${names.join(', ')}`);
      continue;
    }
    const shorthand = toBoolean(setting);
    if (shorthand !== undefined) {
      layers[name] = { enabled: shorthand, options: {} };
      continue;
    }
    if (!isMapping(setting)) {
      problems.add(settingPath, 'must be true, false or a mapping of options');
      continue;
    }
    let enabled = true;
    let intervalMillis: number | undefined;
    const options: Record<string, unknown> = {};
    // Undeclared options (a collector that predates `options`) are passed through unchecked.
    const optionKeys = collector.options?.map((option) => option.name);
    for (const [key, option] of Object.entries(setting)) {
      const optionPath = joinPath(settingPath, key);
      if (optionKeys !== undefined && !(COMMON_KEYS as readonly string[]).includes(key) && !optionKeys.includes(key)) {
        problems.add(optionPath, unknownOptionMessage(key, [...COMMON_KEYS, ...optionKeys]));
        continue;
      }
      if (option === null || option === undefined) continue;
      switch (key) {
        case 'enabled': {
          const flag = toBoolean(option);
          if (flag === undefined) problems.add(optionPath, 'must be true or false');
          else enabled = flag;
          break;
        }
        case 'interval': {
          const millis = typeof option === 'string' ? parseDuration(option) : undefined;
          if (millis === undefined) problems.add(optionPath, durationProblem(option));
          else if (millis < 1_000) problems.add(optionPath, 'must be at least 1s');
          else intervalMillis = millis;
          break;
        }
        case 'include':
        case 'exclude': {
          const patterns = readPatterns(option, optionPath, problems);
          if (patterns !== undefined) options[key] = patterns;
          break;
        }
        case 'max_series': {
          const count = toInteger(option, 1);
          if (count === undefined) problems.add(optionPath, 'must be a whole number of at least 1');
          else options[key] = count;
          break;
        }
        default:
          // Collector-specific options; the collector validates what it reads.
          options[key] = option;
      }
    }
    if (collector.checkOptions !== undefined) {
      checkValues(collector.checkOptions, options, settingPath, problems);
    }
    layers[name] = intervalMillis === undefined ? { enabled, options } : { enabled, intervalMillis, options };
  }
  return layers;
}

/** `unknown option (known: enabled, interval, include, …)`, plus a hint for a near miss. */
function unknownOptionMessage(key: string, known: readonly string[]): string {
  const hint = suggest(key, known);
  const message = `unknown option (known: ${known.join(', ')})`;
  return hint === undefined ? message : `${message}; did you mean ${hint}?`;
}

/** The key (and list index) an option reader's message starts with: `include[0]: invalid …`. */
const OPTION_MESSAGE = /^([A-Za-z0-9_]+)((?:\[\d+\])*): ([\s\S]*)$/;

/**
 * Runs the collector's own option reader over one layer, so a value it would reject on every run
 * (`families: [ipv5]`) is a config problem at its key path instead.
 */
function checkValues(
  check: (options: Readonly<Record<string, unknown>>) => void,
  options: Readonly<Record<string, unknown>>,
  settingPath: string,
  problems: Problems,
): void {
  try {
    check(options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const match = OPTION_MESSAGE.exec(message);
    if (match === null) problems.add(settingPath, message);
    else problems.add(`${joinPath(settingPath, match[1] ?? '')}${match[2] ?? ''}`, match[3] ?? message);
  }
}

/** Merges the layers (general first) over each collector's default into the final settings. */
export function mergeCollectors(
  known: readonly KnownCollector[],
  layers: readonly Readonly<Record<string, CollectorLayer>>[],
): Record<string, CollectorConfig> {
  const merged: Record<string, CollectorConfig> = {};
  for (const collector of known) {
    let enabled = collector.defaultEnabled;
    let intervalMillis: number | undefined;
    let options: Record<string, unknown> = {};
    for (const layer of layers) {
      const setting = layer[collector.name];
      if (setting === undefined) continue;
      if (setting.enabled !== undefined) enabled = setting.enabled;
      if (setting.intervalMillis !== undefined) intervalMillis = setting.intervalMillis;
      options = { ...options, ...setting.options };
    }
    merged[collector.name] =
      intervalMillis === undefined ? { ...options, enabled } : { ...options, enabled, intervalMillis };
  }
  return merged;
}
