/**
 * The agent's one logger (pino). JSON lines by default; readable lines when the format is
 * `pretty`, or `auto` on a TTY. Pretty printing runs in-process and synchronously (no worker
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
  if (!pretty) return pino(options, { write: (line: string) => void destination.write(line) });
  const format = PinoPretty.prettyFactory({
    colorize: isTty(destination),
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
    ignore: 'pid,hostname',
    singleLine: false,
  });
  return pino(options, { write: (line: string) => void destination.write(format(line)) });
}
