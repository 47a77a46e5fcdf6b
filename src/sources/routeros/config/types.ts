/**
 * The RouterOS part of the normalised configuration: the routers of `routers:` (each merged over
 * `defaults:`), as the `defaults` and `routers` sections (./sections.ts) produce them. Durations are
 * milliseconds.
 */

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
