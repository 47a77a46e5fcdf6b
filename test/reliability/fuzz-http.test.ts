/**
 * Fuzzing the agent's HTTP server over raw TCP (node:net), so requests can be as malformed as a scanner
 * or a broken proxy makes them: random methods, targets, versions, headers (CR/LF inside, duplicates,
 * oversize), bodies, bare LF line ends and truncation. The whole agent runs (in-process simulator, auth
 * with bcrypt and bearer). Every exchange must end in a sane status or a closed socket, within bounds;
 * the process must see no unhandled error; afterwards /live and an authenticated /metrics still work.
 *
 * FUZZ_RUNS (scripts/fuzz-long.sh) raises the number of runs.
 */
import { connect } from 'node:net';
import bcrypt from 'bcryptjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type Agent } from '../../src/agent.js';
import { agentConfig, CleanupStack, fuzzRuns, fuzzTimeout, httpGet, LogCapture, ProcessWatch, sleep, waitFor } from './helpers/harness.js';

/** Each run sends a batch of 1–6 raw requests at once. */
const RUNS = fuzzRuns(100);
const TIMEOUT = fuzzTimeout(RUNS, 20_000, 60);
const USER = 'prom';
const PASSWORD = 'fuzz-basic-pass';
const TOKEN = 'fuzz-bearer-token-0c4e';
const REQUEST_TIMEOUT_MILLIS = 500;
const MAX_HEADER_BYTES = 4_096;
/** An exchange that neither answers nor closes within this is a hang. */
const EXCHANGE_LIMIT_MILLIS = REQUEST_TIMEOUT_MILLIS + 2_000;
/** Final statuses a well-behaved server may give to garbage; 500 would be an internal error. */
const SANE = new Set([200, 400, 401, 404, 405, 408, 413, 414, 429, 431, 501, 503, 505]);
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

const cleanups = new CleanupStack();
const watch = new ProcessWatch();
const logs = new LogCapture();
let agent: Agent;

beforeAll(async () => {
  watch.install();
  cleanups.add(() => watch.uninstall());
  agent = await startAgent(
    agentConfig({
      server: {
        host: '127.0.0.1',
        port: 0,
        maxConcurrentScrapes: 2,
        requestTimeoutMillis: REQUEST_TIMEOUT_MILLIS,
        maxHeaderBytes: MAX_HEADER_BYTES,
        auth: { basicUsers: { [USER]: bcrypt.hashSync(PASSWORD, 4) }, bearerToken: TOKEN, openPaths: ['/live', '/ready'] },
      },
      sections: { simulator: { enabled: true, count: 1, profile: 'chr-v7-18', host: '127.0.0.1', portBase: 0 } },
    }),
    logs.logger(),
  );
  cleanups.add(() => agent.shutdown());
  await waitFor('first round', () => agent.engine.firstRoundDone, 5_000);
});
afterAll(() => cleanups.run());

/**
 * Writes `bytes` and collects the answer: until the server closes when the client half-closed after
 * writing, or until shortly after the first answer when it did not (keep-alive).
 */
function exchange(bytes: Buffer, endAfterWrite: boolean): Promise<{ data: string; closed: boolean; millis: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect({ host: agent.address.host, port: agent.address.port });
    let data = '';
    let settled = false;
    const finish = (closed: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(limit);
      socket.destroy();
      resolve({ data, closed, millis: performance.now() - started });
    };
    const limit = setTimeout(() => finish(false), EXCHANGE_LIMIT_MILLIS);
    let linger: NodeJS.Timeout | undefined;
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      // A kept-alive connection stays open after the answer; an answer is all an open socket can give.
      if (!endAfterWrite && linger === undefined) linger = setTimeout(() => finish(true), 100);
    });
    socket.on('close', () => clearTimeout(linger));
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
    socket.on('connect', () => {
      socket.write(bytes);
      if (endAfterWrite) socket.end();
    });
  });
}

// --- generators -------------------------------------------------------------------------------------

