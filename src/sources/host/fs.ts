/**
 * Reading procfs and sysfs under a root directory (`/`, or `/host` in a container that mounts the
 * host's). Every read goes through {@link HostIo}, so tests can inject failures a root user cannot
 * provoke with file modes (EACCES), and every path in an error is the one the operator configured.
 */
import { promises as fs, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** The sizes statfs(2) reports, as Node returns them. */
export interface FsStats {
  readonly bsize: number;
  readonly blocks: number;
  readonly bfree: number;
  readonly bavail: number;
  readonly files: number;
  readonly ffree: number;
}

/** The file operations the host collectors use, on absolute paths. */
export interface HostIo {
  /** `blocking`: read on the event loop, for files that never wait on a device (see {@link HostFs.read}). */
  readFile(path: string, options: { readonly blocking: boolean }): Promise<string>;
  readdir(path: string): Promise<string[]>;
  realpath(path: string): Promise<string>;
  statfs(path: string): Promise<FsStats>;
  /** Milliseconds on a monotonic clock: how long a read took. */
  now(): number;
}

export const NODE_IO: HostIo = {
  readFile: (path, { blocking }) => (blocking ? Promise.resolve().then(() => readFileSync(path, 'utf8')) : fs.readFile(path, 'utf8')),
  readdir: (path) => fs.readdir(path),
  realpath: (path) => fs.realpath(path),
  statfs: (path) => fs.statfs(path),
  now: () => performance.now(),
};

/** procfs and sysfs of one machine, under `root`. */
export class HostFs {
  constructor(
    readonly root: string,
    private readonly _io: HostIo = NODE_IO,
  ) {}

  /** Milliseconds on the I/O's monotonic clock. */
  now(): number {
    return this._io.now();
  }

  /** The absolute path of `path` (written as on the host: `/proc/stat`) under the root. */
  path(path: string): string {
    return join(this.root, path);
  }

  /**
   * A file's text. procfs files, and sysfs files the caller knows to be fast (`blocking`), are read
   * synchronously: the kernel builds them in memory in microseconds, where the thread pool's round trips
   * (open, fstat, read until EOF, close) cost ten times that in CPU, and the host has 2 ms of CPU per
   * cycle. Other sysfs files are read asynchronously: a hwmon driver may answer from a slow bus (SMBus,
   * I2C) or a disk (drivetemp asks the drive), and the event loop must not wait for it.
   */
  read(path: string, options: { readonly blocking?: boolean } = {}): Promise<string> {
    return this._io.readFile(this.path(path), { blocking: options.blocking ?? path.startsWith('/proc/') });
  }

  /** The file's text, or undefined when it cannot be read (the caller loses only this value). */
  async tryRead(path: string, options: { readonly blocking?: boolean } = {}): Promise<string | undefined> {
    try {
      return await this.read(path, options);
    } catch {
      return undefined;
    }
  }

  /** Entry names of a directory; [] when it does not exist. Other errors reject. */
  async list(path: string): Promise<string[]> {
    try {
      return (await this._io.readdir(this.path(path))).sort(naturalCompare);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw error;
    }
  }

  /** Where a symlink under the root leads, as a host path (`/sys/devices/…`), or undefined. */
  async resolve(path: string): Promise<string | undefined> {
    try {
      const real = await this._io.realpath(this.path(path));
      const inside = relative(this.root, real);
      return inside.startsWith('..') ? real : `/${inside.split(sep).join('/')}`;
    } catch {
      return undefined;
    }
  }

  statfs(path: string): Promise<FsStats> {
    return this._io.statfs(this.path(path));
  }
}

/** The `code` of a Node system error (`ENOENT`), or undefined. */
export function errorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object' || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** `hwmon2` before `hwmon10`, `temp2` before `temp10`: the kernel's numbering, not text order. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
