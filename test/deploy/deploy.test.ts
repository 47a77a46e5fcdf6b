/**
 * The deployment recipes, checked as far as this machine can: no image can be built here (no registry for base
 * images), so the Dockerfile's steps are compared with the README's, the compose stack and the Grafana
 * provisioning are parsed and cross-checked, Prometheus' config passes the real `promtool check config`, the
 * systemd unit passes `systemd-analyze verify` and `security` (from .tools, the machine's Debian release), and the Kubernetes manifests are
 * checked for structure and against the config loader.
 */
import { SECTIONS } from '../helpers/sections.js';
import { simulatorConfig } from '../../src/sources/routeros/simulator/config.js';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { COLLECTORS } from '../../src/sources/routeros/collectors/registry.js';
import { systemdAnalyze, toolPath } from '../helpers/tools.js';
import { configuredRouters } from '../../src/sources/routeros/config/sections.js';
import { routerConfigSections } from '../../src/sources/routeros/config/sections.js';

const repoDir = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const read = (path: string): string => readFileSync(join(repoDir, path), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'deploy-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Doc = Record<string, unknown>;
const at = (value: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((node, key) => (node === null || typeof node !== 'object' ? undefined : (node as Record<string | number, unknown>)[key]), value);

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));

  it('runs exactly the README\'s build-from-source commands, in order', () => {
    const block = /Build from source[^\n]*\n\n```sh\n([\s\S]*?)```/.exec(read('README.md'))?.[1] ?? '';
    const readme = block.split('\n').filter((line) => line.trim() !== '');
    expect(readme.length).toBeGreaterThanOrEqual(2);
    const runs = instructions.filter((line) => line.startsWith('RUN ')).map((line) => line.slice(4).trim());
    expect(runs).toEqual(readme);
  });

  it('is multi-stage, non-root, with a HEALTHCHECK on /live, the config path and port 9436', () => {
    expect(instructions.filter((line) => line.startsWith('FROM ')).length).toBeGreaterThanOrEqual(2);
    const final = instructions.slice(instructions.findLastIndex((line) => line.startsWith('FROM ')));
    const user = final.find((line) => line.startsWith('USER '))?.slice(5).trim();
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(final.find((line) => line.startsWith('HEALTHCHECK '))).toMatch(/http:\/\/127\.0\.0\.1:9436\/live/);
    expect(final).toContain('EXPOSE 9436');
    expect(final.find((line) => line.startsWith('CMD '))).toContain('"/etc/mikrotik-otel-agent/agent.yaml"');
    // The image's own config is a valid one listening on 9436 on every interface (a container's loopback is private).
    const copy = final.find((line) => line.endsWith(' /etc/mikrotik-otel-agent/agent.yaml'))?.split(/\s+/)[1] ?? '';
    const { config } = loadConfig({ file: join(repoDir, copy), env: {}, sections: SECTIONS });
    expect([config.server.host, config.server.port]).toEqual(['0.0.0.0', 9436]);
    // Every path the build copies from the context exists and is not excluded by .dockerignore.
    const ignored = read('.dockerignore').split('\n').filter((line) => line.trim() !== '');
    for (const line of instructions.filter((text) => text.startsWith('COPY ') && !text.includes('--from='))) {
      const sources = line.split(/\s+/).slice(1, -1);
      for (const source of sources) {
        expect(existsSync(join(repoDir, source)), source).toBe(true);
        expect(ignored.some((pattern) => source.replace(/\/$/, '') === pattern), source).toBe(false);
      }
    }
  });
});

