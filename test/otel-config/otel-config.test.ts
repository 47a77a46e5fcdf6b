/**
 * otel-config/: every Collector config parses, says which distribution it needs, and uses only components of
 * that distribution, each one defined before the service uses it; the scrape example has the auth and TLS of
 * examples/agent.yaml; the Grafana Cloud variables are one set across README.md, examples/ and otel-config/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { COLLECTORS } from '../../src/sources/routeros/collectors/registry.js';
import { routerConfigSections } from '../../src/sources/routeros/config/sections.js';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const files = readdirSync(new URL('../../otel-config/', import.meta.url)).filter((name) => /\.ya?ml$/.test(name));

type Kind = 'receivers' | 'processors' | 'exporters' | 'extensions' | 'connectors';
const KINDS: readonly Kind[] = ['receivers', 'processors', 'exporters', 'extensions', 'connectors'];

/**
 * The core `otelcol` distribution's components (opentelemetry-collector-releases,
 * distributions/otelcol/manifest.yaml, v0.139.0), by component type. `otlp_http` is the name of the
 * otlphttp exporter from Collector v0.144.0 on.
 */
const CORE: Readonly<Record<Kind, readonly string[]>> = {
  receivers: ['nop', 'otlp', 'hostmetrics', 'jaeger', 'kafka', 'prometheus', 'zipkin'],
  exporters: ['debug', 'nop', 'otlp', 'otlphttp', 'otlp_http', 'file', 'kafka', 'prometheus', 'prometheusremotewrite', 'zipkin'],
  extensions: ['zpages', 'health_check', 'pprof'],
  processors: ['batch', 'memory_limiter', 'attributes', 'resource', 'span', 'probabilistic_sampler', 'filter'],
  connectors: ['forward'],
};
/** Contrib components these configs may use besides the core ones (all in otelcol-contrib). */
const CONTRIB_ONLY: Readonly<Record<Kind, readonly string[]>> = {
  receivers: [],
  exporters: [],
  extensions: ['file_storage', 'basicauth', 'bearertokenauth', 'headers_setter'],
  processors: ['cumulativetodelta', 'deltatocumulative', 'transform', 'metricstransform'],
  connectors: [],
};

function distributionOf(text: string): string | undefined {
  return /^# Distribution: (otelcol-contrib|otelcol)\b/m.exec(text)?.[1];
}

