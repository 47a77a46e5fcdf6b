/**
 * One collector run against a fresh simulated router of a built-in profile, over a real connection:
 * the rendered lines and the commands the simulator counted. Routers and clients are kept until
 * `stop()`, which a test file calls in `afterAll`.
 */
import type { Collector, CollectorOptions } from '../../../../../src/sources/routeros/collectors/collector.js';
import { detectFacts } from '../../../../../src/sources/routeros/session/facts.js';
import { RouterOsClient } from '../../../../../src/sources/routeros/client/client.js';
import { PROFILES } from '../../../../../src/sources/routeros/simulator/profiles.js';
import { SimulatedRouter } from '../../../../../src/sources/routeros/simulator/router.js';
import { render } from './fixture-api-families.js';

export interface SimulatorRun {
  readonly lines: string[];
  readonly commands: number;
}

export interface SimulatorRunner {
  run(profileId: string, collector: Collector, options?: CollectorOptions): Promise<SimulatorRun>;
  stop(): Promise<void>;
}

/** A runner whose routers and clients live until `stop()`. */
export function simulatorRunner(): SimulatorRunner {
  const started: { router: SimulatedRouter; client: RouterOsClient }[] = [];
  return {
    async run(profileId, collector, options = {}) {
      const profile = PROFILES[profileId];
      if (profile === undefined) throw new Error(`no profile ${profileId}`);
      const router = new SimulatedRouter({ profile, name: profileId, password: 'pass' });
      const { port } = await router.start();
      const client = await RouterOsClient.connect({ host: '127.0.0.1', port, username: 'admin', password: 'pass' });
      started.push({ router, client });
      const signal = new AbortController().signal;
      const facts = await detectFacts(client, signal);
      const before = router.stats.commands;
      const output = await collector.collect({ api: client, router: facts, options, signal, nowMillis: Date.now() });
      return { lines: render(output.samples), commands: router.stats.commands - before };
    },
    async stop() {
      await Promise.all(started.map(({ client }) => client.close()));
      await Promise.all(started.splice(0).map(({ router }) => router.stop()));
    },
  };
}
