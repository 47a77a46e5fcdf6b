/**
 * Keeps the HTTPS server's certificate current: polls the cert and key files and swaps in a new secure
 * context when either changes (certificate renewal by certbot, cert-manager, …). Polling rather than
 * fs.watch: renewals replace files by rename and symlink swaps, which watchers miss on many systems.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Server as HttpsServer } from 'node:https';
import type { ServerTlsConfig } from '../config/types.js';

/** Options of {@link TlsReloader}. */
export interface TlsReloaderOptions {
  readonly tls: ServerTlsConfig;
  /** @default 10000 */
  readonly intervalMillis?: number;
  /** Called with a secret-free message when new files cannot be used (the old certificate stays). */
  readonly onError?: (message: string) => void;
  /** Called after a new certificate was installed. */
  readonly onReload?: () => void;
}

/** PEM cert and key. */
export interface KeyPair {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** Reads the configured files at start; throws naming the config key when one is unreadable. */
export function readKeyPair(tls: ServerTlsConfig): KeyPair {
  return { cert: readOrThrow('server.tls.cert_file', tls.certFile), key: readOrThrow('server.tls.key_file', tls.keyFile) };
}

function readOrThrow(key: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`${key}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

export class TlsReloader {
  private readonly _tls: ServerTlsConfig;
  private readonly _intervalMillis: number;
  private readonly _onError: (message: string) => void;
  private readonly _onReload: () => void;
  private _server: HttpsServer | undefined;
  private _timer: NodeJS.Timeout | undefined;
  /** Signature of the files last installed or last rejected; a new attempt waits for the next change. */
  private _signature = '';
  private _checking: Promise<boolean> | undefined;

  constructor(options: TlsReloaderOptions) {
    this._tls = options.tls;
    this._intervalMillis = options.intervalMillis ?? 10_000;
    this._onError = options.onError ?? (() => {});
    this._onReload = options.onReload ?? (() => {});
  }

  /** Starts polling for `server`, whose current context came from the files as they are now. */
  async start(server: HttpsServer): Promise<void> {
    this._server = server;
    this._signature = (await this._readFiles())?.signature ?? '';
    this._timer = setInterval(() => void this.check(), this._intervalMillis);
    this._timer.unref();
  }

  stop(): void {
    clearInterval(this._timer);
    this._timer = undefined;
    this._server = undefined;
  }

  /** Reloads when the files changed since the last attempt; resolves true when a new context was installed. */
  check(): Promise<boolean> {
    this._checking ??= this._check().finally(() => {
      this._checking = undefined;
    });
    return this._checking;
  }

  private async _check(): Promise<boolean> {
    const server = this._server;
    if (server === undefined) return false;
    const files = await this._readFiles();
    if (files === undefined || files.signature === this._signature) return false;
    this._signature = files.signature;
    try {
      // Throws on unparsable PEM or a key that does not match the certificate (a half-finished renewal).
      server.setSecureContext({ cert: files.cert, key: files.key });
    } catch (err) {
      this._onError(`server tls: keeping the current certificate, new files unusable: ${describe(err)}`);
      return false;
    }
    this._onReload();
    return true;
  }

  /**
   * Both files and a digest of their contents, or undefined while one is missing (mid-rotation).
   * Contents rather than mtimes: a few KB every interval is cheap, and coarse mtimes cannot hide a change.
   */
  private async _readFiles(): Promise<(KeyPair & { signature: string }) | undefined> {
    try {
      const [cert, key] = await Promise.all([readFile(this._tls.certFile), readFile(this._tls.keyFile)]);
      const signature = createHash('sha256').update(cert).update('\0').update(key).digest('hex');
      return { cert, key, signature };
    } catch {
      return undefined;
    }
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  return code === undefined ? err.message : `${err.message} (${code})`;
}
