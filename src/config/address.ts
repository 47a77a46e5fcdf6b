/**
 * Target addresses (`host`, `host:port`, `[v6]:port`, bare IPv6) and listen addresses
 * (`host:port`, `[v6]:port`, `:port`).
 */
import { isIP, isIPv6 } from 'node:net';

/** A parsed address; `port` is absent when the text carried none. */
export interface HostPort {
  readonly host: string;
  readonly port?: number;
}

const HOSTNAME =
  /^(?=.{1,253}\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/** The message for a bad target address. */
export const ADDRESS_PROBLEM = 'must be host, host:port or [v6]:port';

/** The message for a bad listen address. */
export const LISTEN_PROBLEM = 'must be host:port, [v6]:port or :port (port 0-65535)';

/** An IPv4 address, an IPv6 address or an RFC 1123 host name. */
export function isValidHost(host: string): boolean {
  if (isIP(host) !== 0) return true;
  // `10.0.0.300` matches the host name grammar but is a typo, not a name.
  if (/^[\d.]+$/.test(host)) return false;
  return HOSTNAME.test(host);
}

function parsePort(text: string, allowZero: boolean): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  if (port > 65_535 || (port === 0 && !allowZero)) return undefined;
  return port;
}

/**
 * Splits `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address.
 * Returns undefined when the text is not one of those.
 */
export function parseHostPort(text: string, options: { allowZeroPort?: boolean } = {}): HostPort | undefined {
  const allowZero = options.allowZeroPort ?? false;
  const input = text.trim();
  if (input === '') return undefined;
  if (input.startsWith('[')) {
    const close = input.indexOf(']');
    if (close < 0) return undefined;
    const host = input.slice(1, close);
    if (!isIPv6(host)) return undefined;
    const rest = input.slice(close + 1);
    if (rest === '') return { host };
    if (!rest.startsWith(':')) return undefined;
    const port = parsePort(rest.slice(1), allowZero);
    return port === undefined ? undefined : { host, port };
  }
  const colons = input.split(':').length - 1;
  if (colons > 1) return isIPv6(input) ? { host: input } : undefined;
  if (colons === 1) {
    const [host = '', portText = ''] = input.split(':');
    const port = parsePort(portText, allowZero);
    if (port === undefined || !isValidHost(host)) return undefined;
    return { host, port };
  }
  return isValidHost(input) ? { host: input } : undefined;
}

/** A listen address: the port is required, an empty host means every IPv4 interface. */
export function parseListen(text: string): { host: string; port: number } | undefined {
  const input = text.trim();
  if (/^:\d+$/.test(input)) {
    const port = parsePort(input.slice(1), true);
    return port === undefined ? undefined : { host: '0.0.0.0', port };
  }
  const parsed = parseHostPort(input, { allowZeroPort: true });
  if (parsed === undefined || parsed.port === undefined) return undefined;
  return { host: parsed.host, port: parsed.port };
}

/** `host:port` with IPv6 hosts in brackets. */
export function formatHostPort(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
