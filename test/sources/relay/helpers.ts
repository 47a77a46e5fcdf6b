/** Shared by the relay tests: a source on a temporary socket and a free port, and raw pushes. */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Problems } from '../../../src/config/errors.js';
import { parseRelay, type RelayConfig } from '../../../src/sources/relay/config.js';
import { RelaySource } from '../../../src/sources/relay/source.js';
import { captureLogger } from '../routeros/poller/helpers/engine-fixtures.js';

/** A relay config from the section's own parser (so defaults are the real ones), with a temp socket and port 0. */
export function relayConfig(raw: Record<string, unknown> = {}, dir?: string): RelayConfig {
  const problems = new Problems();
  const receiver = (raw['receiver'] ?? {}) as Record<string, unknown>;
  const config = parseRelay(
    {
      enabled: true,
      ...raw,
      receiver: {
        receiver_tcp_socket: '127.0.0.1:0',
        receiver_unix_socket: join(dir ?? tmpdir(), 'relay.sock'),
        ...receiver,
      },
    },
    {
      problems,
      baseDir: '.',
      env: {},
      substitutedPaths: new Set(),
      plainSecrets: [],
      collection: { intervalMillis: 10_000, timeoutMillis: 5_000 },
      syntaxOnly: false,
    },
  );
  problems.throwIfAny();
  return config;
}

export interface RelayHarness {
  readonly source: RelaySource;
  readonly tcp: { host: string; port: number };
  readonly unix: string;
  readonly lines: ReturnType<typeof captureLogger>['lines'];
  close(): Promise<void>;
}

export async function startRelay(raw: Record<string, unknown> = {}, now?: () => number): Promise<RelayHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'relay-test-'));
  const { logger, lines } = captureLogger();
  const source = new RelaySource({ config: relayConfig(raw, dir), logger, ...(now ? { now } : {}) });
  await source.start();
  const tcpAddress = source.addresses.tcp ?? '127.0.0.1:0';
  const [host = '', port = '0'] = tcpAddress.split(':');
  return {
    source,
    tcp: { host, port: Number(port) },
    unix: source.addresses.unix ?? '',
    lines,
    close: async () => {
      await source.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes `bytes`, half-closes, and resolves with what came back (the ack line). */
export function push(target: { host: string; port: number } | string, bytes: Buffer | string, halfClose = true): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = typeof target === 'string' ? connect(target) : connect(target.port, target.host);
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? resolve(answer) : reject(error)));
    socket.on('close', () => resolve(answer));
    socket.on('connect', () => {
      socket.write(bytes);
      if (halfClose) socket.end();
    });
  });
}

/** The series of the relay's snapshots as `name{labels} value` lines, self-metrics excluded. */
export function seriesLines(source: RelaySource): string[] {
  const out: string[] = [];
  for (const snapshot of source.snapshots()) {
    if (snapshot.name === 'relay' || !snapshot.up) continue;
    for (const state of snapshot.collectors.values()) {
      if (state.status !== 'ok') continue;
      for (const sample of state.samples) {
        if (sample.metric.name.startsWith('push_')) continue;
        const labels = Object.entries({ app: snapshot.name, ...sample.attributes }).map(([key, value]) => `${key}="${value}"`);
        const distribution = sample.distribution === undefined ? '' : ` ${JSON.stringify(sample.distribution)}`;
        out.push(`${sample.metric.name}{${labels.join(',')}} ${sample.value}${distribution}`);
      }
    }
  }
  return out;
}

export function counterValue(source: RelaySource, name: string, attributes: Record<string, string>): number {
  const self = source.snapshots().find((snapshot) => snapshot.name === 'relay');
  const samples = self?.collectors.get('receiver')?.samples ?? [];
  const sample = samples.find(
    (entry) => entry.metric.name === name && Object.entries(attributes).every(([key, value]) => entry.attributes[key] === value),
  );
  return sample?.value ?? 0;
}