const method = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('GET', 'HEAD') },
  { weight: 2, arbitrary: fc.constantFrom('POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'PATCH', 'CONNECT', 'PRI', 'get', 'G\tET', '', 'GET GET') },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{1,12}$/) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) },
);
const target = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('/metrics', '/health', '/live', '/ready', '/') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '*', 'http://127.0.0.1/metrics', 'https://x/health', '//metrics', '/metrics?x=1&y', '/metrics#frag', '/%2e%2e/metrics',
      '/../../etc/passwd', '/live/', '/LIVE', '/metrics%00', '/\u00e9', 'metrics', '/metrics?' + '%'.repeat(30),
    ),
  },
  { weight: 2, arbitrary: fc.webPath() },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 2_000, max: 40_000 }).map((length) => `/${'a'.repeat(length)}`) },
);
const version = fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/0.9', 'http/1.1', 'HTTP/1.10', 'HTTP/1', '', 'HTTP/1.1 x');
const authorization = fc.oneof(
  fc.constant(BASIC),
  fc.constant(`Bearer ${TOKEN}`),
  fc.string({ maxLength: 40 }).map((text) => `Basic ${Buffer.from(text).toString('base64')}`),
  fc.string({ maxLength: 40 }).map((text) => `Basic ${text}`),
  fc.string({ maxLength: 40 }).map((text) => `Bearer ${text}`),
  fc.constantFrom('Basic', 'Bearer', 'Bearer ', 'Digest x', `basic ${BASIC.slice(6)}`, `BEARER ${TOKEN}`, `Basic ${Buffer.from(`${USER}:`).toString('base64')}`),
);
const header = fc.oneof(
  { weight: 3, arbitrary: authorization.map((value) => ['Authorization', value] as const) },
  { weight: 1, arbitrary: fc.constantFrom(['Host', '127.0.0.1'], ['Host', ''], ['Connection', 'keep-alive'], ['Connection', 'close'], ['Connection', 'upgrade'], ['Upgrade', 'websocket'], ['Expect', '100-continue'], ['Transfer-Encoding', 'chunked'], ['Transfer-Encoding', 'gzip, chunked'], ['Transfer-Encoding', 'x'], ['Content-Length', '0'], ['Content-Length', '-1'], ['Content-Length', '99999999999999999999'], ['Content-Length', 'abc'], ['Content-Length', '5, 6'], ['Accept-Encoding', 'gzip'], ['Accept-Encoding', 'gzip;q=0, *;q=0.5'], ['Accept-Encoding', ';;;q=abc']) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 5_000 }).map((length) => ['Content-Length', String(length)] as const) },
  { weight: 2, arbitrary: fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 60 })) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('X-Big'), fc.integer({ min: MAX_HEADER_BYTES - 200, max: 4 * MAX_HEADER_BYTES }).map((length) => 'x'.repeat(length))) },
);
const body = fc.oneof(
  fc.constant(''),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('5\r\nhello\r\n0\r\n\r\n', 'zz\r\nxx\r\n', '0\r\n\r\nGET /live HTTP/1.1\r\n\r\n', 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n'),
  fc.integer({ min: 10_000, max: 200_000 }).map((length) => 'b'.repeat(length)),
);
/** Requests that parse, with random targets, auth and options: they reach the routes. */
const plausible = fc.record({
  method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'OPTIONS'),
  target: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('/metrics', '/health', '/live', '/ready', '/') }, { weight: 1, arbitrary: target }),
  version: fc.constantFrom('HTTP/1.1', 'HTTP/1.0'),
  headers: fc.array(
    fc.oneof(
      { weight: 3, arbitrary: authorization.map((value) => ['Authorization', value] as const) },
      { weight: 2, arbitrary: fc.constantFrom(['Accept-Encoding', 'gzip'], ['Accept-Encoding', 'gzip;q=0, *;q=0.5'], ['Accept-Encoding', ';;;q=abc'], ['Accept-Encoding', 'br'], ['Host', 'x'], ['Connection', 'close'], ['If-None-Match', '*'], ['Range', 'bytes=0-10']) },
      { weight: 1, arbitrary: fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/), fc.stringMatching(/^[ -~]{0,40}$/)) },
    ),
    { maxLength: 5 },
  ),
  manyHeaders: fc.constant(0),
  lineEnd: fc.constant('\r\n'),
  body: fc.constant(''),
  cut: fc.constant(undefined),
  endAfterWrite: fc.boolean(),
});
/** Anything: broken request lines, headers, framing, sizes, truncation. */
const chaotic = fc.record({
  method,
  target,
  version,
  headers: fc.array(header, { maxLength: 8 }),
  manyHeaders: fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 50, max: 400 }) }),
  lineEnd: fc.constantFrom('\r\n', '\r\n', '\r\n', '\n', '\r'),
  body,
  cut: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) }),
  endAfterWrite: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
});
const rawRequest: fc.Arbitrary<RawRequest> = fc.oneof(plausible, chaotic);