describe('otel-config/', () => {
  it('holds the push and the scrape Collector configs', () => {
    expect(files.sort()).toEqual(['collector-scrape.yaml', 'collector.yaml']);
  });

  for (const file of files) {
    it(`${file}: parses, names its distribution, and uses only its components, each defined where used`, () => {
      const text = read(`otel-config/${file}`);
      const config = parse(text) as Record<string, Record<string, unknown> | undefined>;
      const distribution = distributionOf(text);
      expect(distribution, `${file} must say "# Distribution: otelcol" or "otelcol-contrib"`).toBeDefined();
      let needsContrib = false;
      for (const kind of KINDS) {
        for (const id of Object.keys(config[kind] ?? {})) {
          const type = id.split('/')[0] ?? id;
          const inCore = CORE[kind].includes(type);
          const inContrib = inCore || CONTRIB_ONLY[kind].includes(type);
          expect(inContrib, `${file}: ${kind} ${type} is in neither distribution's list`).toBe(true);
          if (!inCore) needsContrib = true;
          if (distribution === 'otelcol') expect(inCore, `${file}: ${kind} ${type} is not in the core otelcol distribution`).toBe(true);
        }
      }
      // Say contrib only when it is needed, so users of the core distribution are not sent elsewhere.
      expect(distribution).toBe(needsContrib ? 'otelcol-contrib' : 'otelcol');

      const service = config['service'] as { extensions?: string[]; pipelines: Record<string, Partial<Record<Kind, string[]>>> };
      for (const id of service.extensions ?? []) expect(Object.keys(config['extensions'] ?? {}), id).toContain(id);
      for (const [name, pipeline] of Object.entries(service.pipelines)) {
        for (const kind of ['receivers', 'processors', 'exporters'] as const) {
          for (const id of pipeline[kind] ?? []) expect(Object.keys(config[kind] ?? {}), `${name}: ${id}`).toContain(id);
        }
      }
      // Extensions named inside components (authenticators, queue storage) are defined and enabled.
      const referenced = [...text.matchAll(/^\s+(?:authenticator|storage): (\S+)$/gm)].map((match) => match[1] ?? '');
      for (const id of referenced) expect(service.extensions ?? [], id).toContain(id);
    });
  }

  it('the persistent queue directory is created on a fresh install', () => {
    const config = parse(read('otel-config/collector.yaml')) as { extensions: Record<string, Record<string, unknown>> };
    const storages = Object.entries(config.extensions).filter(([id]) => id.startsWith('file_storage'));
    expect(storages.length).toBeGreaterThan(0);
    for (const [, storage] of storages) expect(storage).toMatchObject({ create_directory: true });
  });

  it('the scrape example uses the HTTPS, bearer token file and port of examples/agent.yaml', () => {
    const agent = parse(read('examples/agent.yaml')) as {
      server: { listen: string; auth: { bearer_token_file: string }; tls: { cert_file: string } };
    };
    const scrape = parse(read('otel-config/collector-scrape.yaml')) as {
      receivers: { prometheus: { config: { scrape_configs: Record<string, unknown>[] } } };
    };
    const job = scrape.receivers.prometheus.config.scrape_configs[0] ?? {};
    expect(job['scheme']).toBe('https');
    expect(job['authorization']).toEqual({ type: 'Bearer', credentials_file: agent.server.auth.bearer_token_file });
    expect(job['tls_config']).toMatchObject({ ca_file: expect.stringMatching(/\.pem$/) });
    const port = agent.server.listen.split(':').at(-1);
    expect((job['static_configs'] as { targets: string[] }[])[0]?.targets.every((target) => target.endsWith(`:${port ?? ''}`))).toBe(true);
  });

  it('Grafana Cloud: one set of variable names in README, examples and otel-config, and GRAFANA_OTLP_AUTH means the same everywhere', () => {
    const sources = [
      'README.md',
      ...readdirSync(new URL('../../examples/', import.meta.url)).map((name) => `examples/${name}`),
      ...files.map((name) => `otel-config/${name}`),
    ];
    const known = ['GRAFANA_OTLP_ENDPOINT', 'GRAFANA_OTLP_AUTH', 'GRAFANA_CLOUD_INSTANCE_ID', 'GRAFANA_CLOUD_TOKEN'];
    const used = new Set<string>();
    for (const source of sources) {
      const text = read(source);
      for (const match of text.matchAll(/\bGRAFANA_[A-Z_]+\b/g)) used.add(match[0]);
      // GRAFANA_OTLP_AUTH holds base64(instance-id:token); every header that uses it adds "Basic ".
      for (const match of text.matchAll(/Authorization: "?([^"\n]*GRAFANA_OTLP_AUTH[^"\n]*)/g)) {
        expect(match[1], source).toMatch(/^Basic \$\{GRAFANA_OTLP_AUTH\}/);
      }
      for (const match of text.matchAll(/GRAFANA_OTLP_AUTH="([^\n]*)"/g)) expect(match[1], source).not.toContain('Basic');
    }
    expect([...used].sort()).toEqual([...known].sort());
    // And the agent sends what Grafana Cloud expects.
    const auth = Buffer.from('123456:glc_token').toString('base64');
    const { config } = loadConfig({
      file: new URL('../../examples/grafana-cloud.yaml', import.meta.url).pathname,
      env: { GRAFANA_OTLP_AUTH: auth, GRAFANA_OTLP_ENDPOINT: 'https://otlp-gateway-prod-us-east-0.grafana.net/otlp', CORE1_PASSWORD: 'x' },
      sections: routerConfigSections(COLLECTORS),
    });
    expect(config.otlp.headers).toMatchObject({ Authorization: `Basic ${auth}` });
    expect(config.otlp.endpoint).toBe('https://otlp-gateway-prod-us-east-0.grafana.net/otlp/v1/metrics');
  });
});
