/**
 * A simulated RouterOS router: an API (or api-ssl) listener on loopback speaking the binary
 * protocol over a profile's data, with fault injection for tests.
 */
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { routerOsCatalogue } from './catalogue.js';
import { DEMO_CERTIFICATE_PEM, DEMO_PRIVATE_KEY_PEM } from './demo-certificate.js';
import { validateFault, type Fault } from './faults.js';
import { RouterModel } from './model.js';
import type { RouterProfile, SimRow } from './profile.js';
import { ApiSession, type SessionHost, type SessionStats } from './session.js';
import { featuresOf, parseRosVersion, type VersionFeatures } from './version.js';

export type { Fault } from './faults.js';
export type { RouterProfile, SimRow } from './profile.js';

/** TLS of the simulated api-ssl service. */
export interface SimulatedTlsOptions {
  /** `certificate`: ordinary TLS with `cert`/`key`; `anonymous`: anonymous DH, TLS 1.2, no certificate. */
  mode: 'certificate' | 'anonymous';
  /** PEM certificate. @default the bundled demo certificate (CN=localhost, SAN 127.0.0.1) */
  cert?: string;
  /** PEM private key of `cert`. @default the bundled demo key */
  key?: string;
}

/** Options of {@link SimulatedRouter}. */
export interface SimulatedRouterOptions {
  profile: RouterProfile;
  /** Router name; also its `/system/identity` answer. */
  name: string;
  /** Listen address; keep it on loopback. @default '127.0.0.1' */
  host?: string;
  /** Listen port. @default 0 (ephemeral) */
  port?: number;
  /** @default 'admin' */
  username?: string;
  /** @default 'admin' */
  password?: string;
  /**
   * Policies of the API user (`api`, `read`, `test`, …); commands the profile marks as needing
   * another policy are refused. @default every policy
   */
  policies?: readonly string[];
  /** Serve api-ssl instead of plain api. */
  tls?: SimulatedTlsOptions;
  /** Current time in milliseconds (counters, uptime). @default Date.now */
  clock?: () => number;
}

/** Cipher settings that let Node 20 / OpenSSL 3 accept anonymous DH (RouterOS API manual, https://help.mikrotik.com/docs/spaces/ROS/pages/47579160/API). */
const ANONYMOUS_TLS = { ciphers: 'ADH-AES256-GCM-SHA384:@SECLEVEL=0', maxVersion: 'TLSv1.2', dhparam: 'auto' } as const;

/** One simulated router. */
export class SimulatedRouter {
  readonly name: string;
  /** RouterOS version number as `/system/resource` starts it: `7.16.2`. */
  readonly version: string;
  /** Successful and failed logins and non-login commands received, over all connections. */
  readonly stats: Readonly<SessionStats>;
  private readonly profile: RouterProfile;
  private readonly options: SimulatedRouterOptions;
  private readonly model: RouterModel;
  private readonly host: SessionHost;
  private readonly sessions = new Set<ApiSession>();
  /**
   * Every accepted TCP socket, including TLS ones still in their handshake: those have no session
   * yet, and `server.close()` would wait for them (Node's handshake timeout is 120 s).
   */
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private currentFault: Fault | undefined;
  private boundHost: string;
  private boundPort: number;
  private started = false;
  /** Listener changes (start, stop, refuse, clear) run one after another. */
  private listenerQueue: Promise<void> = Promise.resolve();

