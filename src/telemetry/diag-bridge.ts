/**
 * Routes OpenTelemetry diagnostics at error level (failed OTLP exports, collection errors) to the agent's
 * logger. The SDK reports those only through the global `diag` logger, which is process-wide, so one bridge
 * logger is installed and fans messages out to the subscribed Telemetry instances.
 */
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';

type DiagSink = (message: string) => void;

const sinks = new Set<DiagSink>();
let installed = false;

const noop = (): void => {};

const bridgeLogger: DiagLogger = {
  error(message: string, ...args: unknown[]): void {
    const text = formatDiagMessage(message, args);
    for (const sink of sinks) {
      try {
        sink(text);
      } catch {
        // A failing log sink must not break the SDK code that reported the error.
      }
    }
  },
  warn: noop,
  info: noop,
  debug: noop,
  verbose: noop,
};

/**
 * Subscribes to diag errors; returns the unsubscribe function. The bridge replaces any global diag logger
 * while at least one subscriber exists and disables diag when the last one leaves.
 */
export function subscribeDiagErrors(sink: DiagSink): () => void {
  sinks.add(sink);
  if (!installed) {
    diag.setLogger(bridgeLogger, { logLevel: DiagLogLevel.ERROR, suppressOverrideMessage: true });
    installed = true;
  }
  return () => {
    if (!sinks.delete(sink)) return;
    if (sinks.size === 0 && installed) {
      diag.disable();
      installed = false;
    }
  };
}

const MAX_MESSAGE_CHARS = 2000;

/** One line from a diag call: message plus its arguments, errors as `Name: message`. */
export function formatDiagMessage(message: string, args: readonly unknown[]): string {
  const parts = [unwrapStringifiedError(message), ...args.map(describeArgument)].filter((part) => part !== '');
  const text = parts.join(' ');
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}

/**
 * The SDK's default global error handler (used by the periodic OTLP reader) logs an exception as
 * `JSON.stringify` of its own properties, stack included. Keep the readable part: the message, or the
 * stack's first line.
 */
function unwrapStringifiedError(message: string): string {
  if (!message.startsWith('{')) return message;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return message;
  }
  if (parsed === null || typeof parsed !== 'object') return message;
  const record = parsed as Record<string, unknown>;
  const stackLine = typeof record['stack'] === 'string' ? record['stack'].split('\n', 1)[0] : undefined;
  const text = typeof record['message'] === 'string' && record['message'] !== '' ? record['message'] : stackLine;
  if (text === undefined) return message;
  const name = typeof record['name'] === 'string' && !text.startsWith(record['name']) ? `${record['name']}: ` : '';
  return `${name}${text}`;
}

function describeArgument(value: unknown): string {
  if (value instanceof Error) {
    const code = (value as Error & { code?: unknown }).code;
    return `${value.name}: ${value.message}${typeof code === 'string' ? ` (${code})` : ''}`;
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === undefined || value === null) return '';
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '[unserialisable]';
  }
}

/** Options of {@link DiagReporter}. */
export interface DiagReporterOptions {
  readonly onError: (message: string) => void;
  /** Strings that must never reach a log line (OTLP header values, URL credentials). */
  readonly secrets: readonly string[];
  /**
   * The same message is passed on at most once per window; repeats are counted and mentioned next time.
   * @default 300000
   */
  readonly repeatWindowMillis?: number;
  /** @default Date.now */
  readonly nowMillis?: () => number;
}

/** Redacts secrets and suppresses repeats before a message reaches the agent's logger. */
export class DiagReporter {
  private readonly _onError: (message: string) => void;
  private readonly _secrets: readonly string[];
  private readonly _windowMillis: number;
  private readonly _nowMillis: () => number;
  private readonly _recent = new Map<string, { sinceMillis: number; suppressed: number }>();

  constructor(options: DiagReporterOptions) {
    this._onError = options.onError;
    // Longest first, so a secret that contains another is replaced whole.
    this._secrets = [...new Set(options.secrets.filter((secret) => secret.length >= 3))].sort((a, b) => b.length - a.length);
    this._windowMillis = options.repeatWindowMillis ?? 300_000;
    this._nowMillis = options.nowMillis ?? Date.now;
  }

  report(message: string): void {
    const text = this.redact(message);
    const now = this._nowMillis();
    const recent = this._recent.get(text);
    if (recent !== undefined && now - recent.sinceMillis < this._windowMillis) {
      recent.suppressed += 1;
      return;
    }
    const suffix = recent !== undefined && recent.suppressed > 0 ? ` (repeated ${recent.suppressed} times since)` : '';
    this._recent.set(text, { sinceMillis: now, suppressed: 0 });
    if (this._recent.size > 100) this._prune(now);
    try {
      this._onError(text + suffix);
    } catch {
      // The logger's own failure is not ours to handle.
    }
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this._secrets) {
      if (result.includes(secret)) result = result.split(secret).join('<redacted>');
    }
    return result;
  }

  private _prune(now: number): void {
    for (const [text, entry] of this._recent) {
      if (now - entry.sinceMillis >= this._windowMillis) this._recent.delete(text);
    }
    // A flood of distinct messages: forget them all rather than grow without bound.
    if (this._recent.size > 1000) this._recent.clear();
  }
}
