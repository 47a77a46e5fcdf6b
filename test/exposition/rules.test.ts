/**
 * The producer's rules, held by the exposition on hand-made snapshots that break them on purpose, each
 * compared with the stock pipeline's text: duplicates, a name claimed by two definitions, counter values
 * that are not finite and ≥ 0, a down target, two targets of one identity, text that needs escaping.
 */
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { MetricDefinition } from '../../src/engine/metric.js';
import { okCollectorState, PackedCollectorState } from '../../src/engine/packed-samples.js';
import type { CollectorState, TargetSnapshot } from '../../src/engine/snapshot.js';
import { SnapshotExposition } from '../../src/exposition/exposition.js';
import { CPU_LOAD, RX_BYTES, collectorState, routerSnapshot, sample } from '../telemetry/fixtures.js';
import { expositionText, frozen, sdkText } from './helpers.js';

const RX_AS_GAUGE: MetricDefinition = { ...RX_BYTES, kind: 'gauge' };
const RX_COPY: MetricDefinition = { ...RX_BYTES };
const ODD: MetricDefinition = {
  name: 'routeros.odd\\name',
  kind: 'gauge',
  unit: '',
  description: 'Line one.\nLine "two" \\ end.',
  attributes: ['label.with-dots'],
};

const CASES = {
  'duplicate series within a target keep the first': [
    routerSnapshot('a', {
      interface: collectorState([sample(RX_BYTES, 1, { interface: 'e1' }), sample(RX_COPY, 2, { interface: 'e1' })]),
    }),
  ],
  'a name claimed by two definitions keeps the first target\'s definition': [
    routerSnapshot('a', { interface: collectorState([sample(RX_AS_GAUGE, 5, { interface: 'e1' })]) }),
    routerSnapshot('b', {
      interface: collectorState([sample(RX_BYTES, 1, { interface: 'e1' }), sample(RX_AS_GAUGE, 7, { interface: 'e2' })]),
    }),
  ],
  'non-finite and negative counter values are dropped, gauges keep theirs': [
    routerSnapshot('a', {
      interface: collectorState([
        sample(RX_BYTES, Number.NaN, { interface: 'e1' }),
        sample(RX_BYTES, -1, { interface: 'e2' }),
        sample(RX_BYTES, Infinity, { interface: 'e3' }),
        sample(RX_BYTES, 3, { interface: 'e4' }),
      ]),
      system: collectorState([sample(CPU_LOAD, Number.NaN), sample(CPU_LOAD, Infinity, { core: '1' }), sample(CPU_LOAD, -Infinity, { core: '2' })]),
    }),
  ],
  'a down target shows only its per-target series': [
    routerSnapshot('a', { interface: collectorState([sample(RX_BYTES, 1, { interface: 'e1' })]) }, { up: false }),
    routerSnapshot('b', { interface: collectorState([sample(RX_BYTES, 2, { interface: 'e1' })]) }),
  ],
  'two targets of one identity do not repeat a series': [
    routerSnapshot('a', { interface: collectorState([sample(RX_BYTES, 1, { interface: 'e1' })]) }),
    routerSnapshot('a2', { interface: collectorState([sample(RX_BYTES, 2, { interface: 'e1' }), sample(RX_BYTES, 3, { interface: 'e2' })]) }, {
      identity: { router: 'a' },
    }),
  ],
  'names, help text and label values that need escaping': [
    routerSnapshot('r"1\\\n', { odd: collectorState([sample(ODD, 1, { 'label.with-dots': 'v"\\\n' })]) }, { labels: { site: 'x"y' } }),
  ],
  'a sample\'s label overrides a target label in place; an identity key in a sample is ignored': [
    routerSnapshot(
      'a',
      {
        interface: collectorState([
          sample(RX_BYTES, 1, { interface: 'e1', site: 'override' }),
          sample(RX_BYTES, 2, { router: 'not-a', interface: 'e2' }),
          sample(RX_BYTES, 3, { interface: 'e3' }),
        ]),
      },
      { labels: { site: 'lab', zone: 'z1' } },
    ),
  ],
  'the same attributes in another key order, or spelling out a target label, are the same series': [
    routerSnapshot(
      'a',
      {
        interface: collectorState([
          sample(RX_BYTES, 1, { interface: 'e1', queue: 'q' }),
          sample(RX_BYTES, 2, { queue: 'q', interface: 'e1' }),
          sample(RX_BYTES, 3, { interface: 'e2' }),
          sample(RX_BYTES, 4, { interface: 'e2', site: 'lab' }),
        ]),
      },
      { labels: { site: 'lab' } },
    ),
  ],
  'integer-like and prototype-named attribute keys': [
    routerSnapshot('a', {
      interface: collectorState([sample(RX_BYTES, 1, { interface: 'e1', '7': 'seven' }), sample(RX_BYTES, 2, { interface: 'e2', constructor: 'c' })]),
    }),
  ],
} as const;

/** The same snapshots with their runs packed, as the engine keeps them (see okCollectorState). */
function packed(snapshots: readonly TargetSnapshot[]): TargetSnapshot[] {
  return snapshots.map((snapshot) => ({
    ...snapshot,
    collectors: new Map(
      [...snapshot.collectors].map(([name, state]) => [
        name,
        state.status === 'ok' ? okCollectorState(state.samples, state.durationSeconds, state.finishedAtMillis, state.dropped) : state,
      ]),
    ),
  }));
}

