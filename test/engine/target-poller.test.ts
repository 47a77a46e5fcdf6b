/**
 * The generic poller with a target that is not a router: the engine needs nothing from a source but
 * the contract (connect, prepare, collectors, a failure policy).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '../../src/engine/limiter.js';
import type { MetricDefinition } from '../../src/engine/metric.js';
import { PolledSource } from '../../src/engine/polled-source.js';
import type { SourceDescriptor } from '../../src/engine/snapshot.js';
import { targetMetrics } from '../../src/engine/target-metrics.js';
import type { FailurePolicy, PollTarget, TargetSession } from '../../src/engine/target-poller.js';
import { captureLogger, waitFor } from '../sources/routeros/poller/helpers/engine-fixtures.js';

const WIDGETS: SourceDescriptor = { kind: 'widgets', healthKey: 'widgets', noun: 'widget', metrics: targetMetrics('widget', 'widget') };
const TEMPERATURE: MetricDefinition = { name: 'widget.temperature.celsius', kind: 'gauge', unit: 'Cel', description: 'Temperature.', attributes: ['probe'] };

class FakeSession implements TargetSession {
  isOpen = true;
  /** Answers the target gave; undefined: the session does not count them. */
  answers: number | undefined = undefined;
  private _close: (cause: unknown) => void = () => undefined;
  readonly closed = new Promise<unknown>((resolve) => {
    this._close = resolve;
  });

  close(): Promise<void> {
    this.isOpen = false;
    this._close(undefined);
    return Promise.resolve();
  }
}

class Unsupported extends Error {}
class Refused extends Error {}

const POLICY: FailurePolicy = {
  classify: (error, unknownAs) => (error instanceof Unsupported ? 'unsupported' : error instanceof Refused ? 'authentication_failed' : unknownAs),
  describe: (error) => (error instanceof Error ? error.message.replace('s3cret', '***') : 'unknown'),
  isUnreachable: () => false,
};

interface WidgetOptions {
  connect?: () => Promise<FakeSession>;
  prepared?: string[];
}

function widget(name: string, options: WidgetOptions = {}): PollTarget<FakeSession> {
  return {
    source: WIDGETS,
    name,
    address: `widget://${name}`,
    identity: { widget: name },
    labels: { site: 'lab' },
    intervalMillis: 100,
    timeoutMillis: 500,
    failures: POLICY,
    connect: options.connect ?? (() => Promise.resolve(new FakeSession())),
    prepare: async () => {
      options.prepared?.push(name);
      return '1.2.3';
    },
    collectors: [
      {
        collector: {
          name: 'thermal',
          collect: (_session, run) =>
            Promise.resolve({ samples: [{ metric: TEMPERATURE, attributes: { probe: String(run.options['probe']) }, value: 42 }] }),
        },
        options: { probe: 'p1' },
        intervalMillis: 100,
      },
      {
        collector: { name: 'fan', collect: () => Promise.reject(new Unsupported('no fan here')) },
        options: {},
        intervalMillis: 100,
      },
    ],
  };
}

const sources: PolledSource<FakeSession>[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.stop()));
});

function start(targets: PollTarget<FakeSession>[]): PolledSource<FakeSession> {
  const source = new PolledSource({
    descriptor: WIDGETS,
    targets,
    limiter: new ConcurrencyLimiter(4),
    logger: captureLogger().logger,
    tuning: { firstPollSpreadMillis: 0, connectBackoff: { initialMillis: 50, maxMillis: 100, jitter: 'none' } },
  });
  sources.push(source);
  source.start();
  return source;
}

/**
 * A widget whose `hanging` collector never finishes and whose `idle` one has nothing to ask and returns at once;
 * `answer` says whether the hanging collector got a first reply before it stalled.
 */