describe('deploy/compose', () => {
  const compose = parse(read('deploy/compose/compose.yaml')) as Doc;

  it('parses: the agent built from the Dockerfile, Prometheus and Grafana, every mounted file present', () => {
    expect(Object.keys(at(compose, 'services') as Doc).sort()).toEqual(['agent', 'grafana', 'prometheus']);
    expect(at(compose, 'services', 'agent', 'build')).toEqual({ context: '../..', dockerfile: 'Dockerfile' });
    for (const [name, service] of Object.entries(at(compose, 'services') as Record<string, Doc>)) {
      for (const volume of (service['volumes'] ?? []) as string[]) {
        const source = volume.split(':')[0] ?? '';
        if (!source.startsWith('.')) continue; // a named volume
        if (source === '../../dashboards') continue; // created by the dashboards work; checked below
        expect(existsSync(join(repoDir, 'deploy/compose', source)), `${name}: ${source}`).toBe(true);
      }
    }
    // The agent's config is the demo on all interfaces, valid for the loader.
    const { config } = loadConfig({ file: join(repoDir, 'deploy/compose/agent.yaml'), env: {}, sections: SECTIONS });
    expect(simulatorConfig(config).enabled).toBe(true);
    expect(config.server.port).toBe(9436);
  });

  it('Prometheus config passes promtool check config and scrapes the agent service', () => {
    const result = spawnSync(toolPath('promtool'), ['check', 'config', join(repoDir, 'deploy/compose/prometheus.yml')], { encoding: 'utf8' });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const prometheus = parse(read('deploy/compose/prometheus.yml')) as Doc;
    expect(at(prometheus, 'scrape_configs', 0, 'static_configs', 0, 'targets')).toEqual(['agent:9436']);
  });

  it('Grafana provisioning parses: the datasource is the compose Prometheus, the dashboards folder is the mounted one', () => {
    const datasources = parse(read('deploy/compose/grafana/provisioning/datasources/prometheus.yaml')) as Doc;
    expect(at(datasources, 'datasources', 0)).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090', isDefault: true });
    const providers = parse(read('deploy/compose/grafana/provisioning/dashboards/mikrotik-otel-agent.yaml')) as Doc;
    const path = at(providers, 'providers', 0, 'options', 'path');
    const mounts = (at(compose, 'services', 'grafana', 'volumes') as string[]).map((volume) => volume.split(':'));
    expect(mounts).toContainEqual(['../../dashboards', path, 'ro']);
    expect(mounts).toContainEqual(['./grafana/provisioning', '/etc/grafana/provisioning', 'ro']);
    // The dashboards that exist are JSON Grafana can load (a uid and a title each); the provider loads them all.
    const dashboardsDir = join(repoDir, 'dashboards');
    const dashboards = existsSync(dashboardsDir) ? readdirSync(dashboardsDir).filter((name) => name.endsWith('.json')) : [];
    for (const name of dashboards) {
      const dashboard = JSON.parse(readFileSync(join(dashboardsDir, name), 'utf8')) as Doc;
      expect(typeof dashboard['title'], name).toBe('string');
      expect(typeof dashboard['uid'], name).toBe('string');
    }
  });
});

describe('deploy/systemd', () => {
  const unitText = read('deploy/systemd/mikrotik-otel-agent.service');
  const settings = (section: string): [string, string][] => {
    const body = new RegExp(`^\\[${section}\\]\\n([\\s\\S]*?)(?=^\\[|(?![\\s\\S]))`, 'm').exec(unitText)?.[1] ?? '';
    return body
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  };
  const service = settings('Service');
  const value = (key: string): string[] => service.filter(([name]) => name === key).map(([, setting]) => setting);

  it('is hardened: DynamicUser, ProtectSystem=strict, NoNewPrivileges, no capabilities, LoadCredential, reload by SIGHUP', () => {
    expect(value('DynamicUser')).toEqual(['yes']);
    expect(value('ProtectSystem')).toEqual(['strict']);
    expect(value('NoNewPrivileges')).toEqual(['yes']);
    expect(value('CapabilityBoundingSet')).toEqual(['']);
    expect(value('AmbientCapabilities')).toEqual(['']);
    expect(value('ExecReload')).toEqual(['/bin/kill -HUP $MAINPID']);
    expect(value('ExecStart')[0]).toMatch(/ run --config \/etc\/mikrotik-otel-agent\/agent\.yaml$/);
    // Every router's password_file in the example config is a credential the unit loads.
    const credentials = value('LoadCredential').map((entry) => entry.split(':')[0]);
    const config = parse(read('deploy/systemd/agent.yaml')) as { routers: { password_file: string }[] };
    expect(config.routers.map((router) => router.password_file)).toEqual(credentials.map((name) => `\${CREDENTIALS_DIRECTORY}/${name}`));
  });

  it('the example config reads the router passwords from $CREDENTIALS_DIRECTORY', () => {
    const credentialsDir = join(work, 'credentials');
    mkdirSync(credentialsDir);
    writeFileSync(join(credentialsDir, 'core1'), 'core1-password\n');
    writeFileSync(join(credentialsDir, 'edge-fra'), 'edge-password\n');
    // The routers' CA file is the one other file it names; a stand-in makes the load complete.
    const caFile = join(work, 'routers-ca.pem');
    writeFileSync(caFile, 'stand-in\n');
    const text = read('deploy/systemd/agent.yaml').replace('/etc/mikrotik-otel-agent/routers-ca.pem', caFile);
    const { config } = loadConfig({ text, env: { CREDENTIALS_DIRECTORY: credentialsDir }, sections: SECTIONS });
    expect(configuredRouters(config).map((router) => [router.name, router.password])).toEqual([
      ['core1', 'core1-password'],
      ['edge-fra', 'edge-password'],
    ]);
  });

  it('systemd-analyze verify is clean and the security exposure is the README\'s (at most 2.0)', () => {
    // verify checks that ExecStart's program exists, and the package is not installed on the test machine:
    // a stand-in executable takes its path; every other line is checked as written.
    const unitDir = join(work, 'units');
    mkdirSync(unitDir);
    const standIn = join(unitDir, 'mikrotik-otel-agent');
    writeFileSync(standIn, '#!/bin/sh\n');
    chmodSync(standIn, 0o755);
    const unit = join(unitDir, 'mikrotik-otel-agent.service');
    writeFileSync(unit, unitText.replace('ExecStart=/usr/local/bin/mikrotik-otel-agent ', `ExecStart=${standIn} `));
    const { command, env } = systemdAnalyze(unitDir);
    const verify = spawnSync(command, ['verify', unit], { encoding: 'utf8', env });
    expect(verify.error).toBeUndefined();
    expect(verify.stdout + verify.stderr).toBe('');
    expect(verify.status).toBe(0);
    const security = spawnSync(command, ['security', '--offline=true', unit], { encoding: 'utf8', env });
    const exposure = /Overall exposure level for mikrotik-otel-agent\.service: (\d+\.\d)/.exec(security.stdout)?.[1];
    expect(exposure, security.stdout + security.stderr).toBeDefined();
    expect(Number(exposure)).toBeLessThanOrEqual(2);
    expect(read('README.md')).toContain(`\`systemd-analyze security\` rates it **${exposure ?? ''} OK**`);
  });
});

