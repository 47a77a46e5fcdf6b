/**
 * Request authentication for the agent's HTTP server: basic auth against bcrypt hashes and/or one bearer
 * token. bcrypt is deliberately slow (tens of ms in pure JS), so successful verifications are cached by a
 * SHA-256 of the Authorization header: a scraper sending the same header every 15 s costs one bcrypt run.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { ServerAuthConfig } from '../config/types.js';

/** Outcome of {@link Authenticator.check}. `busy`: too many bcrypt verifications in flight (answer 429). */
export type AuthResult = 'ok' | 'denied' | 'busy';

/** Options of {@link Authenticator}. */
export interface AuthenticatorOptions {
  readonly config: ServerAuthConfig;
  /**
   * Successful basic-auth verifications remembered.
   * @default 128
   */
  readonly cacheSize?: number;
  /**
   * How long a cached verification holds.
   * @default 600000
   */
  readonly cacheTtlMillis?: number;
  /**
   * bcrypt verifications running at once; more get `busy`, so password guessing cannot pin the CPU.
   * @default 4
   */
  readonly maxConcurrentVerifications?: number;
  /** @default Date.now */
  readonly nowMillis?: () => number;
}

const REALM = 'mikrotik-otel-agent';

/** Checks Authorization headers. Never logs or returns credentials. */
export class Authenticator {
  private readonly _users: ReadonlyMap<string, string>;
  private readonly _tokenDigest: Buffer | undefined;
  private readonly _openPaths: ReadonlySet<string>;
  private readonly _cache = new Map<string, number>();
  private readonly _cacheSize: number;
  private readonly _cacheTtlMillis: number;
  private readonly _maxVerifications: number;
  private readonly _nowMillis: () => number;
  private _verifications = 0;

  constructor(options: AuthenticatorOptions) {
    const { config } = options;
    this._users = new Map(Object.entries(config.basicUsers));
    this._tokenDigest = config.bearerToken === '' ? undefined : sha256(config.bearerToken);
    this._openPaths = new Set(config.openPaths);
    this._cacheSize = options.cacheSize ?? 128;
    this._cacheTtlMillis = options.cacheTtlMillis ?? 600_000;
    this._maxVerifications = options.maxConcurrentVerifications ?? 4;
    this._nowMillis = options.nowMillis ?? Date.now;
  }

  /** False when neither users nor a token are configured: everything is open. */
  get enabled(): boolean {
    return this._users.size > 0 || this._tokenDigest !== undefined;
  }

  isOpenPath(path: string): boolean {
    return !this.enabled || this._openPaths.has(path);
  }

  /** `WWW-Authenticate` challenges for a 401, one per accepted scheme. */
  challenges(): string[] {
    const challenges: string[] = [];
    if (this._users.size > 0) challenges.push(`Basic realm="${REALM}", charset="UTF-8"`);
    if (this._tokenDigest !== undefined) challenges.push(`Bearer realm="${REALM}"`);
    return challenges;
  }

  async check(header: string | undefined): Promise<AuthResult> {
    if (!this.enabled) return 'ok';
    if (header === undefined) return 'denied';
    const space = header.indexOf(' ');
    if (space === -1) return 'denied';
    const scheme = header.slice(0, space).toLowerCase();
    const credentials = header.slice(space + 1).trim();
    if (scheme === 'bearer') return this._checkBearer(credentials);
    if (scheme === 'basic') return this._checkBasic(header, credentials);
    return 'denied';
  }

  private _checkBearer(token: string): AuthResult {
    if (this._tokenDigest === undefined || token === '') return 'denied';
    // Digests have equal length, so timingSafeEqual cannot leak the token's length either.
    return timingSafeEqual(sha256(token), this._tokenDigest) ? 'ok' : 'denied';
  }

  private async _checkBasic(header: string, encoded: string): Promise<AuthResult> {
    if (this._users.size === 0) return 'denied';
    const cacheKey = sha256(header).toString('hex');
    const now = this._nowMillis();
    const cachedUntil = this._cache.get(cacheKey);
    if (cachedUntil !== undefined) {
      if (cachedUntil > now) return 'ok';
      this._cache.delete(cacheKey);
    }
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) return 'denied';
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const hash = this._users.get(user);
    if (this._verifications >= this._maxVerifications) return 'busy';
    this._verifications += 1;
    try {
      // An unknown user still costs one bcrypt run, so response time does not reveal which users exist.
      const target = hash ?? this._users.values().next().value ?? '';
      const matches = await bcrypt.compare(password, target).catch(() => false);
      if (!matches || hash === undefined) return 'denied';
    } finally {
      this._verifications -= 1;
    }
    this._remember(cacheKey, now);
    return 'ok';
  }

  private _remember(key: string, now: number): void {
    if (this._cache.size >= this._cacheSize) {
      // Oldest insertion first: Map keeps insertion order.
      const oldest = this._cache.keys().next().value;
      if (oldest !== undefined) this._cache.delete(oldest);
    }
    this._cache.set(key, now + this._cacheTtlMillis);
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
