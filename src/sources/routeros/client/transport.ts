/**
 * Opens the byte stream to a router: plain TCP (api, 8728) or TLS (api-ssl, 8729) in one of four
 * trust modes. Spec: the RouterOS API manual (https://help.mikrotik.com/docs/spaces/ROS/pages/47579160/API)
 */
import { createHash } from 'node:crypto';
import { isIP, Socket } from 'node:net';
import * as tls from 'node:tls';
import { ConnectionLostError, TimeoutError } from './errors.js';

/**
 * How the client trusts the router's TLS endpoint:
 * - `verified`: the certificate chains to `ca` (or Node's default CAs) and names the host (or `serverName`);
 * - `pinned`: any chain, but the leaf certificate's SHA-256 fingerprint must equal `fingerprint`;
 * - `insecure`: encryption without any check (self-signed routers, lab use);
 * - `anonymous`: certificate-less api-ssl, anonymous Diffie-Hellman (TLS 1.2, no authentication at all).
 */
export type TlsMode = 'verified' | 'pinned' | 'insecure' | 'anonymous';

/** TLS settings of a router connection. */
export interface RouterOsTlsOptions {
  mode: TlsMode;
  /** PEM CA certificate(s) contents for 'verified' (when absent: Node's default CAs). */
  ca?: string | Buffer;
  /** Name to check instead of host (also sent as SNI) for 'verified'. */
  serverName?: string;
  /** SHA-256 fingerprint of the leaf certificate for 'pinned'; hex, colons/case ignored. */
  fingerprint?: string;
}

/** The router's certificate was refused (untrusted chain, wrong name, fingerprint mismatch). */
export class TlsVerificationError extends ConnectionLostError {
  override name = 'TlsVerificationError';
}

/** Options of {@link openTransport}. */
export interface TransportOptions {
  host: string;
  port: number;
  /** Absent: plain TCP. */
  tls?: RouterOsTlsOptions;
  /** Destroys the half-open socket; the promise rejects with the signal's reason (when an Error) or a TimeoutError. */
  signal?: AbortSignal;
  /** TCP keepalive initial delay; 0 disables keepalive. @default 30_000 */
  keepAliveMillis?: number;
}

/** Anonymous DH only exists up to TLS 1.2 and OpenSSL 3 hides it below security level 0. */
export const ANONYMOUS_TLS_CIPHERS = 'ADH-AES256-GCM-SHA384:@SECLEVEL=0';

/** Node/OpenSSL error codes that mean "certificate not acceptable" rather than "network failed". */
const VERIFICATION_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Normalises a SHA-256 fingerprint to 64 lower-case hex digits (colons, spaces and case ignored).
 * Throws TypeError naming `tls.fingerprint` when it is not one.
 */
export function normalizeFingerprint(fingerprint: string): string {
  const hex = fingerprint.replace(/[\s:]/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new TypeError(
      `tls.fingerprint must be a SHA-256 fingerprint (64 hex digits, colons allowed); got ${hex.length} characters`,
    );
  }
  return hex;
}

/** SHA-256 of a DER certificate, as upper-case colon-separated hex (the `openssl x509 -fingerprint` form). */
export function certificateFingerprint(der: Buffer): string {
  return formatFingerprint(createHash('sha256').update(der).digest('hex'));
}

function formatFingerprint(hex: string): string {
  return (hex.toUpperCase().match(/../g) ?? []).join(':');
}

function endpoint(options: TransportOptions): string {
  return `${options.host}:${options.port}`;
}

/** Checks the TLS options that must be present for the chosen mode, before any I/O. */
export function validateTlsOptions(options: RouterOsTlsOptions): void {
  const modes: readonly TlsMode[] = ['verified', 'pinned', 'insecure', 'anonymous'];
  if (!modes.includes(options.mode)) {
    throw new TypeError(`tls.mode must be one of ${modes.join(', ')}; got ${JSON.stringify(options.mode)}`);
  }
  if (options.mode === 'pinned') {
    if (options.fingerprint === undefined) throw new TypeError('tls.fingerprint is required when tls.mode is "pinned"');
    normalizeFingerprint(options.fingerprint);
  }
}