  constructor(options: SimulatedRouterOptions) {
    if (!options.profile) throw new Error('profile: required');
    if (typeof options.name !== 'string' || options.name === '') throw new Error('name: must be a non-empty string');
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`port: must be 0..65535, got ${port}`);
    if (options.tls && options.tls.mode !== 'certificate' && options.tls.mode !== 'anonymous') {
      throw new Error(`tls.mode: must be "certificate" or "anonymous", got "${String(options.tls.mode)}"`);
    }
    const version = parseRosVersion(options.profile.version);
    this.options = options;
    this.profile = options.profile;
    this.name = options.name;
    this.version = version.text;
    this.boundHost = options.host ?? '127.0.0.1';
    this.boundPort = port;
    this.model = new RouterModel({ profile: this.profile, name: this.name, clock: options.clock ?? Date.now });
    const stats: SessionStats = { logins: 0, failedLogins: 0, commands: 0 };
    this.stats = stats;
    const features: VersionFeatures = featuresOf(version);
    const policies = options.policies === undefined ? undefined : new Set(options.policies);
    const required = this.profile.requiredPolicies ?? {};
    this.host = {
      model: this.model,
      features,
      catalogue: routerOsCatalogue(),
      username: options.username ?? 'admin',
      password: options.password ?? 'admin',
      stats,
      allows: (command) => {
        const policy = Object.hasOwn(required, command) ? required[command] : undefined;
        return policies === undefined || policy === undefined || policies.has(policy);
      },
      fault: () => this.currentFault,
    };
  }

  /** The profile id (`hex-v7`). */
  get profileId(): string {
    return this.profile.id;
  }

  /** Listen address. */
  get address(): string {
    return this.boundHost;
  }

  /** Listening port (0 before the first start with an ephemeral port). */
  get port(): number {
    return this.boundPort;
  }

  /** Open API connections. */
  get connectionCount(): number {
    return this.sessions.size;
  }

  /** The active fault, if any. */
  get fault(): Fault | undefined {
    return this.currentFault;
  }

  /** Starts listening; resolves with the bound address. Idempotent while started. */
  async start(): Promise<{ host: string; port: number }> {
    this.started = true;
    await this.enqueue(async () => {
      if (this.started && !this.server && this.currentFault?.kind !== 'refuse') await this.listen();
    });
    return { host: this.boundHost, port: this.boundPort };
  }

  /** Stops listening and drops every connection. Idempotent. */
  async stop(): Promise<void> {
    this.started = false;
    this.dropConnections();
    await this.enqueue(() => this.closeListener());
  }

  /** Sets (or with undefined clears) the active fault. Takes effect for existing connections too. */
  setFault(fault: Fault | undefined): void {
    validateFault(fault);
    const wasRefusing = this.currentFault?.kind === 'refuse';
    this.currentFault = fault === undefined ? undefined : { ...fault };
    const refusing = fault?.kind === 'refuse';
    if (refusing && !wasRefusing) {
      this.dropConnections();
      void this.enqueue(() => this.closeListener());
    } else if (!refusing && wasRefusing) {
      void this.enqueue(async () => {
        if (this.started && !this.server && this.currentFault?.kind !== 'refuse') await this.listen();
      });
    }
  }

  /**
   * Resolves once pending listener changes (from `setFault` with or without `refuse`) took effect,
   * so a test can connect right after clearing `refuse`.
   */
  async settled(): Promise<void> {
    await this.listenerQueue;
  }

  /** Restarts the router: counters and uptime from zero, every connection dropped. */
  reboot(): void {
    this.model.reboot();
    this.dropConnections();
  }

  /** Adds an interface (`name` required; `.id` assigned when absent). Ethernet entries follow `type: 'ether'`. */
  addInterface(row: SimRow): void {
    this.model.addInterface(row);
  }

  /** Removes an interface by name; throws when there is none. */
  removeInterface(name: string): void {
    this.model.removeInterface(name);
  }

  /** Replaces the rows of a menu (`/ip/dhcp-server/lease`), creating it when the profile lacks it. */
  setRows(path: string, rows: SimRow[]): void {
    this.model.setRows(path, rows);
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.listenerQueue.then(step);
    // Keep the queue alive after a failed step; the caller of that step still sees the error.
    this.listenerQueue = next.catch(() => undefined);
    return next;
  }

  private createServer(): Server {
    const onSocket = (socket: Socket): void => {
      if (!this.started || this.currentFault?.kind === 'refuse') {
        socket.destroy();
        return;
      }
      const session = new ApiSession(socket, this.host);
      this.sessions.add(session);
      socket.once('close', () => this.sessions.delete(session));
    };
    const tls = this.options.tls;
    let server: Server;
    if (!tls) {
      server = createTcpServer(onSocket);
    } else if (tls.mode === 'anonymous') {
      server = createTlsServer({ ...ANONYMOUS_TLS }, onSocket);
    } else {
      server = createTlsServer(
        { cert: tls.cert ?? DEMO_CERTIFICATE_PEM, key: tls.key ?? DEMO_PRIVATE_KEY_PEM, minVersion: 'TLSv1.2' },
        onSocket,
      );
    }
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    // Failed handshakes and resets on half-open sockets must not surface as process errors.
    server.on('tlsClientError', (_error: Error, socket: Socket) => socket.destroy());
    server.on('error', () => undefined);
    return server;
  }

  private listen(): Promise<void> {
    const server = this.createServer();
    return new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        reject(new Error(`router ${this.name}: cannot listen on ${this.boundHost}:${this.boundPort}: ${error.message}`, { cause: error }));
      };
      server.once('error', onError);
      server.listen(this.boundPort, this.boundHost, () => {
        server.off('error', onError);
        const address = server.address();
        if (address && typeof address === 'object') this.boundPort = address.port;
        this.server = server;
        resolve();
      });
    });
  }

  private closeListener(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private dropConnections(): void {
    for (const session of this.sessions) session.destroy();
    this.sessions.clear();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
