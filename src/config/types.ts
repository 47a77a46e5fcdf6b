/**
 * The validated, normalised agent configuration. `load.ts` produces it from a file, the environment
 * and flags; everything else in the agent reads only this shape. Durations are milliseconds.
 */
import type { ShardConfig } from '../engine/shard.js';

export type StartupCheck = 'off' | 'warn' | 'strict';
export type OtlpProtocol = 'http/protobuf' | 'http/json';
export type Temporality = 'cumulative' | 'delta';

/** TLS towards a router's api-ssl service. */
export interface RouterTlsConfig {
  readonly enabled: boolean;
  /** PEM CA file to verify the router's certificate (verified mode, the default when enabled). */
  readonly caFile: string;
  /** Name to verify instead of the address (SNI / certificate name). */
  readonly serverName: string;
  /** SHA-256 fingerprint of the router certificate, hex with or without colons (pinned mode). */
  readonly fingerprint: string;
  /** No verification at all; logs a warning. */
  readonly insecure: boolean;
  /** Anonymous Diffie-Hellman for api-ssl without a certificate; logs a warning. */
  readonly anonymous: boolean;
}

/** Include/exclude regular expressions of one filter. */
export interface FilterConfig {
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
}

/** Per-collector settings: enabled plus collector-specific keys (filters, caps, interval). */
export interface CollectorConfig {
  readonly enabled: boolean;
  /** Own interval in ms; the router's interval when absent. */
  readonly intervalMillis?: number;
  readonly [option: string]: unknown;
}

export interface RouterConfig {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** Resolved secret (from password, password_file or ${ENV}); never log it. */
  readonly password: string;
  readonly tls: RouterTlsConfig;
  readonly labels: Readonly<Record<string, string>>;
  readonly intervalMillis: number;
  readonly timeoutMillis: number;
  /** Every known collector name → its settings (defaults merged with router overrides). */
  readonly collectors: Readonly<Record<string, CollectorConfig>>;
}

export interface ServerTlsConfig {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface ServerAuthConfig {
  /** user → bcrypt hash. */
  readonly basicUsers: Readonly<Record<string, string>>;
  /** Accepted bearer token (secret); '' when unused. */
  readonly bearerToken: string;
  /** Paths that stay open when auth is on. */
  readonly openPaths: readonly string[];
}

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly tls?: ServerTlsConfig;
  readonly auth?: ServerAuthConfig;
  readonly maxConcurrentScrapes: number;
  readonly requestTimeoutMillis: number;
  readonly maxHeaderBytes: number;
  /** `otel_scope_name`/`otel_scope_version` labels on the target series of /metrics; absent = off. */
  readonly scopeLabels?: boolean;
  /** POST /-/reload is served. @default false */
  readonly enableLifecycle?: boolean;
}

export interface OtlpConfig {
  readonly enabled: boolean;
  readonly endpoint: string;
  readonly protocol: OtlpProtocol;
  /** Secret values (Authorization …); never log them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly intervalMillis: number;
  readonly timeoutMillis: number;
  readonly compression: 'gzip' | 'none';
  readonly temporality: Temporality;
  readonly caFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
}

export interface CollectionConfig {
  readonly intervalMillis: number;
  readonly timeoutMillis: number;
  readonly concurrency: number;
  readonly startupCheck: StartupCheck;
  /** This replica's part of the fleet; the whole fleet when absent. */
  readonly shard?: ShardConfig;
}

export interface LogConfig {
  readonly level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /** json: JSON lines; pretty: readable; auto: pretty on a TTY. */
  readonly format: 'json' | 'logfmt' | 'pretty' | 'auto';
}

/**
 * What `defaults:` gives routers that the config does not list (the simulated ones): interval,
 * timeout, labels and collector settings merged over the built-in defaults.
 */
export interface RouterDefaultsConfig {
  readonly intervalMillis: number;
  readonly timeoutMillis: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly collectors: Readonly<Record<string, CollectorConfig>>;
}

export interface AgentConfig {
  readonly server: ServerConfig;
  readonly collection: CollectionConfig;
  readonly otlp: OtlpConfig;
  readonly routers: readonly RouterConfig[];
  readonly log: LogConfig;
  /** Extra resource attributes (besides OTEL_RESOURCE_ATTRIBUTES). */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  /** Router defaults for routers created at run time (the RouterOS simulator); set by the loader. */
  readonly routerDefaults?: RouterDefaultsConfig;
  /** Source-owned sections by top-level key (config/sections.ts); absent in configs built by hand. */
  readonly sections?: Readonly<Record<string, unknown>>;
}
