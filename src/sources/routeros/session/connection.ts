/**
 * How the engine opens a router connection: the option shape of RouterOsClient.connect, the
 * narrow connection surface the engine uses, and the mapping from a router's config to options.
 */
import { readFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import type { RouterApi } from '../client/api.js';
import type { RouterConfig, RouterTlsConfig } from '../config/types.js';
import type { RouterOsClientOptions, RouterOsTlsOptions } from '../client/client.js';

/** TLS towards api-ssl, as the client takes it. */
export type RouterTlsOptions = RouterOsTlsOptions;

/** Options of one connection attempt (RouterOsClient.connect). */
export type RouterConnectOptions = RouterOsClientOptions;

/** A logged-in router connection as the engine uses it. */
export interface RouterConnection extends RouterApi {
  close(): Promise<void>;
  /** Settles when the connection ends, with the cause when it was not a local close. */
  readonly closed: Promise<Error | undefined>;
  readonly isOpen: boolean;
  /** Reply sentences received so far, when the connection counts them. */
  readonly repliesReceived?: number;
}

/** Opens and logs in; rejects with the typed errors of src/sources/routeros/client/errors.ts. */
export type ConnectFn = (options: RouterConnectOptions) => Promise<RouterConnection>;

/** Which TLS mode a router's config asks for, or undefined for plain TCP. */
export function tlsMode(tls: RouterTlsConfig): RouterTlsOptions['mode'] | undefined {
  if (!tls.enabled) return undefined;
  if (tls.anonymous) return 'anonymous';
  if (tls.insecure) return 'insecure';
  if (tls.fingerprint !== '') return 'pinned';
  return 'verified';
}

/**
 * Client TLS options for a router. Reads the CA file when one is configured; a read failure names
 * the router and the file (never its content).
 */
export async function buildTlsOptions(router: RouterConfig): Promise<RouterTlsOptions | undefined> {
  const mode = tlsMode(router.tls);
  if (mode === undefined) return undefined;
  const options: RouterTlsOptions = { mode };
  if (router.tls.serverName !== '') options.serverName = router.tls.serverName;
  if (mode === 'pinned') options.fingerprint = router.tls.fingerprint;
  if (mode === 'verified' && router.tls.caFile !== '') {
    try {
      options.ca = await readFile(router.tls.caFile);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'read error';
      throw new Error(`routers.${router.name}.tls.ca_file: cannot read ${router.tls.caFile} (${code})`, {
        cause: error,
      });
    }
  }
  return options;
}

/** `host:port`, with IPv6 hosts in brackets. Never credentials. */
export function routerAddress(router: Pick<RouterConfig, 'host' | 'port'>): string {
  return router.host.includes(':') ? `[${router.host}]:${router.port}` : `${router.host}:${router.port}`;
}

/** Closes a connection without throwing and without waiting longer than `timeoutMillis`. */
export async function closeQuietly(connection: RouterConnection, timeoutMillis: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      connection.close().catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMillis);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Options of {@link probePort}. */
export interface PortProbeOptions {
  host: string;
  port: number;
  /** Gives up (answers false) after this long. */
  timeoutMillis: number;
  /** Gives up (answers false) at once when aborted. */
  signal?: AbortSignal;
}

/**
 * Whether anything accepts a TCP connection on the router's API port: a bare connect, closed as
 * soon as it is established. No TLS handshake, no login, no API session; never rejects.
 */
export function probePort(options: PortProbeOptions): Promise<boolean> {
  const { signal } = options;
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const socket = new Socket();
    let timer: NodeJS.Timeout | undefined;
    const finish = (reachable: boolean): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('connect', onConnect);
      socket.destroy();
      resolve(reachable);
    };
    const onConnect = (): void => finish(true);
    const onAbort = (): void => finish(false);
    // Kept for the socket's whole life: an 'error' without a listener would throw.
    socket.on('error', () => finish(false));
    socket.once('connect', onConnect);
    signal?.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(() => finish(false), options.timeoutMillis);
    socket.connect({ host: options.host, port: options.port });
  });
}