describe('the producer\'s rules, against the stock pipeline', () => {
  for (const [title, snapshots] of Object.entries(CASES)) {
    it(title, async () => {
      const source = frozen(snapshots);
      for (const scopeLabels of [false, true]) {
        const reference = await sdkText(source, scopeLabels);
        const ours = expositionText(source, { scopeLabels });
        expect(ours.text).toBe(reference.text);
        expect(ours.errors).toEqual(reference.errors);
        // Packed runs render through per-shape templates: the same text, errors and gzip body.
        const fromPacked = frozen(packed(snapshots));
        expect(packed(snapshots).some((snapshot) => [...snapshot.collectors.values()].some((state) => state instanceof PackedCollectorState))).toBe(true);
        const oursPacked = expositionText(fromPacked, { scopeLabels });
        expect(oursPacked.text).toBe(reference.text);
        expect(oursPacked.errors).toEqual(reference.errors);
        expect(expositionText(fromPacked, { scopeLabels, gzip: true }).text).toBe(reference.text);
        expect((await sdkText(fromPacked, scopeLabels)).text).toBe(reference.text);
      }
    });
  }

  it('renders a snapshot once and reuses it until the snapshot object changes', async () => {
    const first = routerSnapshot('a', { interface: collectorState([sample(RX_BYTES, 1, { interface: 'e1' })]) });
    const snapshots = [first];
    const source = frozen(snapshots);
    const exposition = new SnapshotExposition({ source });
    await exposition.refresh();
    const before = exposition.body('text', false).chunks;
    const again = exposition.body('text', false).chunks;
    // The very same memory: nothing was rendered again.
    expect(again.length).toBe(before.length);
    expect(again.every((chunk, index) => chunk.buffer === before[index]!.buffer && chunk.byteOffset === before[index]!.byteOffset)).toBe(true);
    snapshots[0] = routerSnapshot('a', { interface: collectorState([sample(RX_BYTES, 2, { interface: 'e1' })]) });
    expect(expositionText(source, { exposition }).text).toContain('routeros_interface_receive_bytes_total{router="a",interface="e1"} 2\n');
  });

  it('renders new snapshots in slices, giving the event loop back in between', async () => {
    const fleet = Array.from({ length: 50 }, (_, index) =>
      routerSnapshot(`r${index}`, {
        interface: collectorState(Array.from({ length: 200 }, (_, port) => sample(RX_BYTES, port, { interface: `e${port}` }))),
      }),
    );
    const exposition = new SnapshotExposition({ source: frozen(fleet), sliceMillis: 0 });
    let fired = false;
    const refreshing = exposition.refresh();
    // Scheduled after the refresh started: it can only fire first if the refresh yielded.
    setTimeout(() => {
      fired = true;
    }, 0);
    expect(await refreshing.then(() => fired)).toBe(true);
    expect(expositionText(frozen(fleet), { exposition }).text).toContain('routeros_interface_receive_bytes_total{router="r49",interface="e199"} 199\n');
  });

  it('gzips each chunk once (an unchanged one takes its member from the previous render); the body gunzips to the plain text', async () => {
    const big = (offset: number): CollectorState =>
      // About 40 kB: a chunk larger than zlib's default window.
      collectorState(Array.from({ length: 600 }, (_, port) => sample(RX_BYTES, port + offset, { interface: `ether-${port}` })));
    const snapshots = [routerSnapshot('a', { interface: big(0), system: collectorState([sample(CPU_LOAD, 7)]) })];
    const source = frozen(packed(snapshots));
    const exposition = new SnapshotExposition({ source });
    await exposition.refresh();
    const before = exposition.body('text', true);
    expect(gunzipSync(Buffer.concat(before.chunks)).toString()).toBe(expositionText(source).text);
    // Next poll: the interface values changed, the system ones did not.
    snapshots[0] = routerSnapshot('a', { interface: big(1), system: collectorState([sample(CPU_LOAD, 7)]) });
    const next = frozen(packed(snapshots));
    const again = new SnapshotExposition({ source: next });
    const plain = expositionText(next).text;
    expect(plain).toContain('routeros_interface_receive_bytes_total{router="a",interface="ether-599"} 600\n');
    await again.refresh();
    const fresh = again.body('text', true);
    // An exposition that rendered the previous poll first: its unchanged system chunk keeps its member.
    let current = source.snapshots();
    const swapping = new SnapshotExposition({ source: { snapshots: () => current, firstRoundDone: true } });
    await swapping.refresh();
    current = next.snapshots();
    await swapping.refresh();
    const after = swapping.body('text', true);
    expect(gunzipSync(Buffer.concat(after.chunks)).toString()).toBe(plain);
    expect(Buffer.concat(after.chunks).equals(Buffer.concat(fresh.chunks))).toBe(true);
  });

  it('is empty for an empty fleet, and OpenMetrics is then just # EOF', () => {
    const source = frozen([]);
    expect(expositionText(source).text).toBe('');
    expect(expositionText(source, { format: 'openmetrics' }).text).toBe('# EOF\n');
  });
});
