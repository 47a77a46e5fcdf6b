/**
 * The agent's one logger (pino). JSON lines by default, with the level as a name (`"level":"info"`,
 * what log shippers and `jq` filters expect); logfmt lines (`level=info msg="…"`, for Loki and grep); readable
 * lines when the format is `pretty`, or `auto` on a TTY. Pretty printing runs in-process and synchronously (no worker
 * transport) so nothing is lost when the process exits. Secrets are kept out of log calls by
 * design; the `redact` paths are a second line of defence.
 */
import { pino, stdTimeFunctions } from 'pino';
import PinoPretty from 'pino-pretty';
import type { LogConfig } from './config/types.js';

/** The logger type every module takes. */
export type Logger = pino.Logger;

/** What replaces a redacted value in log lines. */
export const LOG_REDACTED = '<redacted>';

const SECRET_KEYS = [
  'password',
  'passwd',
  'token',
  'bearerToken',
  'bearer_token',
  'secret',
  'headers',
  'authorization',
  'Authorization',
  'cookie',
  'basicUsers',
  'basic_users',
];

/** pino redact paths: each secret key at the top level and up to three levels down. */
export const REDACT_PATHS: readonly string[] = SECRET_KEYS.flatMap((key) => [
  key,
  `*.${key}`,
  `*.*.${key}`,
  `*.*.*.${key}`,
]);

/** Whether `auto` should pick the readable format for this destination. */
function isTty(destination: NodeJS.WritableStream): boolean {
  return (destination as NodeJS.WritableStream & { isTTY?: boolean }).isTTY === true;
}

/**
 * Creates the logger. `destination` defaults to stdout (synchronous for files and pipes on
 * POSIX, so the last lines before an exit are written).
 */
export function createLogger(config: LogConfig, destination: NodeJS.WritableStream = process.stdout): Logger {
  const pretty = config.format === 'pretty' || (config.format === 'auto' && isTty(destination));
  const options: pino.LoggerOptions = {
    level: config.level,
    redact: { paths: [...REDACT_PATHS], censor: LOG_REDACTED },
    timestamp: stdTimeFunctions.isoTime,
    base: { pid: process.pid },
  };
  // pino-pretty reads pino's numeric levels; the machine formats get the name.
  const named: pino.LoggerOptions = { ...options, formatters: { level: (label: string) => ({ level: label }) } };
  if (config.format === 'logfmt') {
    return pino(named, { write: (line: string) => void destination.write(toLogfmt(line)) });
  }
  if (!pretty) return pino(named, { write: (line: string) => void destination.write(line) });
  const format = PinoPretty.prettyFactory({
    colorize: isTty(destination),
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
    ignore: 'pid,hostname',
    singleLine: false,
  });
  return pino(options, { write: (line: string) => void destination.write(format(line)) });
}

/**
 * One pino JSON line as a logfmt line: `time`, `level` and `msg` first, then the other keys in order; nested
 * values as compact JSON. Values are quoted when they hold a space, `=`, a quote or nothing (the quoting of
 * go-logfmt, which Loki's `| logfmt` parser reads).
 */
export function toLogfmt(jsonLine: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return `msg=${logfmtValue(jsonLine.trim())}\n`;
  }
  const first = ['time', 'level', 'msg'].filter((key) => key in entry);
  const keys = [...first, ...Object.keys(entry).filter((key) => !first.includes(key))];
  return `${keys.map((key) => `${logfmtKey(key)}=${logfmtValue(entry[key])}`).join(' ')}\n`;
}

function logfmtKey(key: string): string {
  return key.replace(/[^A-Za-z0-9_.-]/g, '_') || '_';
}

function logfmtValue(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  return text === '' || /[\s="\\]/.test(text) || /[^\x21-\x7e]/.test(text) ? JSON.stringify(text) : text;
}
