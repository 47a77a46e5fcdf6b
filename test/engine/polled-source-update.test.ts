/**
 * PolledSource's target set changing while it runs (reload, discovery) and narrowed to a shard:
 * unchanged targets keep their session, schedule and counters, removed ones vanish at once, new ones
 * start, changed ones are replaced. Read through real SnapshotMetricProducers, one cumulative and one
 * delta, attached across the update, as the agent's Prometheus and OTLP readers are.
 */
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import { DataPointType, type CollectionResult, type DataPoint } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '../../src/engine/limiter.js';
import type { MetricDefinition } from '../../src/engine/metric.js';
import { PolledSource } from '../../src/engine/polled-source.js';
import { shardFilter, shardOf, ordinalFromHostname } from '../../src/engine/shard.js';
import type { SourceDescriptor } from '../../src/engine/snapshot.js';
import { targetMetrics } from '../../src/engine/target-metrics.js';
import type { FailurePolicy, PollTarget, TargetSession } from '../../src/engine/target-poller.js';
import { SnapshotMetricProducer } from '../../src/telemetry/snapshot-producer.js';
import { captureLogger, waitFor } from '../sources/routeros/poller/helpers/engine-fixtures.js';

const GADGETS: SourceDescriptor = { kind: 'gadgets', healthKey: 'gadgets', noun: 'gadget', metrics: targetMetrics('gadget', 'gadget') };
const TICKS: MetricDefinition = { name: 'gadget.ticks', kind: 'counter', unit: '{tick}', description: 'Ticks.', attributes: [] };

const POLICY: FailurePolicy = {
  classify: (_error, unknownAs) => unknownAs,
  describe: (error) => (error instanceof Error ? error.message : 'unknown'),
  isUnreachable: () => false,
};

class Session implements TargetSession {
  isOpen = true;
  readonly closed = new Promise<unknown>(() => undefined);
  close(): Promise<void> {
    this.isOpen = false;
    return Promise.resolve();
  }
}

/** A gadget's own state: its counter lives on the device, like a router's interface counters. */
class Gadget {
  ticks = 0;
  connects = 0;
  constructor(readonly name: string) {}

  target(settingsKey: string): PollTarget<Session> {
    return {
      source: GADGETS,
      name: this.name,
      address: `gadget://${this.name}`,
      identity: { gadget: this.name },
      labels: {},
      intervalMillis: 50,
      timeoutMillis: 500,
      failures: POLICY,
      settingsKey,
      connect: () => {
        this.connects += 1;
        return Promise.resolve(new Session());
      },
      collectors: [
        {
          collector: {
            name: 'ticks',
            collect: () => {
              this.ticks += 5;
              return Promise.resolve({ samples: [{ metric: TICKS, attributes: {}, value: this.ticks }] });
            },
          },
          options: {},
          intervalMillis: 50,
        },
      ],
    };
  }
}

const sources: PolledSource<Session>[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.stop()));
});

function polled(targets: PollTarget<Session>[]): PolledSource<Session> {
  const source = new PolledSource({
    descriptor: GADGETS,
    targets,
    limiter: new ConcurrencyLimiter(8),
    logger: captureLogger().logger,
    tuning: { firstPollSpreadMillis: 0 },
  });
  sources.push(source);
  return source;
}

function tickPoints(result: CollectionResult): Map<string, DataPoint<number>> {
  const found = result.resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((metric) => metric.descriptor.name === 'gadget.ticks');
  if (found === undefined || found.dataPointType !== DataPointType.SUM) return new Map();
  return new Map(found.dataPoints.map((point) => [String(point.attributes['gadget']), point]));
}

function ticksOf(source: PolledSource<Session>, name: string): number {
  const snapshot = source.snapshots().find((entry) => entry.name === name);
  return snapshot?.collectors.get('ticks')?.samples[0]?.value ?? 0;
}

