/**
 * Bounded load: 200 apps push every second for a few seconds over loopback TCP and the Unix socket.
 * Every push is acknowledged, each app ends with its last push, and nothing is left over. Bounded in
 * count (200 apps × 4 rounds) and time (the test's own timeout); no speed assertion (bench/ holds those).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type RelayHarness, counterValue, push, startRelay } from './helpers.js';

const APPS = 200;
const ROUNDS = 4;

let relay: RelayHarness | undefined;
afterEach(async () => {
  await relay?.close();
  relay = undefined;
});

function body(app: number, round: number): string {
  const lines = ['# TYPE load_requests_total counter'];
  for (let series = 0; series < 10; series += 1) lines.push(`load_requests_total{code="${200 + series}"} ${round * 10 + series}`);
  lines.push('# TYPE load_in_flight gauge', `load_in_flight ${round}`);
  return JSON.stringify({ [`app-${String(app).padStart(3, '0')}`]: lines });
}

describe('relay under load', () => {
  it(`takes ${APPS} apps pushing every second`, async () => {
    relay = await startRelay();
    const started = Date.now();
    for (let round = 1; round <= ROUNDS; round += 1) {
      const roundStart = Date.now();
      const acks = await Promise.all(
        Array.from({ length: APPS }, (_, app) => push(app % 2 === 0 ? relay!.tcp : relay!.unix, body(app, round))),
      );
      expect(acks.filter((ack) => ack !== '{"ok":true}\n')).toEqual([]);
      // Pace at one push per app per second, as the apps would; a slow machine just runs late.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1_000 - (Date.now() - roundStart))));
    }
    const rows = relay.source.store.rows();
    expect(rows).toHaveLength(APPS);
    expect(rows.every((row) => row.series === 11)).toBe(true);
    const snapshot = relay.source.snapshots().find((entry) => entry.name === 'app-123')!;
    const inFlight = snapshot.collectors.get('push')!.samples.find((sample) => sample.metric.name === 'load_in_flight');
    expect(inFlight?.value).toBe(ROUNDS);
    expect(counterValue(relay.source, 'relay.pushes', { transport: 'tcp', format: 'json', result: 'ok' })).toBe((APPS / 2) * ROUNDS);
    expect(counterValue(relay.source, 'relay.pushes', { transport: 'unix', format: 'json', result: 'ok' })).toBe((APPS / 2) * ROUNDS);
    console.info(`relay load: ${APPS * ROUNDS} pushes of ${APPS} apps in ${Date.now() - started} ms (${ROUNDS} paced rounds)`);
  }, 60_000);
});
