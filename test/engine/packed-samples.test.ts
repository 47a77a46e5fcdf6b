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
    const text = (render: ReturnType<typeof renderTarget>) =>
      render.names.map(({ chunks }) => chunks.map((chunk) => chunk.text.toString('utf8')).join('')).join('');
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