describe('deploy/kubernetes', () => {
  const files = ['configmap.yaml', 'secret.yaml', 'deployment.yaml', 'service.yaml', 'servicemonitor.yaml'];
  const docs = new Map<string, Doc>(
    files.flatMap((file) =>
      parseAllDocuments(read(`deploy/kubernetes/${file}`)).map((doc): [string, Doc] => {
        expect(doc.errors, file).toEqual([]);
        const value = doc.toJS() as Doc;
        return [String(value['kind']), value];
      }),
    ),
  );
  const deployment = docs.get('Deployment');
  const container = at(deployment, 'spec', 'template', 'spec', 'containers', 0) as Doc;

  it('has a Deployment, Service, ServiceMonitor, ConfigMap and Secret, all in the kustomization', () => {
    expect([...docs.keys()].sort()).toEqual(['ConfigMap', 'Deployment', 'Secret', 'Service', 'ServiceMonitor']);
    const kustomization = parse(read('deploy/kubernetes/kustomization.yaml')) as { resources: string[] };
    expect([...kustomization.resources].sort()).toEqual([...files].sort());
  });

  it('probes /live and /ready on the port the config listens on; Service and ServiceMonitor reach it', () => {
    const port = at(container, 'ports', 0) as { name: string; containerPort: number };
    expect(at(container, 'livenessProbe', 'httpGet')).toEqual({ path: '/live', port: port.name });
    expect(at(container, 'readinessProbe', 'httpGet')).toEqual({ path: '/ready', port: port.name });
    const service = docs.get('Service');
    expect(at(service, 'spec', 'ports', 0, 'targetPort')).toBe(port.name);
    expect(at(service, 'spec', 'selector')).toEqual(at(deployment, 'spec', 'template', 'metadata', 'labels'));
    const monitor = docs.get('ServiceMonitor');
    expect(at(monitor, 'spec', 'selector', 'matchLabels')).toEqual(at(service, 'metadata', 'labels'));
    expect(at(monitor, 'spec', 'endpoints', 0)).toMatchObject({ port: at(service, 'spec', 'ports', 0, 'name'), path: '/metrics' });
    expect(at(deployment, 'spec', 'replicas')).toBe(1);
    expect(at(container, 'securityContext')).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });

    const { config } = loadConfig({ text: String(at(docs.get('ConfigMap'), 'data', 'agent.yaml')), env: {}, sections: routerConfigSections(COLLECTORS), syntaxOnly: true });
    expect(config.server.port).toBe(port.containerPort);
  });

  it('the ConfigMap\'s config loads with the Secret mounted where the Deployment mounts it', () => {
    const mounts = at(container, 'volumeMounts') as { name: string; mountPath: string; subPath?: string }[];
    const volumes = at(deployment, 'spec', 'template', 'spec', 'volumes') as Doc[];
    const configMount = mounts.find((mount) => volumes.find((volume) => volume['name'] === mount.name)?.['configMap'] !== undefined);
    const secretMount = mounts.find((mount) => volumes.find((volume) => volume['name'] === mount.name)?.['secret'] !== undefined);
    expect(at(container, 'args')).toEqual(['run', '--config', configMount?.mountPath]);
    expect(configMount?.subPath).toBe('agent.yaml');
    // Materialise the Secret at a private root and point the config's paths there.
    const root = join(work, 'pod');
    const secretDir = join(root, secretMount?.mountPath ?? 'missing');
    mkdirSync(secretDir, { recursive: true });
    const secret = at(docs.get('Secret'), 'stringData') as Record<string, string>;
    for (const [key, text] of Object.entries(secret)) writeFileSync(join(secretDir, key), text);
    const configText = String(at(docs.get('ConfigMap'), 'data', 'agent.yaml')).replaceAll(`${secretMount?.mountPath ?? ''}/`, `${secretDir}/`);
    const { config } = loadConfig({ text: configText, env: {}, sections: SECTIONS });
    expect(configuredRouters(config).map((router) => [router.name, router.password])).toEqual(
      configuredRouters(config).map((router) => [router.name, secret[router.name]]),
    );
    // Every file the config names is a key of the Secret.
    const named = [...configText.matchAll(new RegExp(`${secretDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/([^\\s"]+)`, 'g'))].map((m) => m[1]);
    for (const key of named) expect(Object.keys(secret)).toContain(key);
    expect(posix.isAbsolute(secretMount?.mountPath ?? '')).toBe(true);
  });
});
