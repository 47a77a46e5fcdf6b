/**
 * `simulate-mist` through the CLI: it serves a working organisation on the printed URLs with the
 * given key and faults, stops on SIGTERM, and rejects bad options as usage errors.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { main, type CliIo } from '../../../src/cli.js';
import { applyFaults, parseMistSimulateArgs } from '../../../src/sources/mist/simulator/command.js';
import { MistSimulator } from '../../../src/sources/mist/simulator/server.js';
import { LogCapture } from '../../reliability/helpers/harness.js';
import { until } from './helpers.js';

function io(): { io: CliIo; stdout: LogCapture; stderr: LogCapture; signal: () => void } {
  const stdout = new LogCapture();
  const stderr = new LogCapture();
  let handler: ((signal: NodeJS.Signals) => void) | undefined;
  return {
    io: {
      stdout: stdout.stream,
      stderr: stderr.stream,
      env: {},
      onSignal: (next) => {
        handler = next;
        return () => (handler = undefined);
      },
    },
    stdout,
    stderr,
    signal: () => handler?.('SIGTERM'),
  };
}

describe('simulate-mist', () => {
  it('serves the organisation on the printed base URL with its key and faults until SIGTERM', async () => {
    const cli = io();
    const exit = main(['simulate-mist', '--port', '0', '--api-key', 'cli-key', '--sites', '2', '--fault', '429:1:3'], cli.io);
    await until('the URLs', () => cli.stdout.text.includes('stream_url'));
    const baseUrl = /base_url:\s+(\S+)/.exec(cli.stdout.text)![1]!;
    expect(cli.stdout.text).toMatch(/stream_url:\s+ws:\/\/127\.0\.0\.1:\d+\/api-ws\/v1\/stream/);
    const first = await fetch(`${baseUrl}/api/v1/self`, { headers: { Authorization: 'Token cli-key' } });
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    const second = await fetch(`${baseUrl}/api/v1/self`, { headers: { Authorization: 'Token cli-key' } });
    expect(second.status).toBe(200);
    expect((await fetch(`${baseUrl}/api/v1/self`, { headers: { Authorization: 'Token other' } })).status).toBe(401);
    cli.signal();
    expect(await exit).toBe(0);
    await expect(fetch(`${baseUrl}/api/v1/self`)).rejects.toThrow();
  });

  it('sets every fault knob from its --fault value', async () => {
    const args = ['429:2:9', '503:3', 'latency:40', 'malformed-json:4', 'malformed-data:5', 'partial:6', 'fractional:7', 'ping:250', 'stall-after:1m'].flatMap((fault) => ['--fault', fault]);
    const options = parseMistSimulateArgs(args, {});
    if (typeof options === 'string') throw new Error(options);
    expect(options.stallAfterMillis).toBe(60_000);
    const simulator = await MistSimulator.start({ apiKey: 'k', periodMillis: 60_000 });
    try {
      applyFaults(simulator, options.faults);
      expect(simulator.faults).toEqual({
        rest429: { count: 2, retryAfterSeconds: 9 },
        restError: { count: 3, status: 503, match: '' },
        restMalformed: { count: 4, match: '' },
        latencyMillis: 40,
        malformedData: 5,
        partialObjects: 6,
        fractionalIntegers: 7,
        pingIntervalMillis: 250,
        refuseStream: false,
      });
    } finally {
      await simulator.stop();
    }
  });

  it('--fault drop-every drops the stream connections (close 1006) on its period', async () => {
    const cli = io();
    const exit = main(['simulate-mist', '--port', '0', '--api-key', 'cli-key', '--fault', 'drop-every:300ms'], cli.io);
    await until('the URLs', () => cli.stdout.text.includes('stream_url'));
    const streamUrl = /stream_url:\s+(\S+)/.exec(cli.stdout.text)![1]!;
    const socket = new WebSocket(streamUrl, { headers: { Authorization: 'Token cli-key' } });
    socket.on('error', () => undefined);
    const closed = new Promise<number>((resolve) => socket.on('close', (closeCode) => resolve(closeCode)));
    // Open first: a refused upgrade would close with 1006 too.
    const opened = await Promise.race([new Promise<boolean>((resolve) => socket.once('open', () => resolve(true))), closed.then(() => false)]);
    expect(opened).toBe(true);
    expect(await closed).toBe(1006);
    cli.signal();
    expect(await exit).toBe(0);
  });

  it('rejects bad options as usage errors (exit 2) naming the option', async () => {
    for (const [args, message] of [
      [['--sites', '0'], '--sites'],
      [['--fault', 'bogus:1'], 'unknown kind'],
      [['--auth-status', '500'], '--auth-status'],
      [['--period', 'soon'], '--period'],
    ] as const) {
      const cli = io();
      expect(await main(['simulate-mist', ...args], cli.io)).toBe(2);
      expect(cli.stderr.text).toContain(message);
    }
  });

  it('prints its own help', async () => {
    const cli = io();
    expect(await main(['simulate-mist', '--help'], cli.io)).toBe(0);
    expect(cli.stdout.text).toContain('--fault F');
  });
});
