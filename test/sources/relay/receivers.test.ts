/**
 * The push receivers over real sockets: the seed's fixtures byte for byte over TCP and the Unix
 * socket, as JSON and as Cap'n Proto written by the reference implementation; replace semantics,
 * rejections, auth and limits, with the one-line acknowledgement.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeMessage } from '../../../src/sources/relay/capnp.js';
import { RelaySource } from '../../../src/sources/relay/source.js';
import { captureLogger } from '../routeros/poller/helpers/engine-fixtures.js';
import { type RelayHarness, counterValue, push, relayConfig, seriesLines, startRelay } from './helpers.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/relay/${name}`, import.meta.url));
const OK = '{"ok":true}\n';

let relay: RelayHarness | undefined;
afterEach(async () => {
  await relay?.close();
  relay = undefined;
});

describe('relay receivers', () => {
  it.each(['tcp', 'unix'] as const)('replays json_string.json and json_array.json byte for byte over %s', async (transport) => {
    relay = await startRelay();
    const target = transport === 'tcp' ? relay.tcp : relay.unix;
    // json_string.json's text lacks a trailing newline: exporter-proxy glued the next app onto it.
    expect(fixture('json_string.json').toString()).toMatch(/1395066363000"\n\n}$/);
    expect(await push(target, fixture('json_string.json'))).toBe(OK);
    expect(await push(target, fixture('json_array.json'))).toBe(OK);
    expect(seriesLines(relay.source)).toEqual([
      'http_requests_total_foo_bar_app0_total{app="foo_bar_app0_metrics",method="post",code="200"} 1027',
      'http_requests_total_foo_bar_app0_total{app="foo_bar_app0_metrics",method="post",code="400"} 3',
      'http_requests_total_foo_bar_app1_total{app="foo_bar_app1_metrics",method="post",code="200"} 1027',
      'http_requests_total_foo_bar_app1_total{app="foo_bar_app1_metrics",method="post",code="400"} 3',
    ]);
    const rows = relay.source.store.rows();
    expect(rows.map((row) => [row.app, row.source])).toEqual([
      ['foo_bar_app0_metrics', transport === 'tcp' ? `127.0.0.1:${relay.tcp.port}` : relay.unix],
      ['foo_bar_app1_metrics', transport === 'tcp' ? `127.0.0.1:${relay.tcp.port}` : relay.unix],
    ]);
    // Each fixture's two samples carry a client timestamp: stripped and counted.
    expect(counterValue(relay.source, 'relay.timestamps.stripped', {})).toBe(4);
    expect(counterValue(relay.source, 'relay.pushes', { transport, format: 'json', result: 'ok' })).toBe(2);
  });

  it.each(['tcp', 'unix'] as const)('takes two Cap\'n Proto messages on one %s connection, written by capnp', async (transport) => {
    relay = await startRelay();
    const target = transport === 'tcp' ? relay.tcp : relay.unix;
    expect(await push(target, fixture('two_messages.capnp.bin'))).toBe(OK);
    expect(await push(target, fixture('multi_segment.capnp.bin'))).toBe(OK);
    expect(relay.source.store.rows().map((row) => [row.app, row.series])).toEqual([
      ['big_app', 1500],
      ['foo_bar_tcp_app0', 2],
      ['foo_bar_tcp_app1', 2],
    ]);
    expect(counterValue(relay.source, 'relay.pushes', { transport, format: 'capnp', result: 'ok' })).toBe(2);
  });

  it('takes every key of one JSON push, and a new push replaces the app\'s whole set', async () => {
    relay = await startRelay();
    const both = JSON.stringify({ a: 'x{k="1"} 1\nx{k="2"} 2\n', b: ['y 3'] });
    expect(await push(relay.tcp, both)).toBe(OK);
    expect(seriesLines(relay.source)).toEqual(['x{app="a",k="1"} 1', 'x{app="a",k="2"} 2', 'y{app="b"} 3']);
    expect(await push(relay.unix, JSON.stringify({ a: 'x{k="2"} 5' }))).toBe(OK);
    expect(seriesLines(relay.source)).toEqual(['x{app="a",k="2"} 5', 'y{app="b"} 3']);
  });

  it('rejects a push whole, with a reason, when it conflicts in type with another app or does not parse; nothing held is lost', async () => {
    relay = await startRelay();
    expect(await push(relay.tcp, JSON.stringify({ a: '# TYPE shared counter\nshared 1\n' }))).toBe(OK);
    const conflict = JSON.parse(await push(relay.tcp, JSON.stringify({ b: '# TYPE shared_total gauge\nshared_total 2\n', c: 'fine 1' }))) as { ok: boolean; error: string };
    expect(conflict).toEqual({ ok: false, error: 'app b: shared_total is a gauge here but a counter in app a' });
    // A counter leaves with _total appended (shared → shared_total), so that gauge would collide on /metrics; a
    // gauge named shared would repeat its OpenMetrics family (`shared`), which Prometheus refuses whole.
    expect(JSON.parse(await push(relay.tcp, JSON.stringify({ d: '# TYPE shared gauge\nshared 2\n' })))).toEqual({
      ok: false,
      error: 'app d: shared is a gauge here but a counter in app a',
    });
    expect(await push(relay.tcp, JSON.stringify({ d: 'other 1' }))).toBe(OK);
    const malformed = JSON.parse(await push(relay.tcp, JSON.stringify({ a: 'shared 2\nbroken{ 1' }))) as { ok: boolean; error: string };
    expect(malformed.ok).toBe(false);
    expect(malformed.error).toMatch(/^app a: line 2: /);
    expect(JSON.parse(await push(relay.tcp, '{"relay": "x 1"}'))).toEqual({ ok: false, error: "app name relay is taken by the relay's own target" });
    expect(JSON.parse(await push(relay.tcp, '{"a": 12}'))).toEqual({ ok: false, error: 'app a: the value must be exposition text or a list of lines' });
    expect(JSON.parse(await push(relay.tcp, '{"a": "x 1"'))).toMatchObject({ ok: false, error: expect.stringMatching(/^not valid JSON/) as unknown });
    expect(JSON.parse(await push(relay.tcp, Buffer.from([1, 0, 0, 0, 9, 9, 9, 9])))).toMatchObject({ ok: false, error: expect.stringMatching(/message 1: truncated/) as unknown });
    expect(seriesLines(relay.source)).toEqual(['shared_total{app="a"} 1', 'other{app="d"} 1']);
    expect(relay.source.store.rows().map((row) => row.app)).toEqual(['a', 'd']);
    // The app whose push failed shows when it last failed (Pushgateway's push_failure_time_seconds).
    const app = relay.source.snapshots().find((snapshot) => snapshot.name === 'a');
    const failure = app?.collectors.get('push')?.samples.find((sample) => sample.metric.name === 'push_failure_time_seconds');
    expect(failure?.value).toBeGreaterThan(0);
    expect(counterValue(relay.source, 'relay.pushes', { transport: 'tcp', format: 'json', result: 'rejected' })).toBe(4);
  });

  it('keeps histograms and summaries pushed as Cap\'n Proto, and rejects a non-cumulative one whole', async () => {
    relay = await startRelay();
    const histogram = '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 5\nh_sum 9\nh_count 5\n';
    expect(await push(relay.unix, encodeMessage({ appName: 'a', data: `${histogram}# TYPE s summary\ns{quantile="0.5"} 3\ns_sum 6\ns_count 2\n` }))).toBe(OK);
    const held = seriesLines(relay.source);
    expect(held).toEqual([
      'h{app="a"} 5 {"type":"histogram","bounds":[1],"counts":[2,5],"count":5,"sum":9}',
      's{app="a"} 2 {"type":"summary","quantiles":[{"quantile":0.5,"value":3}],"count":2,"sum":6}',
    ]);
    const broken = JSON.parse(await push(relay.tcp, encodeMessage({ appName: 'a', data: '# TYPE h histogram\nh_bucket{le="1"} 6\nh_count 5\n' })));
    expect(broken).toEqual({ ok: false, error: 'app a: histogram h: the count 5 is below the 6 of bucket le="1"' });
    expect(seriesLines(relay.source)).toEqual(held);
  });

  it('requires the token on TCP (AUTH line or "token" key), not on the Unix socket', async () => {
    relay = await startRelay({ receiver: { token: 's3cret-token' } });
    const body = JSON.stringify({ a: 'x 1' });
    expect(JSON.parse(await push(relay.tcp, body))).toMatchObject({ ok: false, error: expect.stringMatching(/needs a token/) as unknown });
    expect(JSON.parse(await push(relay.tcp, `AUTH wrong\n${body}`))).toEqual({ ok: false, error: 'wrong token' });
    expect(JSON.parse(await push(relay.tcp, encodeMessage({ appName: 'c', data: 'z 1' })))).toMatchObject({ ok: false });
    expect(await push(relay.tcp, `AUTH s3cret-token\n${body}`)).toBe(OK);
    expect(await push(relay.tcp, JSON.stringify({ token: 's3cret-token', b: 'y 2' }))).toBe(OK);
    expect(await push(relay.tcp, Buffer.concat([Buffer.from('AUTH s3cret-token\n'), encodeMessage({ appName: 'c', data: 'z 1' })]))).toBe(OK);
    expect(await push(relay.unix, JSON.stringify({ d: 'w 1' }))).toBe(OK);
    expect(relay.source.store.rows().map((row) => row.app)).toEqual(['a', 'b', 'c', 'd']);
    expect(JSON.stringify(relay.lines)).not.toContain('s3cret-token');
  });

  it('enforces max_push_bytes, max_series_per_app and read_timeout, keeping what it holds', async () => {
    relay = await startRelay({ receiver: { max_push_bytes: '2KiB', max_series_per_app: 3, read_timeout: '300ms' } });
    expect(await push(relay.tcp, JSON.stringify({ a: 'x 1' }))).toBe(OK);
    const big = JSON.stringify({ a: `${'# padding\n'.repeat(300)}x 2` });
    expect(JSON.parse(await push(relay.tcp, big))).toEqual({ ok: false, error: 'push larger than max_push_bytes (2KiB)' });
    const many = JSON.stringify({ a: 'x{i="1"} 1\nx{i="2"} 1\nx{i="3"} 1\nx{i="4"} 1' });
    expect(JSON.parse(await push(relay.unix, many))).toEqual({ ok: false, error: 'app a: 4 series exceed max_series_per_app (3)' });
    // A client that never half-closes is answered and cut after read_timeout.
    const slow = JSON.parse(await push(relay.tcp, '{"a": "x 3"}', false)) as { ok: boolean; error: string };
    expect(slow.error).toMatch(/read_timeout \(300ms\)/);
    expect(seriesLines(relay.source)).toEqual(['x{app="a"} 1']);
    expect(counterValue(relay.source, 'relay.pushes', { transport: 'tcp', format: 'unknown', result: 'timeout' })).toBe(1);
  });

  it('answers busy beyond concurrent_requests, and sets the socket mode', async () => {
    relay = await startRelay({ receiver: { concurrent_requests: 1, unix_socket_mode: '0600' } });
    expect(statSync(relay.unix).mode & 0o777).toBe(0o600);
    const holder = connect(relay.tcp.port, relay.tcp.host);
    await new Promise((resolve) => holder.once('connect', resolve));
    // The held connection is counted once the server accepted it; retry until the second is refused.
    let answer = '';
    for (let attempt = 0; attempt < 50 && !answer.includes('too many'); attempt += 1) {
      answer = await push(relay.tcp, JSON.stringify({ a: 'x 1' }));
    }
    expect(JSON.parse(answer)).toEqual({ ok: false, error: 'too many concurrent connections (concurrent_requests 1)' });
    holder.destroy();
    // A different listener has its own limit.
    expect(await push(relay.unix, JSON.stringify({ a: 'x 1' }))).toBe(OK);
  });
});

describe('relay receivers at startup', () => {
  it('names the key when it cannot listen, and never deletes a file that is not a socket', async () => {
    relay = await startRelay();
    const dir = mkdtempSync(join(tmpdir(), 'relay-start-'));
    try {
      const busy = new RelaySource({
        config: relayConfig({ receiver: { receiver_tcp_socket: `127.0.0.1:${relay.tcp.port}`, receive_on_unix_socket: false } }, dir),
        logger: captureLogger().logger,
      });
      await expect(busy.start()).rejects.toThrow(`cannot listen on relay.receiver.receiver_tcp_socket 127.0.0.1:${relay.tcp.port} (EADDRINUSE)`);
      await busy.stop();
      const file = join(dir, 'not-a-socket');
      writeFileSync(file, 'keep me');
      const clobber = new RelaySource({
        config: relayConfig({ receiver: { receive_on_tcp_socket: false, receiver_unix_socket: file } }, dir),
        logger: captureLogger().logger,
      });
      await expect(clobber.start()).rejects.toThrow(`relay.receiver.receiver_unix_socket: ${file} exists and is not a socket`);
      await clobber.stop();
      expect(readFileSync(file, 'utf8')).toBe('keep me');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
