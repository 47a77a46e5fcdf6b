import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MetricDefinition, Sample } from '../../src/engine/metric.js';
import { forEachPackedSample, okCollectorState, PackedCollectorState } from '../../src/engine/packed-samples.js';
import { forEachTargetSeries } from '../../src/engine/series.js';
import type { TargetSnapshot } from '../../src/engine/snapshot.js';
import { renderTarget } from '../../src/exposition/target-render.js';
import { collectorState, CPU_LOAD, routerSnapshot, RX_BYTES, sample } from '../telemetry/fixtures.js';

/** Samples with every shape the packing must keep: two key orders of one definition, none, a label override. */
function samples(): Sample[] {
  return [
    sample(RX_BYTES, 10, { interface: 'ether1' }),
    sample(CPU_LOAD, 0.25),
    sample(RX_BYTES, 1.5e12, { interface: 'ether2' }),
    // Same definition, other keys and order: a shape of its own, rendered in this order.
    sample(RX_BYTES, 7, { site: 'override', interface: 'ether3' }),
    // An identity key is never taken from a sample.
    sample(RX_BYTES, 8, { router: 'spoofed', interface: 'ether4' }),
    sample(CPU_LOAD, Number.NaN),
  ];
}

function series(snapshot: TargetSnapshot): string[] {
  const seen: string[] = [];
  forEachTargetSeries(snapshot, (definition, attributes, value, collector) => {
    seen.push(`${definition.name} ${JSON.stringify(Object.entries(attributes))} ${value} ${collector ?? '-'}`);
  });
  return seen;
}

describe('PackedCollectorState', () => {
  const labels = { site: 'lab', rack: 'r1' };
  const plain = routerSnapshot('r1', { interface: collectorState(samples()) }, { labels });
  const packed = routerSnapshot('r1', { interface: new PackedCollectorState(samples(), 0.25, 1_700_000_000_000, 0) }, { labels });

  it('gives back samples equal to the ones packed, in order', () => {
    const state = packed.collectors.get('interface')!;
    expect(state.samples).toEqual(samples());
    expect(state.samples.map((entry) => Object.keys(entry.attributes))).toEqual(samples().map((entry) => Object.keys(entry.attributes)));
    expect(Object.isFrozen(state)).toBe(true);
  });

  it('shows the same series, attribute order included, as the Sample objects it replaces', () => {
    expect(series(packed)).toEqual(series(plain));
    expect(series(packed)).toContain(
      `${RX_BYTES.name} ${JSON.stringify([['router', 'r1'], ['site', 'override'], ['rack', 'r1'], ['interface', 'ether3']])} 7 interface`,
    );
  });

  it('renders byte for byte the exposition of the Sample objects', () => {
    const fromPacked = renderTarget(packed, '');
    const fromPlain = renderTarget(plain, '');
    const text = (render: ReturnType<typeof renderTarget>) => render.text.toString('utf8');
    expect(text(fromPacked)).toBe(text(fromPlain));
    expect(text(fromPacked)).toContain('routeros_interface_receive_bytes_total{router="r1",site="lab",rack="r1",interface="ether2"} 1500000000000\n');
  });

  it('visits plain and packed states alike', () => {
    const visit = (state: Parameters<typeof forEachPackedSample>[0]) => {
      const seen: string[] = [];
      forEachPackedSample(state, (metric, keys, values, offset, value) => {
        seen.push(`${metric.name} ${keys.map((key, index) => `${key}=${values[offset + index]}`).join(',')} ${value}`);
      });
      return seen;
    };
    expect(visit(packed.collectors.get('interface')!)).toEqual(visit(plain.collectors.get('interface')!));
  });
});

describe('PackedCollectorState built on the previous run', () => {
  const run = (rows: readonly { name: string; value: number }[]): Sample[] =>
    rows.map(({ name, value }) => (name === 'cpu' ? sample(CPU_LOAD, value) : sample(RX_BYTES, value, { interface: name })));

  it('gives back exactly the new samples, whatever the previous run held', () => {
    const rows = fc.array(fc.record({ name: fc.constantFrom('cpu', 'ether1', 'ether2', 'wlan1'), value: fc.double({ noNaN: true }) }), { maxLength: 8 });
    fc.assert(
      fc.property(rows, rows, (before, after) => {
        const previous = new PackedCollectorState(run(before), 0.1, 1, 0);
        expect(new PackedCollectorState(run(after), 0.1, 2, 0, previous).samples).toEqual(run(after));
      }),
      { numRuns: 300 },
    );
  });

  it('shares the shape and value columns of an unchanged run and holds only its own numbers', () => {
    const rows = [{ name: 'ether1', value: 1 }, { name: 'cpu', value: 0.5 }, { name: 'ether2', value: 2 }];
    const previous = new PackedCollectorState(run(rows), 0.1, 1, 0);
    const next = new PackedCollectorState(run(rows.map((row) => ({ ...row, value: row.value * 10 }))), 0.1, 2, 0, previous);
    expect(next.packed['_values']).toBe(previous.packed['_values']);
    expect(next.packed['_shapes']).toBe(previous.packed['_shapes']);
    expect(next.samples.map((entry) => entry.value)).toEqual([10, 5, 20]);
    expect(previous.samples.map((entry) => entry.value)).toEqual([1, 0.5, 2]);

    const renamed = new PackedCollectorState(run([{ name: 'ether1', value: 1 }, { name: 'cpu', value: 0.5 }, { name: 'ether9', value: 2 }]), 0.1, 3, 0, next);
    expect(renamed.packed['_values']).not.toBe(next.packed['_values']);
    expect(renamed.samples.map((entry) => entry.attributes['interface'])).toEqual(['ether1', undefined, 'ether9']);
  });
});

describe('okCollectorState', () => {
  const LATENCY: MetricDefinition = { name: 'app.latency.seconds', kind: 'histogram', unit: 's', description: 'Latency.', attributes: [] };

  it('packs a run of gauges and counters', () => {
    expect(okCollectorState(samples(), 0.1, 1, 0)).toBeInstanceOf(PackedCollectorState);
  });

  it("keeps a run's Sample objects when one carries a distribution, which the packed columns cannot hold", () => {
    const distribution = { type: 'histogram', bounds: [0.1, 1], counts: [2, 5, 6], sum: 3.5, count: 6 } as const;
    const state = okCollectorState([...samples(), { metric: LATENCY, attributes: {}, value: 6, distribution }], 0.1, 1, 0);
    expect(state).not.toBeInstanceOf(PackedCollectorState);
    const seen: unknown[] = [];
    forEachTargetSeries(routerSnapshot('r1', { app: state }), (definition, _attributes, _value, _collector, carried) => {
      if (definition === LATENCY) seen.push(carried);
    });
    expect(seen).toEqual([distribution]);
  });
});