interface RawRequest {
  readonly method: string;
  readonly target: string;
  readonly version: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly manyHeaders: number;
  readonly lineEnd: string;
  readonly body: string;
  readonly cut: number | undefined;
  readonly endAfterWrite: boolean;
}

function render(request: RawRequest): Buffer {
  const lines = [`${request.method} ${request.target} ${request.version}`.trimEnd()];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  for (let index = 0; index < request.manyHeaders; index += 1) lines.push(`X-Filler-${index}: ${index}`);
  const text = `${lines.join(request.lineEnd)}${request.lineEnd}${request.lineEnd}${request.body}`;
  const bytes = Buffer.from(text, 'latin1');
  return request.cut === undefined ? bytes : bytes.subarray(0, Math.floor(bytes.length * request.cut));
}

/** Every status line at the start of a response in `data` (pipelined answers included). */
function statuses(data: string): number[] {
  return [...data.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3})/g)].map((match) => Number(match[1]));
}

describe('HTTP server under fuzzing (raw TCP)', () => {
  it('answers every malformed request sanely or closes, never hangs, never errors', async () => {
    const seen = new Map<string, number>();
    let closedSilently = 0;
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(rawRequest, { minLength: 1, maxLength: 6 }), async (batch) => {
        const results = await Promise.all(batch.map((request) => exchange(render(request), request.endAfterWrite)));
        results.forEach(({ data, closed, millis }, index) => {
          requests += 1;
          const label = JSON.stringify(render(batch[index]!).toString('latin1').slice(0, 300));
          expect(closed, `no answer and no close within ${EXCHANGE_LIMIT_MILLIS} ms: ${label}`).toBe(true);
          expect(millis).toBeLessThan(EXCHANGE_LIMIT_MILLIS);
          if (data === '') {
            closedSilently += 1;
            return;
          }
          const found = statuses(data);
          expect(found.length, `not an HTTP response: ${JSON.stringify(data.slice(0, 120))} to ${label}`).toBeGreaterThan(0);
          for (const status of found) {
            seen.set(String(status), (seen.get(String(status)) ?? 0) + 1);
            expect(status === 100 || SANE.has(status), `status ${status} to ${label}`).toBe(true);
          }
          // Secrets never come back, not even echoed from the request.
          expect(data).not.toContain(TOKEN);
          expect(data).not.toContain(PASSWORD);
        });
      }),
      { numRuns: RUNS },
    );
    console.log(
      `HTTP fuzz: ${RUNS} batches, ${requests} raw requests; statuses ${[...seen].map(([status, count]) => `${status}×${count}`).join(', ')}; ` +
        `${closedSilently} closed without an answer`,
    );
    expect(watch.summary()).toEqual([]);
  }, TIMEOUT);

  it('still serves afterwards, and slow or parallel clients do not starve /live', async () => {
    // Slowloris: connections that send half a request and stall; they are cut at the request timeout.
    const stalling = Promise.all(
      Array.from({ length: 40 }, () => exchange(Buffer.from('GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: '), false)),
    );
    await sleep(50);
    // Probes and scrapes meanwhile.
    const probes = await Promise.all([
      ...Array.from({ length: 10 }, () => httpGet(agent.address, '/live')),
      ...Array.from({ length: 10 }, () => httpGet(agent.address, '/metrics', { headers: { authorization: BASIC } })),
    ]);
    expect(probes.slice(0, 10).every((response) => response.millis < REQUEST_TIMEOUT_MILLIS)).toBe(true);
    const stalled = await stalling;
    expect(stalled.every((result) => result.closed)).toBe(true);
    expect(stalled.every((result) => result.data === '' || statuses(result.data).every((status) => status === 408))).toBe(true);
    expect(probes.slice(0, 10).every((response) => response.status === 200)).toBe(true);
    // Two scrapes at a time are allowed; the rest are told to retry.
    expect(probes.slice(10).every((response) => response.status === 200 || response.status === 429)).toBe(true);
    expect(probes.slice(10).some((response) => response.status === 200)).toBe(true);

    const live = await httpGet(agent.address, '/live');
    expect(live.status).toBe(200);
    const metrics = await httpGet(agent.address, '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('routeros_up');
    const denied = await httpGet(agent.address, '/metrics');
    expect(denied.status).toBe(401);
    await sleep(50);
    expect(watch.summary()).toEqual([]);
    expect(logs.lines().filter((line) => line.level === 'error' || line.level === 'fatal')).toEqual([]);
  }, 20_000);
});
