/**
 * deploy/kubernetes/statefulset-sharded.yaml: the agent config in its ConfigMap is valid, and the
 * shard count it gives the pods matches the StatefulSet's replicas (a mismatch would leave routers
 * unpolled or polled twice).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { SOURCES } from '../../src/sources/registry.js';

const FILE = fileURLToPath(new URL('../../deploy/kubernetes/statefulset-sharded.yaml', import.meta.url));

interface Manifest {
  kind: string;
  data?: Record<string, string>;
  spec?: {
    replicas?: number;
    template?: { spec?: { containers?: { command?: string[]; env?: { name: string; value: string }[] }[] } };
  };
}

describe('statefulset-sharded.yaml', () => {
  const manifests = parseAllDocuments(readFileSync(FILE, 'utf8')).map((document) => document.toJS() as Manifest);

  it('shards across exactly its replicas, with a config check-config accepts', () => {
    const set = manifests.find((manifest) => manifest.kind === 'StatefulSet');
    const container = set?.spec?.template?.spec?.containers?.[0];
    expect(container?.command).toContain('--shard-from-hostname');
    const env = Object.fromEntries((container?.env ?? []).map((entry) => [entry.name, entry.value]));
    expect(Number(env['MIKROTIK_AGENT_SHARD_COUNT'])).toBe(set?.spec?.replicas);

    // The Secret is mounted in the pod; here a file of this machine stands in for it.
    const dir = mkdtempSync(join(tmpdir(), 'k8s-config-'));
    writeFileSync(join(dir, 'password'), 'not-a-real-password\n', { mode: 0o600 });
    const text = (manifests.find((manifest) => manifest.kind === 'ConfigMap')?.data?.['agent.yaml'] ?? '').replace(
      '/run/secrets/routeros/password',
      join(dir, 'password'),
    );
    const { config } = loadConfig({
      text,
      env,
      overrides: { shard: { index: 2, flag: '--shard-from-hostname' } },
      sections: SOURCES.flatMap((source) => source.configSections ?? []),
      syntaxOnly: true,
    });
    expect(config.collection.shard).toEqual({ index: 2, count: 3 });
    expect(config.server.enableLifecycle).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });
});
