/**
 * RouterOS API login: the plaintext method (≥ 6.43, the only one since 6.45.1) first, and the
 * legacy MD5 challenge only when the router answers it with `!done =ret=<challenge>`.
 * Spec and vectors: the RouterOS API manual (https://help.mikrotik.com/docs/spaces/ROS/pages/47579160/API)
 */
import { createHash } from 'node:crypto';
import type { CommandOptions, Row } from './api.js';
import { AuthenticationError, ProtocolError, TrapError } from './errors.js';

/** What login needs from a connection: one tagged command at a time. */
export interface LoginChannel {
  command(words: readonly string[], options?: CommandOptions): Promise<{ rows: Row[]; done: Row }>;
}

/** Credentials of a RouterOS user with the `api` (and `read`) policy. */
export interface LoginCredentials {
  username: string;
  password: string;
}

/**
 * The legacy challenge response: `00` + hex(MD5(0x00 ‖ password ‖ unhex(challenge))).
 * Throws ProtocolError when the challenge is not hex.
 */
export function challengeResponse(password: string, challengeHex: string): string {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(challengeHex)) {
    throw new ProtocolError(`login challenge is not an even-length hex string (${challengeHex.length} characters)`);
  }
  const digest = createHash('md5')
    .update(Buffer.from([0]))
    .update(Buffer.from(password, 'utf8'))
    .update(Buffer.from(challengeHex, 'hex'))
    .digest('hex');
  return `00${digest}`;
}

/** Passwords this short would redact ordinary letters from the router's text; they are never echoed by us anyway. */
const MIN_REDACTED_PASSWORD_LENGTH = 4;

/**
 * Logs in on an open connection. Resolves when the router accepted the user; rejects with
 * AuthenticationError for any `!trap` during login (bad credentials, missing `api` policy),
 * ProtocolError for a malformed challenge, and passes other errors (timeout, fatal, connection
 * lost) through. The password never appears in an error message, even if the peer echoes it.
 */
export async function login(channel: LoginChannel, credentials: LoginCredentials, options: CommandOptions = {}): Promise<void> {
  const { username, password } = credentials;
  const first = await run(channel, ['/login', `=name=${username}`, `=password=${password}`], credentials, options);
  const challenge = first.done['ret'];
  if (challenge === undefined) return;
  // Pre-6.43 routers ignore the plaintext arguments and answer with a challenge.
  const response = challengeResponse(password, challenge);
  await run(channel, ['/login', `=name=${username}`, `=response=${response}`], credentials, options);
}

async function run(
  channel: LoginChannel,
  words: readonly string[],
  credentials: LoginCredentials,
  options: CommandOptions,
): Promise<{ rows: Row[]; done: Row }> {
  try {
    return await channel.command(words, options);
  } catch (error) {
    if (error instanceof TrapError) throw authenticationErrorOf(error, credentials);
    throw error;
  }
}

function authenticationErrorOf(trap: TrapError, credentials: LoginCredentials): AuthenticationError {
  const { username, password } = credentials;
  let text = trap.message;
  if (password.length >= MIN_REDACTED_PASSWORD_LENGTH) text = text.split(password).join('<redacted>');
  // The cause is logged too: it must not carry an echoed password either.
  const cause = text === trap.message ? trap : new TrapError(text, trap.category);
  const user = JSON.stringify(username);
  if (/not allowed \(9\)/.test(text)) {
    return new AuthenticationError(`user ${user} may not use the API (missing "api" policy): ${text}`, { cause });
  }
  return new AuthenticationError(`login as ${user} refused: ${text}`, { cause });
}
