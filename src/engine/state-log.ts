/**
 * Logs a target's state changes exactly once each: up → down, down → up, a new down reason, a
 * collector starting or stopping to fail. Repeated failures in the same state stay silent, so a
 * router with wrong credentials produces one line, not one per attempt.
 */
import type { Logger } from '../log.js';
import type { CollectorState, DownReason, SourceDescriptor } from './snapshot.js';

/** The logger calls the engine makes (a pino Logger fits). */
export type EngineLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/** Details of a router going down. */
export interface DownDetails {
  readonly reason: DownReason;
  /** Secret-free error text. */
  readonly error: string;
  readonly retryInMillis: number;
}

/** Who a state log speaks of. */
export interface LoggedTarget {
  readonly source: Pick<SourceDescriptor, 'noun'>;
  readonly name: string;
  readonly address: string;
}

/** One target's state-change log. */
export class TargetStateLog {
  /** `connecting`, `up` or `down:<reason>` as last logged. */
  private _state = 'connecting';
  /** Each collector's last own outcome (router outages in between do not count). */
  private readonly _collectors = new Map<string, CollectorState>();

  private readonly _noun: string;
  private readonly _fields: Readonly<Record<string, string>>;

  constructor(
    private readonly _logger: EngineLogger,
    target: LoggedTarget,
  ) {
    this._noun = target.source.noun;
    this._fields = { [target.source.noun]: target.name };
    this._address = target.address;
  }

  private readonly _address: string;

  up(version: string | undefined): void {
    const previous = this._state;
    if (previous === 'up') return;
    this._state = 'up';
    this._logger.info(
      { ...this._fields, address: this._address, version, previous },
      previous === 'connecting' ? `${this._noun} is up` : `${this._noun} recovered`,
    );
  }

  down(details: DownDetails): void {
    const state = `down:${details.reason}`;
    if (state === this._state) return;
    this._state = state;
    const fields = { ...this._fields, address: this._address, ...details };
    if (details.reason === 'authentication_failed') {
      this._logger.error(fields, `${this._noun} rejected the credentials; retrying with a long backoff`);
    } else {
      this._logger.warn(fields, `${this._noun} is down`);
    }
  }

  collector(name: string, state: CollectorState): void {
    const previous = this._collectors.get(name);
    const before = previous?.status;
    const after = state.status;
    if (before === after && (after !== 'error' || previous?.error === state.error)) return;
    this._collectors.set(name, state);
    const fields = { ...this._fields, collector: name };
    if (after === 'error') this._logger.warn({ ...fields, error: state.error }, 'collector failed');
    else if (after === 'unsupported') this._logger.debug({ ...fields, error: state.error }, `collector not supported by this ${this._noun}`);
    else if (before === 'error') this._logger.info(fields, 'collector recovered');
  }
}
