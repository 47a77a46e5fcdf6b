/**
 * Target discovery from files in Prometheus's `file_sd` format
 * (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#file_sd_config):
 * a JSON or YAML list of `{ "targets": ["host:port", …], "labels": { … } }` groups. Patterns may use
 * `*`, `?` and `[…]` in the last path segment only, as Prometheus allows. Source-neutral: a source
 * turns the groups into its own targets.
 *
 * Files are re-read on an interval and compared by content, like the server's certificate files:
 * tools that write them (Ansible, a NetBox export, a ConfigMap) replace them by rename, which file
 * watchers miss on many systems. A file that cannot be read or parsed keeps its last good groups and
 * the reason is reported; a file that is gone takes its groups with it.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { parse } from 'yaml';

/** One target group of a file. */
export interface TargetGroup {
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** The file it came from, and its index there (for messages). */
  readonly file: string;
  readonly index: number;
}

/** The groups of one file's text; throws an Error naming the entry when the shape is wrong. */
export function parseFileSd(text: string, file: string): TargetGroup[] {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new Error(`${file}: not JSON or YAML (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  if (document === null || document === undefined) return [];
  if (!Array.isArray(document)) throw new Error(`${file}: must be a list of target groups`);
  return document.map((entry: unknown, index) => {
    const where = `${file}[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new Error(`${where}: must be a mapping with targets and labels`);
    const { targets, labels = {} } = entry as { targets?: unknown; labels?: unknown };
    if (!Array.isArray(targets) || !targets.every((target): target is string => typeof target === 'string' && target !== '')) {
      throw new Error(`${where}.targets: must be a list of host:port strings`);
    }
    if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) throw new Error(`${where}.labels: must be a mapping`);
    const texts: Record<string, string> = {};
    for (const [key, value] of Object.entries(labels)) {
      if (typeof value !== 'string') throw new Error(`${where}.labels.${key}: must be a string`);
      texts[key] = value;
    }
    return { targets, labels: texts, file, index };
  });
}

/** The files a pattern names now, sorted; wildcards in the last segment only. */
export async function expandPattern(pattern: string, baseDir: string): Promise<string[]> {
  const path = resolve(baseDir, pattern);
  const name = basename(path);
  if (!/[*?[]/.test(name)) return [path];
  const directory = dirname(path);
  const matcher = globRegExp(name);
  let entries: string[];
  try {
    entries = await readdir(directory);
  } catch {
    return [];
  }
  return entries.filter((entry) => matcher.test(entry)).sort().map((entry) => resolve(directory, entry));
}

function globRegExp(glob: string): RegExp {
  let source = '';
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index]!;
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const end = glob.indexOf(']', index + 1);
      if (end < 0) source += '\\[';
      else {
        source += `[${glob.slice(index + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        index = end;
      }
    } else source += char.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** One discovery input (a file, a DNS name) as its provider last saw it. */
export interface DiscoveryState {
  /** The file's path, or `dns_srv:<name>`. */
  readonly file: string;
  /** False when the last read or lookup failed (the last good groups stay in use). */
  readonly ok: boolean;
  readonly error?: string;
  readonly groups: number;
}

/** A list of target groups kept up to date in the background (file_sd files, DNS SRV names). */
export interface TargetProvider {
  /** The groups in use now. */
  groups(): TargetGroup[];
  /** Each input's state, for the discovery gauge. */
  states(): DiscoveryState[];
  /** Reads every input once (resolves when done, never rejects), then keeps them up to date. */
  start(): Promise<void>;
  stop(): void;
}

/** Options of {@link FileSdWatcher}. */
export interface FileSdWatcherOptions {
  readonly patterns: readonly string[];
  readonly baseDir: string;
  /** @default 30000 */
  readonly intervalMillis?: number;
  /** Every group of every file, after each change. Must not throw. */
  readonly onChange: (groups: readonly TargetGroup[]) => void;
  /** A file that could not be used this time (secret-free: a path and what is wrong). */
  readonly onError: (file: string, message: string) => void;
}

interface FileEntry {
  digest: string;
  groups: readonly TargetGroup[];
  ok: boolean;
  error?: string;
}

/** Reads the files now and on an interval; reports the whole set whenever one file changed. */
export class FileSdWatcher implements TargetProvider {
  private readonly _options: FileSdWatcherOptions;
  private _files = new Map<string, FileEntry>();
  private _timer: NodeJS.Timeout | undefined;
  private _checking: Promise<void> | undefined;

  constructor(options: FileSdWatcherOptions) {
    this._options = options;
  }

  /** The groups in use now. */
  groups(): TargetGroup[] {
    return [...this._files.values()].flatMap((entry) => entry.groups);
  }

  states(): DiscoveryState[] {
    return [...this._files].map(([file, entry]) => ({ file, ok: entry.ok, groups: entry.groups.length, ...(entry.error === undefined ? {} : { error: entry.error }) }));
  }

  /** Reads every file once (resolves when done), then keeps checking on the interval. */
  async start(): Promise<void> {
    await this.check();
    // check() never rejects (see _check), so the timer cannot leave an unhandled rejection.
    this._timer = setInterval(() => void this.check(), this._options.intervalMillis ?? 30_000);
    this._timer.unref();
  }

  stop(): void {
    clearInterval(this._timer);
    this._timer = undefined;
  }

  /** Reads the files now; one check at a time. */
  check(): Promise<void> {
    this._checking ??= this._check()
      .catch((error: unknown) => {
        this._options.onError(this._options.patterns.join(', '), error instanceof Error ? error.message : String(error));
      })
      .finally(() => {
        this._checking = undefined;
      });
    return this._checking;
  }

  private async _check(): Promise<void> {
    const files = [...new Set((await Promise.all(this._options.patterns.map((pattern) => expandPattern(pattern, this._options.baseDir)))).flat())];
    const next = new Map<string, FileEntry>();
    let changed = files.length !== this._files.size;
    for (const file of files) {
      const previous = this._files.get(file);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
        // Gone between listing and reading: like a file that is not there.
        if (code === 'ENOENT') {
          changed ||= previous !== undefined;
          continue;
        }
        next.set(file, this._failed(file, previous, `cannot read (${code})`));
        continue;
      }
      const digest = createHash('sha256').update(text).digest('hex');
      if (previous !== undefined && previous.digest === digest) {
        next.set(file, previous);
        continue;
      }
      try {
        next.set(file, { digest, groups: parseFileSd(text, file), ok: true });
        changed = true;
      } catch (error) {
        next.set(file, { ...this._failed(file, previous, error instanceof Error ? error.message : String(error)), digest });
      }
    }
    for (const file of this._files.keys()) if (!next.has(file)) changed = true;
    this._files = next;
    if (changed) this._options.onChange(this.groups());
  }

  private _failed(file: string, previous: FileEntry | undefined, message: string): FileEntry {
    this._options.onError(file, message);
    return { digest: previous?.digest ?? '', groups: previous?.groups ?? [], ok: false, error: message };
  }
}
