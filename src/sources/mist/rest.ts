/**
 * The Mist REST client: `Authorization: Token <key>`, pagination through `page`/`limit` and the
 * `X-Page-*` headers, 429 answered by waiting `Retry-After`, and a call budget per key. Mist allows
 * 5,000 calls per hour per account, reset on the hour (Mist API documentation, "Rate limiting"),
 * so the client never spends more than that and reports what is left. Errors never carry the key.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/** Mist's documented hourly limit per account. */
export const MIST_HOURLY_BUDGET = 5_000;
const HOUR_MILLIS = 3_600_000;
/** How many times a call is retried after a 429 before it fails. */
const MAX_429_RETRIES = 2;
/** Page size asked for; Mist's default limit is undocumented. */
const PAGE_LIMIT = 100;

/** The key was refused (401/403): the organisation is down until it is fixed. */
export class MistAuthError extends Error {
  override name = 'MistAuthError';
}

/** Any other REST failure (status, transport, timeout, body, budget). */
export class MistRestError extends Error {
  override name = 'MistRestError';
}

/** The hourly budget of one key, shared by every organisation that uses it. */
export class CallBudget {
  private _hour = -1;
  private _used = 0;
  /** The server asked us to wait until then (429 Retry-After). */
  blockedUntil = 0;

  constructor(
    readonly limit: number,
    private readonly _clock: () => number,
  ) {}

  private roll(): void {
    const hour = Math.floor(this._clock() / HOUR_MILLIS);
    if (hour !== this._hour) {
      this._hour = hour;
      this._used = 0;
    }
  }

  get remaining(): number {
    this.roll();
    return Math.max(0, this.limit - this._used);
  }

  /** Takes one call; false when the hour's budget is spent. */
  take(): boolean {
    this.roll();
    if (this._used >= this.limit) return false;
    this._used += 1;
    return true;
  }

  /** Milliseconds until the budget refills. */
  millisToReset(): number {
    return HOUR_MILLIS - (this._clock() % HOUR_MILLIS);
  }
}

const BUDGETS = new Map<string, CallBudget>();

/** The budget of a key (by its hash: the key itself is not kept as a map key). */
export function budgetFor(apiKey: string, limit: number, clock: () => number): CallBudget {
  const id = `${createHash('sha256').update(apiKey).digest('hex')}:${limit}`;
  let budget = BUDGETS.get(id);
  if (budget === undefined) {
    budget = new CallBudget(limit, clock);
    BUDGETS.set(id, budget);
  }
  return budget;
}

export interface RestClientOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly timeoutMillis: number;
  readonly budget: CallBudget;
  /** Counts every call by endpoint template and status (or `error`). */
  readonly onRequest: (endpoint: string, code: string) => void;
  /** Upper bound of one Retry-After wait, so a wild header cannot park the client for hours. */
  readonly maxRetryAfterMillis?: number;
}

export interface RestResponse {
  readonly body: unknown;
  readonly headers: Headers;
}

/** Seconds or an HTTP date (RFC 9110 §10.2.3) → milliseconds from now; default 1 s when unreadable. */
export function retryAfterMillis(value: string | null, now: number): number {
  if (value === null || value.trim() === '') return 1_000;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1_000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : 1_000;
}

export class MistRestClient {
  constructor(private readonly _options: RestClientOptions) {}

  /** One GET. `endpoint` is the path template for the self-metric (`/orgs/{org_id}/sites`). */
  async get(path: string, endpoint: string, signal: AbortSignal, query: Record<string, string> = {}): Promise<RestResponse> {
    const { budget } = this._options;
    for (let attempt = 0; ; attempt += 1) {
      const wait = budget.blockedUntil - Date.now();
      if (wait > 0) await sleep(wait, undefined, { signal });
      if (!budget.take()) {
        this._options.onRequest(endpoint, 'budget_exhausted');
        throw new MistRestError(`GET ${endpoint}: the hourly budget of ${budget.limit} calls is spent; it refills in ${Math.ceil(budget.millisToReset() / 1000)} s`);
      }
      const url = new URL(`${this._options.baseUrl}/api/v1${path}`);
      for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
      let response: Response;
      try {
        response = await fetch(url, {
          headers: { Authorization: `Token ${this._options.apiKey}`, Accept: 'application/json' },
          signal: AbortSignal.any([signal, AbortSignal.timeout(this._options.timeoutMillis)]),
        });
      } catch (error) {
        if (signal.aborted) throw error;
        const timedOut = error instanceof Error && error.name === 'TimeoutError';
        this._options.onRequest(endpoint, timedOut ? 'timeout' : 'error');
        throw new MistRestError(`GET ${endpoint}: ${timedOut ? `no answer within ${this._options.timeoutMillis} ms` : transportError(error)}`);
      }
      this._options.onRequest(endpoint, String(response.status));
      if (response.status === 429 && attempt < MAX_429_RETRIES) {
        await response.body?.cancel();
        const delay = Math.min(retryAfterMillis(response.headers.get('retry-after'), Date.now()), this._options.maxRetryAfterMillis ?? 300_000);
        budget.blockedUntil = Math.max(budget.blockedUntil, Date.now() + delay);
        continue;
      }
      const text = await readText(response, signal, endpoint);
      if (response.status === 401 || response.status === 403) {
        throw new MistAuthError(`GET ${endpoint}: the API key was refused (HTTP ${response.status}${detail(text)})`);
      }
      if (response.status !== 200) throw new MistRestError(`GET ${endpoint}: HTTP ${response.status}${detail(text)}`);
      try {
        return { body: JSON.parse(text) as unknown, headers: response.headers };
      } catch {
        throw new MistRestError(`GET ${endpoint}: the body is not JSON`);
      }
    }
  }

  /**
   * Every page of a list endpoint. Mist pages with `page` (from 1) and `limit` and reports
   * `X-Page-Total`; without the headers the first answer is the whole list.
   */
  async getAll(path: string, endpoint: string, signal: AbortSignal): Promise<unknown[]> {
    const items: unknown[] = [];
    for (let page = 1; page <= 1_000; page += 1) {
      const { body, headers } = await this.get(path, endpoint, signal, { limit: String(PAGE_LIMIT), page: String(page) });
      const list = Array.isArray(body) ? body : Array.isArray((body as { results?: unknown } | null)?.results) ? (body as { results: unknown[] }).results : undefined;
      if (list === undefined) throw new MistRestError(`GET ${endpoint}: the body is not a list`);
      items.push(...list);
      const total = Number(headers.get('x-page-total'));
      const limit = Number(headers.get('x-page-limit') ?? PAGE_LIMIT);
      if (!Number.isFinite(total) || headers.get('x-page-total') === null || list.length === 0) break;
      if (page * limit >= total) break;
    }
    return items;
  }
}

async function readText(response: Response, signal: AbortSignal, endpoint: string): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    if (signal.aborted) throw error;
    throw new MistRestError(`GET ${endpoint}: the body broke off (${transportError(error)})`);
  }
}

/** Mist's error envelope `{"detail": "..."}`, shortened; never the request. */
function detail(text: string): string {
  try {
    const parsed = JSON.parse(text) as { detail?: unknown };
    if (typeof parsed.detail === 'string') return `: ${parsed.detail.slice(0, 200)}`;
  } catch {
    // Not the envelope: the status says enough.
  }
  return '';
}

function transportError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
