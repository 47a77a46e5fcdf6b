/** TTL expiry of pushed apps, and a polled endpoint that fails and recovers, over real HTTP. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchExposition } from '../../../src/sources/relay/poll.js';
import { type RelayHarness, counterValue, push, seriesLines, startRelay } from './helpers.js';
import { waitFor } from '../routeros/poller/helpers/engine-fixtures.js';

let relay: RelayHarness | undefined;
let server: Server | undefined;
afterEach(async () => {
  await relay?.close();
  relay = undefined;
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('relay expiry and polling', () => {
  it('drops an app silent for longer than stale_after, and frees its families for other types', async () => {
    let now = 1_000_000;
    relay = await startRelay({ receiver: { stale_after: '5m' } }, () => now);
    expect(await push(relay.tcp, JSON.stringify({ old: '# TYPE m counter\nm 1', fresh: 'f 1' }))).toBe('{"ok":true}\n');
    expect(JSON.parse(await push(relay.tcp, JSON.stringify({ other: '# TYPE m_total gauge\nm_total 3' })))).toMatchObject({ ok: false });
    now += 200_000;
    expect(await push(relay.tcp, JSON.stringify({ fresh: 'f 2' }))).toBe('{"ok":true}\n');
    now += 100_001;
    relay.source.sweep();
    expect(seriesLines(relay.source)).toEqual(['f{app="fresh"} 2']);
    expect(counterValue(relay.source, 'relay.apps.expired', {})).toBe(1);
    expect(counterValue(relay.source, 'relay.apps', {})).toBe(1);
    // m (m_total on /metrics) was a counter of the expired app only: another app may now push m_total as a gauge.
    expect(await push(relay.tcp, JSON.stringify({ other: '# TYPE m_total gauge\nm_total 3' }))).toBe('{"ok":true}\n');
  });

  it('polls an endpoint at once, shows its failure, recovers, and drops its data after its own stale_after', async () => {
    let healthy = false;
    const base = await serve((req, res) => {
      if (!healthy) {
        res.writeHead(503).end('down');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('# TYPE polled_value gauge\npolled_value{k="v"} 7 1395066363000\n');
    });
    let offset = 0;
    relay = await startRelay({
      poll_external: {
        poll_other_scrape_endpoints: true,
        other_scrape_endpoints: [{ url: `${base}/metrics`, app: 'exporter' }],
        poll_interval: '100ms',
        stale_after: '1m',
      },
    }, () => Date.now() + offset);
    await relay.source.whenFirstRoundDone();
    const target = () => relay!.source.snapshots().find((snapshot) => snapshot.name === 'exporter')!;
    expect(target().up).toBe(false);
    expect(target().collectors.get('scrape')).toMatchObject({ status: 'error', error: 'HTTP 503 (only 200 counts)' });
    healthy = true;
    await waitFor('the endpoint to recover', () => target().up);
    expect(target().collectors.get('scrape')?.status).toBe('ok');
    expect(seriesLines(relay.source)).toEqual(['polled_value{app="exporter",k="v"} 7']);
    expect(relay.source.store.rows()[0]?.source).toBe(`external_poll: ${base}/metrics`);
    // Failing again: the last good data stays until stale_after, the scrape collector says it failed.
    healthy = false;
    await waitFor('the failure to show', () => target().collectors.get('scrape')?.status === 'error');
    expect(target().up).toBe(true);
    expect(target().consecutiveFailures).toBeGreaterThan(0);
    offset = 60_001;
    relay.source.sweep();
    expect(target().up).toBe(false);
    expect(seriesLines(relay.source)).toEqual([]);
  });

  it('keeps the histograms and summaries of a polled OpenMetrics endpoint', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/openmetrics-text; version=1.0.0' }).end(
        [
          '# TYPE req_seconds histogram',
          'req_seconds_bucket{le="0.5"} 1',
          'req_seconds_bucket{le="+Inf"} 3',
          'req_seconds_sum 4.5',
          'req_seconds_count 3',
          'req_seconds_created 1700000000',
          '# TYPE size summary',
          'size{quantile="0.9"} 12',
          'size_sum 20',
          'size_count 4',
          '# EOF',
          '',
        ].join('\n'),
      );
    });
    relay = await startRelay({
      poll_external: { poll_other_scrape_endpoints: true, other_scrape_endpoints: [{ url: `${base}/metrics`, app: 'om' }], poll_interval: '1h' },
    });
    await relay.source.whenFirstRoundDone();
    expect(seriesLines(relay.source)).toEqual([
      'req_seconds{app="om"} 3 {"type":"histogram","bounds":[0.5],"counts":[1,3],"count":3,"sum":4.5}',
      'size{app="om"} 4 {"type":"summary","quantiles":[{"quantile":0.9,"value":12}],"count":4,"sum":20}',
    ]);
  });

  it('polls at once (after a jitter under a second), not after poll_interval as exporter-proxy did', async () => {
    let polls = 0;
    const base = await serve((_req, res) => {
      polls += 1;
      res.writeHead(200).end('up_now 1\n');
    });
    relay = await startRelay({
      poll_external: { poll_other_scrape_endpoints: true, other_scrape_endpoints: [`${base}/a`, `${base}/b`], poll_interval: '1h' },
    });
    // With a one-hour interval, only an immediate first poll can finish the first round.
    await relay.source.whenFirstRoundDone();
    expect(polls).toBe(2);
    expect(relay.source.store.rows().map((row) => row.app)).toEqual([`${base}/a`, `${base}/b`]);
  });

  it('counts only 200, enforces client_timeout and the body limit, refuses bad certificates by default', async () => {
    const base = await serve((req, res) => {
      if (req.url === '/slow') return; // never answers
      if (req.url === '/big') {
        res.writeHead(200).end('x'.repeat(2048));
        return;
      }
      res.writeHead(req.url === '/204' ? 204 : 200).end('ok 1\n');
    });
    const options = { timeoutMillis: 200, maxBodyBytes: 1024, allowInvalidCerts: false };
    expect(await fetchExposition(`${base}/ok`, options)).toMatchObject({ ok: true, body: 'ok 1\n' });
    expect(await fetchExposition(`${base}/204`, options)).toMatchObject({ ok: false, error: 'HTTP 204 (only 200 counts)' });
    expect(await fetchExposition(`${base}/slow`, options)).toMatchObject({ ok: false, error: 'no complete answer within client_timeout (200ms)' });
    expect(await fetchExposition(`${base}/big`, options)).toMatchObject({ ok: false, error: expect.stringMatching(/exceeds the limit \(1KiB\)/) as unknown });
    expect(await fetchExposition('http://127.0.0.1:1/', options)).toMatchObject({ ok: false, error: 'ECONNREFUSED' });
  });
});