describe('PolledSource.update', () => {
  it('keeps unchanged targets running with their counters, replaces changed ones, drops removed ones at once', async () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => new Gadget(name)) as [Gadget, Gadget, Gadget, Gadget];
    const source = polled([a.target('v1'), b.target('v1'), c.target('v1')]);
    const cumulative = new SnapshotMetricProducer(source, { scopeName: 'test', temporality: 'cumulative' });
    const delta = new SnapshotMetricProducer(source, { scopeName: 'test', temporality: 'delta' });
    source.start();
    await waitFor('two cycles each', () => ['a', 'b', 'c'].every((name) => ticksOf(source, name) >= 10));
    const before = tickPoints(await cumulative.collect());
    await delta.collect();
    const aStart = before.get('a')!.startTime;
    const aTicksBefore = ticksOf(source, 'a');

    const update = source.update([a.target('v1'), b.target('v2'), d.target('v1')]);
    expect(update).toEqual({ added: ['d'], removed: ['c'], changed: ['b'], unchanged: 1 });
    // Removed: gone from the very next read, and from both readers' next collect.
    expect(source.targetNames()).toEqual(['a', 'b', 'd']);
    expect(source.snapshots().map((snapshot) => snapshot.name)).not.toContain('c');
    const cumulativeAfterUpdate = tickPoints(await cumulative.collect());
    expect(cumulativeAfterUpdate.has('c')).toBe(false);
    expect(tickPoints(await delta.collect()).has('c')).toBe(false);

    await waitFor('d polled and a moved on', () => ticksOf(source, 'd') >= 5 && ticksOf(source, 'a') > aTicksBefore);
    // Unchanged: the same session (one connect), the counter carrying on from where it was.
    expect(a.connects).toBe(1);
    expect(b.connects).toBe(2);
    const after = tickPoints(await cumulative.collect());
    expect(hrTimeToMilliseconds(after.get('a')!.startTime)).toBe(hrTimeToMilliseconds(aStart));
    expect(after.get('a')!.value).toBeGreaterThan(before.get('a')!.value);
    // The delta reader sees a's increase since its last collect, never a restart from 0 (the total).
    const deltas = tickPoints(await delta.collect());
    const aDelta = deltas.get('a')!.value;
    expect(aDelta).toBeGreaterThan(0);
    expect(aDelta).toBeLessThan(ticksOf(source, 'a'));
    expect(after.has('d')).toBe(true);
  });

  it('refuses duplicate names without changing anything', async () => {
    const a = new Gadget('a');
    const source = polled([a.target('v1')]);
    expect(() => source.update([a.target('v1'), a.target('v2')])).toThrow(/duplicate name a/);
    expect(source.targetNames()).toEqual(['a']);
  });

  it('keeps readiness once reached when targets are added later', async () => {
    const source = polled([new Gadget('a').target('v1')]);
    source.start();
    await source.whenFirstRoundDone();
    source.update([new Gadget('a').target('v1'), new Gadget('late').target('v1')]);
    expect(source.firstRoundDone).toBe(true);
  });
});

describe('sharding', () => {
  it('splits names stably, every name to exactly one shard, roughly evenly', () => {
    const names = Array.from({ length: 3_000 }, (_, index) => `router-${index}`);
    const filters = [0, 1, 2].map((index) => shardFilter({ index, count: 3 }));
    const owners = names.map((name) => filters.flatMap((keep, index) => (keep(name) ? [index] : [])));
    expect(owners.filter((list) => list.length !== 1)).toEqual([]);
    const counts = [0, 1, 2].map((index) => owners.filter((list) => list[0] === index).length);
    for (const count of counts) expect(count).toBeGreaterThan(800);
    // Pinned (sha256("core1") starts 76370ae20734a8d3): a change of the hash would move routers
    // between replicas on upgrade.
    expect(['core1', 'edge-7', 'router-0'].map((name) => shardOf(name, 3))).toEqual([1, 2, 0]);
    expect(shardOf('anything', 1)).toBe(0);
  });

  it('reads the StatefulSet ordinal from a host name', () => {
    expect(ordinalFromHostname('mikrotik-agent-2')).toBe(2);
    expect(ordinalFromHostname('mikrotik-agent-0.mikrotik-agent.monitoring.svc')).toBe(0);
    expect(ordinalFromHostname('laptop')).toBeUndefined();
  });

  it('selectTargets polls only the shard, also after an update', async () => {
    const names = Array.from({ length: 30 }, (_, index) => `g${index}`);
    const keep = shardFilter({ index: 1, count: 3 });
    const source = polled(names.map((name) => new Gadget(name).target('v1')));
    source.selectTargets(keep);
    expect(source.targetNames()).toEqual(names.filter(keep));
    source.update([...names, 'g30', 'g31', 'g32'].map((name) => new Gadget(name).target('v1')));
    expect(source.targetNames()).toEqual([...names, 'g30', 'g31', 'g32'].filter(keep));
  });
});
