/**
 * The validated, normalised agent configuration. `load.ts` produces it from a file, the environment
 * and flags; everything else in the agent reads only this shape. Durations are milliseconds.
 */
import type { ShardConfig } from '../engine/shard.js';

export type StartupCheck = 'off' | 'warn' | 'strict';
export type OtlpProtocol = 'http/protobuf' | 'http/json';
export type Temporality = 'cumulative' | 'delta';

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

export interface AgentConfig {
  readonly server: ServerConfig;
  readonly collection: CollectionConfig;
  readonly otlp: OtlpConfig;
  readonly log: LogConfig;
  /** Extra resource attributes (besides OTEL_RESOURCE_ATTRIBUTES). */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  /**
   * Source-owned sections by top-level key (config/sections.ts): every target the agent polls is
   * configured in one; absent in configs built by hand.
   */
  readonly sections?: Readonly<Record<string, unknown>>;
}
