/**
 * `run --watch-config`: a reload (the same one SIGHUP runs) whenever the configuration file's
 * contents change. The file's directory is watched rather than the file, because editors and
 * Kubernetes ConfigMap volumes replace a file by renaming another over it (a ConfigMap swaps its
 * `..data` link: https://kubernetes.io/docs/concepts/configuration/configmap/#mounted-configmaps-are-updated-automatically),
 * which a watch on the file itself loses. Events are debounced, since one save is often several
 * writes, and the contents compared with the last ones seen, so a touch or an unrelated file in the
 * directory reloads nothing. A slow poll backs the watch up on file systems without change events
 * (network mounts).
 */
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Options of {@link ConfigFileWatch}. */
export interface ConfigFileWatchOptions {
  readonly file: string;
  /** Quiet time after the last event before the file is read. @default 500 */
  readonly debounceMillis?: number;
  /** Backup poll. @default 30000 */
  readonly pollMillis?: number;
  /** The contents changed (must not throw). */
  readonly onChange: () => void;
  /** The watch could not be set up or stopped working (a path and a reason, nothing from the file). */
  readonly onError: (message: string) => void;
}

/** Watches one configuration file; see the module comment. */
export class ConfigFileWatch {
  private readonly _options: ConfigFileWatchOptions;
  private _watcher: FSWatcher | undefined;
  private _debounce: NodeJS.Timeout | undefined;
  private _poll: NodeJS.Timeout | undefined;
  private _digest: string | undefined;
  private _checking: Promise<void> | undefined;
  private _closed = false;

  constructor(options: ConfigFileWatchOptions) {
    this._options = options;
  }

  /** Takes the file's contents now as the ones in effect, then watches. */
  async start(): Promise<void> {
    this._digest = await this._read();
    if (this._closed) return;
    try {
      this._watcher = watch(dirname(this._options.file), { persistent: false }, () => this._schedule());
      this._watcher.on('error', (error) => {
        this._options.onError(`watching ${dirname(this._options.file)} stopped (${error.message}); the ${this._pollSeconds()} s poll goes on`);
        this._watcher?.close();
        this._watcher = undefined;
      });
    } catch (error) {
      this._options.onError(`cannot watch ${dirname(this._options.file)} (${(error as NodeJS.ErrnoException).code ?? String(error)}); polling every ${this._pollSeconds()} s`);
    }
    this._poll = setInterval(() => void this._check(), this._options.pollMillis ?? 30_000);
    this._poll.unref();
  }

  close(): void {
    this._closed = true;
    this._watcher?.close();
    this._watcher = undefined;
    clearTimeout(this._debounce);
    clearInterval(this._poll);
  }

  private _pollSeconds(): number {
    return (this._options.pollMillis ?? 30_000) / 1000;
  }

  private _schedule(): void {
    clearTimeout(this._debounce);
    this._debounce = setTimeout(() => void this._check(), this._options.debounceMillis ?? 500);
    this._debounce.unref();
  }

  /** One read at a time; never rejects. */
  private _check(): Promise<void> {
    this._checking ??= this._read()
      .then((digest) => {
        // Unreadable for a moment (between an unlink and a rename): the next event brings it back.
        if (this._closed || digest === undefined || digest === this._digest) return;
        this._digest = digest;
        this._options.onChange();
      })
      .catch((error: unknown) => this._options.onError(`reload after a change failed (${error instanceof Error ? error.message : String(error)})`))
      .finally(() => {
        this._checking = undefined;
      });
    return this._checking;
  }

  private async _read(): Promise<string | undefined> {
    try {
      return createHash('sha256').update(await readFile(this._options.file)).digest('hex');
    } catch {
      return undefined;
    }
  }
}
