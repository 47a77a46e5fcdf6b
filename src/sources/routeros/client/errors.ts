/**
 * Typed errors of the RouterOS API client. Each class has one meaning so callers can
 * branch on `instanceof` (for instance: never retry an AuthenticationError in a tight loop).
 */

/** Base class of every error the RouterOS client raises. */
export class RouterOsError extends Error {
  override name = 'RouterOsError';
}

/** The router refused the credentials (`invalid user name or password (6)`, `cannot log in`). */
export class AuthenticationError extends RouterOsError {
  override name = 'AuthenticationError';
}

/** Trap text RouterOS uses when a menu or package is absent on this router. */
const MISSING_FEATURE = /no such command prefix|no such command or directory/i;

/** A `!trap` reply: the command failed, the connection is still usable. */
export class TrapError extends RouterOsError {
  override name = 'TrapError';
  constructor(
    message: string,
    /** RouterOS trap category (0 missing item or command … 7 :return), when the router sent one. */
    readonly category: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** True when the trap means "this feature is absent on this router" (missing menu or package). */
  get isMissingFeature(): boolean {
    return MISSING_FEATURE.test(this.message);
  }
}

/** A `!fatal` reply: the router is closing the connection. */
export class FatalError extends RouterOsError {
  override name = 'FatalError';
  constructor(readonly reason: string, options?: ErrorOptions) {
    super(`router sent !fatal: ${reason}`, options);
  }
}

/** A connect, login or command deadline passed, or the command was aborted. */
export class TimeoutError extends RouterOsError {
  override name = 'TimeoutError';
}

/** The connection closed, reset or could not be opened. */
export class ConnectionLostError extends RouterOsError {
  override name = 'ConnectionLostError';
}

/** The peer sent bytes that are not the RouterOS API protocol. Only that connection is closed. */
export class ProtocolError extends RouterOsError {
  override name = 'ProtocolError';
}

/**
 * A reply grew past the client's `maxReplyBytes`. The command is cancelled; the connection stays
 * usable, so only the collector that asked fails.
 */
export class ReplyTooLargeError extends RouterOsError {
  override name = 'ReplyTooLargeError';
}
