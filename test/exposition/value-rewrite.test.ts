import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/engine/metric.js';
import { PackedCollectorState, type PackedCollectorState as PackedState } from '../../src/engine/packed-samples.js';
import type { CollectorState } from '../../src/engine/snapshot.js';
import { chunkText, renderTarget, type TargetRender } from '../../src/exposition/target-render.js';
import { CPU_LOAD, routerSnapshot, RX_BYTES, sample } from '../telemetry/fixtures.js';

function text(render: TargetRender): string {
  return render.text.toString('utf8');
}

/** The chunk of RX_BYTES. */
function interfaceChunk(render: TargetRender): Buffer {
  return chunkText(render, render.definitions.indexOf(RX_BYTES));
}

/** One row of a run: an interface (RX_BYTES, a counter) or the CPU gauge, with its value. */
interface Row {
  readonly name: string;
  readonly value: number;
}

function samplesOf(rows: readonly Row[]): Sample[] {
  return rows.map(({ name, value }) => (name === 'cpu' ? sample(CPU_LOAD, value) : sample(RX_BYTES, value, { interface: name })));
}

// Names that need escaping or are not ASCII, and repeats (duplicates); values that a counter must drop.
const row = fc.record({
  name: fc.constantFrom('cpu', 'ether1', 'ether2', 'wlan "guest"', 'brücke'),
  value: fc.oneof(fc.double(), fc.constantFrom(0, 1, 1e21, -1, Number.NaN, Number.POSITIVE_INFINITY)),
});
/** A poll: rows of two collectors, each either a new row list or the previous one with new values. */
const poll = fc.record({
  first: fc.option(fc.array(row, { maxLength: 6 }), { nil: undefined }),
  second: fc.option(fc.array(row, { maxLength: 3 }), { nil: undefined }),
  values: fc.array(fc.oneof(fc.double(), fc.constant(7)), { minLength: 6, maxLength: 6 }),
});

describe('a render built on the previous render of its target', () => {
  it('says byte for byte what a fresh render says, over chained polls that keep or change their series', () => {
    fc.assert(
      fc.property(fc.array(poll, { minLength: 1, maxLength: 6 }), fc.boolean(), (polls, labelled) => {
        let rows: Record<'first' | 'second', readonly Row[]> = { first: [], second: [] };
        let states: Record<string, CollectorState> = {};
        let previous: TargetRender | undefined;
        for (const [at, step] of polls.entries()) {
          const next: Record<'first' | 'second', readonly Row[]> = {
            // Unchanged rows with new values: the run keeps its columns, the usual poll.
            first: step.first ?? rows.first.map((entry, index) => ({ ...entry, value: step.values[index % 6]! })),
            second: step.second ?? rows.second.map((entry, index) => ({ ...entry, value: step.values[(index + 3) % 6]! })),
          };
          states = {
            first: new PackedCollectorState(samplesOf(next.first), 0.1, at, 0, states['first']),
            second: new PackedCollectorState(samplesOf(next.second), 0.2, at, 0, states['second']),
          };
          rows = next;
          const snapshot = routerSnapshot('r1', states, { labels: labelled ? { site: 'lab' } : {}, lastSuccessMillis: at * 1000 });
          const fresh = renderTarget(snapshot, '');
          const built = renderTarget(snapshot, '', undefined, previous);
          expect(text(built)).toBe(text(fresh));
          expect(built.problems).toEqual(fresh.problems);
          previous = built;
        }
      }),
      { numRuns: 400 },
    );
  });

  it('copies the labels of a chunk whose run kept its columns from the last render, and writes only the values', () => {
    const rows = [
      { name: 'ether1', value: 10 },
      { name: 'ether2', value: 20 },
    ];
    const first = new PackedCollectorState(samplesOf(rows), 0.1, 1, 0);
    const before = renderTarget(routerSnapshot('r1', { interface: first }), '');
    const chunk = interfaceChunk(before);
    expect(chunk.toString()).toBe(
      'routeros_interface_receive_bytes_total{router="r1",interface="ether1"} 10\nrouteros_interface_receive_bytes_total{router="r1",interface="ether2"} 20\n',
    );
    // Marks the old text: only a copy of it can show the mark.
    chunk.write('E', chunk.indexOf('ether2'));

    const kept = new PackedCollectorState(samplesOf(rows.map((entry) => ({ ...entry, value: entry.value * 1000 }))), 0.1, 2, 0, first);
    expect((kept as PackedState).packed.sameColumns(first.packed)).toBe(true);
    const after = renderTarget(routerSnapshot('r1', { interface: kept }), '', undefined, before);
    expect(interfaceChunk(after).toString()).toBe(
      'routeros_interface_receive_bytes_total{router="r1",interface="ether1"} 10000\nrouteros_interface_receive_bytes_total{router="r1",interface="Ether2"} 20000\n',
    );

    // Another interface: the run has new columns, and its chunk is rendered anew.
    const changed = new PackedCollectorState(samplesOf([...rows, { name: 'ether3', value: 1 }]), 0.1, 3, 0, kept);
    const renderedAnew = renderTarget(routerSnapshot('r1', { interface: changed }), '', undefined, after);
    expect(interfaceChunk(renderedAnew).toString()).toContain('interface="ether2"} 20\n');
  });

  it('renders anew when the target’s labels changed, though its runs kept their columns', () => {
    const rows = [{ name: 'ether1', value: 10 }];
    const first = new PackedCollectorState(samplesOf(rows), 0.1, 1, 0);
    const before = renderTarget(routerSnapshot('r1', { interface: first }, { labels: { site: 'a' } }), '');
    const kept = new PackedCollectorState(samplesOf(rows), 0.1, 2, 0, first);
    const after = renderTarget(routerSnapshot('r1', { interface: kept }, { labels: { site: 'b' } }), '', undefined, before);
    expect(text(after)).toContain('routeros_interface_receive_bytes_total{router="r1",site="b",interface="ether1"} 10\n');
    expect(text(after)).not.toContain('site="a"');
  });
});