function stallingWidget(name: string, answer: boolean): PollTarget<FakeSession> {
  return {
    ...widget(name),
    timeoutMillis: 150,
    connect: () => {
      const session = new FakeSession();
      session.answers = 0;
      return Promise.resolve(session);
    },
    collectors: [
      { collector: { name: 'idle', collect: () => Promise.resolve({ samples: [] }) }, options: {}, intervalMillis: 100 },
      {
        collector: {
          name: 'hanging',
          collect: (session, run) => {
            if (answer) session.answers = (session.answers ?? 0) + 1;
            return new Promise((_resolve, reject) => run.signal.addEventListener('abort', () => reject(run.signal.reason), { once: true }));
          },
        },
        options: {},
        intervalMillis: 100,
      },
    ],
  };
}

describe('TargetPoller with a non-RouterOS target', () => {
  it('collects through the contract: identity, labels, version, per-collector status', async () => {
    const prepared: string[] = [];
    const source = start([widget('w1', { prepared })]);
    await waitFor('first round', () => source.firstRoundDone);
    const [snapshot] = source.snapshots();
    expect(snapshot?.source).toBe(WIDGETS);
    expect(snapshot?.up).toBe(true);
    expect(snapshot?.identity).toEqual({ widget: 'w1' });
    expect(snapshot?.version).toBe('1.2.3');
    expect(snapshot?.collectors.get('thermal')?.samples.map((sample) => sample.attributes)).toEqual([{ probe: 'p1' }]);
    expect(snapshot?.collectors.get('fan')?.status).toBe('unsupported');
    // prepare runs once per session, not per cycle.
    await waitFor('more cycles', () => (source.snapshots()[0]?.lastSuccessMillis ?? 0) > (snapshot?.lastSuccessMillis ?? 0));
    expect(prepared).toEqual(['w1']);
  });

  it('takes a target down with the reason its policy gives, secrets masked, and keeps the others up', async () => {
    const source = start([widget('bad', { connect: () => Promise.reject(new Refused('login s3cret refused')) }), widget('good')]);
    await waitFor('first round', () => source.firstRoundDone);
    const [bad, good] = source.snapshots();
    expect(bad?.up).toBe(false);
    expect(bad?.downReason).toBe('authentication_failed');
    expect(bad?.lastError).toBe('login *** refused');
    expect(good?.up).toBe(true);
  });

  it('reconnects once the session closes between cycles', async () => {
    const opened: FakeSession[] = [];
    const source = start([
      widget('w', {
        connect: () => {
          const session = new FakeSession();
          opened.push(session);
          return Promise.resolve(session);
        },
      }),
    ]);
    await waitFor('first session', () => opened.length === 1 && source.firstRoundDone);
    await opened[0]!.close();
    await waitFor('second session', () => opened.length === 2);
    await waitFor('up on it', () => source.snapshots()[0]?.up === true);
  });

  it('takes a target down for timeout when nothing answered, even though a collector with nothing to ask finished', async () => {
    const source = start([stallingWidget('hung', false), stallingWidget('slow', true)]);
    await waitFor('first round', () => source.firstRoundDone);
    const [hung, slow] = source.snapshots();
    expect(hung?.up).toBe(false);
    expect(hung?.downReason).toBe('timeout');
    // The same collectors on a target that did answer: one collector timed out, the target is up.
    expect(slow?.up).toBe(true);
    expect(slow?.collectors.get('hanging')?.status).toBe('error');
    expect(slow?.collectors.get('idle')?.status).toBe('ok');
  });

  it('checkStartup names the target and its source', async () => {
    const source = new PolledSource({
      descriptor: WIDGETS,
      targets: [widget('ok'), widget('locked', { connect: () => Promise.reject(new Refused('denied')) })],
      limiter: new ConcurrencyLimiter(2),
      logger: captureLogger().logger,
    });
    sources.push(source);
    const failures = await source.checkStartup();
    expect(failures.map(({ source: kind, noun, target, error }) => ({ kind, noun, target, message: error.message }))).toEqual([
      { kind: 'widgets', noun: 'widget', target: 'locked', message: 'denied' },
    ]);
  });
});