function tlsConnectOptions(options: TransportOptions, settings: RouterOsTlsOptions): tls.ConnectionOptions {
  const base: tls.ConnectionOptions = { host: options.host, port: options.port };
  // RFC 6066 forbids IP addresses as SNI; Node warns when given one.
  const sni = (name: string): string | undefined => (isIP(name) === 0 ? name : undefined);
  switch (settings.mode) {
    case 'verified': {
      const name = settings.serverName ?? options.host;
      return {
        ...base,
        servername: sni(name),
        ca: settings.ca,
        rejectUnauthorized: true,
        minVersion: 'TLSv1.2',
        checkServerIdentity: (_host, certificate) => tls.checkServerIdentity(name, certificate),
      };
    }
    case 'pinned':
    case 'insecure':
      return { ...base, servername: sni(settings.serverName ?? options.host), rejectUnauthorized: false };
    case 'anonymous':
      return { ...base, ciphers: ANONYMOUS_TLS_CIPHERS, maxVersion: 'TLSv1.2', rejectUnauthorized: false };
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

function isVerificationError(error: unknown): boolean {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  return code !== undefined && VERIFICATION_CODES.has(code);
}

/**
 * Connects and, for TLS, completes the handshake and the trust check of the chosen mode.
 * Resolves with a socket that has an 'error' listener (no-op) attached, so a late error can never
 * crash the process; the caller attaches its own 'error'/'close' handling right away.
 * Rejects with ConnectionLostError (TlsVerificationError for refused certificates) or, on abort,
 * with the signal's reason.
 */
export function openTransport(options: TransportOptions): Promise<Socket> {
  const { tls: settings, signal } = options;
  if (settings) validateTlsOptions(settings);
  if (signal?.aborted) return Promise.reject(abortReason(signal, options));

  return new Promise<Socket>((resolve, reject) => {
    const socket: Socket = settings ? tls.connect(tlsConnectOptions(options, settings)) : new Socket();
    const readyEvent = settings ? 'secureConnect' : 'connect';
    let settled = false;

    const cleanup = (): void => {
      socket.off(readyEvent, onReady);
      socket.off('error', onError);
      socket.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onError = (error: Error): void => {
      if (isVerificationError(error)) {
        fail(new TlsVerificationError(`TLS certificate of ${endpoint(options)} refused: ${describeError(error)}`, { cause: error }));
      } else if (settings) {
        fail(new ConnectionLostError(`cannot open TLS connection to ${endpoint(options)}: ${describeError(error)}`, { cause: error }));
      } else {
        fail(new ConnectionLostError(`cannot connect to ${endpoint(options)}: ${describeError(error)}`, { cause: error }));
      }
    };
    const onClose = (): void => fail(new ConnectionLostError(`connection to ${endpoint(options)} closed during connect`));
    const onAbort = (): void => fail(abortReason(signal!, options));
    const onReady = (): void => {
      if (settled) return;
      if (settings?.mode === 'pinned') {
        const problem = checkPin(socket as tls.TLSSocket, settings.fingerprint ?? '', options);
        if (problem) return fail(problem);
      }
      settled = true;
      cleanup();
      // Keep a listener for the socket's whole life: an 'error' without one throws.
      socket.on('error', () => {});
      socket.setNoDelay(true);
      const keepAlive = options.keepAliveMillis ?? 30_000;
      if (keepAlive > 0) socket.setKeepAlive(true, keepAlive);
      resolve(socket);
    };

    socket.on(readyEvent, onReady);
    socket.on('error', onError);
    socket.on('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (!settings) socket.connect({ host: options.host, port: options.port });
  });
}

function checkPin(socket: tls.TLSSocket, fingerprint: string, options: TransportOptions): Error | undefined {
  const expected = formatFingerprint(normalizeFingerprint(fingerprint));
  const certificate = socket.getPeerCertificate();
  const raw = certificate && 'raw' in certificate ? certificate.raw : undefined;
  if (!raw || raw.length === 0) {
    return new TlsVerificationError(`TLS endpoint ${endpoint(options)} presented no certificate; expected fingerprint ${expected}`);
  }
  const got = certificateFingerprint(raw);
  if (got !== expected) {
    return new TlsVerificationError(
      `TLS certificate fingerprint mismatch for ${endpoint(options)}: expected ${expected}, got ${got}`,
    );
  }
  return undefined;
}

function abortReason(signal: AbortSignal, options: TransportOptions): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new TimeoutError(`connecting to ${endpoint(options)} was aborted`);
}
