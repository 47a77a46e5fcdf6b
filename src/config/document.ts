/**
 * The normalised configuration written back in the config file's own keys and formats
 * (`server.listen`, `interval: 30s`), so `check-config` output can be read
 * next to the file it came from and fed back to the agent. Every value is explicit: what came from
 * defaults, `${ENV}`, secret files, `headers_file` or `OTEL_*` variables is written in place, so the
 * document alone loads to the same AgentConfig. Secrets pass through `secret` on the way out.
 */
import { formatHostPort } from './address.js';
import { formatDuration } from './duration.js';
import { type ConfigSection, insertAfter } from './sections.js';
import type { AgentConfig } from './types.js';

/** Options of {@link configDocument}. */
export interface ConfigDocumentOptions {
  /**
   * Writes one secret: a source's credential, the bearer token, a basic-auth hash, an OTLP header value or
   * the credentials in the OTLP endpoint URL. `check-config` redacts them.
   */
  readonly secret: (value: string) => string;
  /** The source-owned sections to print after the core ones (config/sections.ts). */
  readonly sections?: readonly ConfigSection[];
}

/** A config document: plain data for a YAML or JSON writer. */
export type ConfigDocument = Record<string, unknown>;

/** `config` in the file's shape; see the module comment. */
export function configDocument(config: AgentConfig, options: ConfigDocumentOptions): ConfigDocument {
  const { secret } = options;
  const { server, collection, otlp, log } = config;
  const core: ConfigDocument = {
    server: {
      listen: formatHostPort(server.host, server.port),
      ...(server.tls === undefined ? {} : { tls: { cert_file: server.tls.certFile, key_file: server.tls.keyFile } }),
      ...(server.auth === undefined
        ? {}
        : {
            auth: {
              basic_users: mapValues(server.auth.basicUsers, secret),
              bearer_token: secret(server.auth.bearerToken),
              open_paths: [...server.auth.openPaths],
            },
          }),
      max_concurrent_scrapes: server.maxConcurrentScrapes,
      request_timeout: formatDuration(server.requestTimeoutMillis),
      max_header_bytes: server.maxHeaderBytes,
      scope_labels: server.scopeLabels === true,
      enable_lifecycle: server.enableLifecycle ?? false,
    },
    collection: {
      interval: formatDuration(collection.intervalMillis),
      timeout: formatDuration(collection.timeoutMillis),
      concurrency: collection.concurrency,
      startup_check: collection.startupCheck,
      shard: { index: collection.shard?.index ?? 0, count: collection.shard?.count ?? 1 },
    },
    otlp: {
      enabled: otlp.enabled,
      endpoint: replaceUrlCredentials(otlp.endpoint, secret),
      protocol: otlp.protocol,
      headers: mapValues(otlp.headers, secret),
      interval: formatDuration(otlp.intervalMillis),
      timeout: formatDuration(otlp.timeoutMillis),
      compression: otlp.compression,
      temporality: otlp.temporality,
      tls: { ca_file: otlp.caFile, cert_file: otlp.clientCertFile, key_file: otlp.clientKeyFile },
    },
    log: { level: log.level, format: log.format },
    resource_attributes: { ...config.resourceAttributes },
  };
  return sectionDocuments(core, config, options.sections ?? [], secret);
}

/** The core document with each section's document added: after its `after` key, else at the end. */
function sectionDocuments(
  core: ConfigDocument,
  config: AgentConfig,
  sections: readonly ConfigSection[],
  secret: ConfigDocumentOptions['secret'],
): ConfigDocument {
  let documents: ConfigDocument = core;
  for (const section of sections) {
    if (config.sections !== undefined && Object.hasOwn(config.sections, section.key)) {
      const document = section.document(config.sections[section.key], secret);
      const [parentKey, childKey] = section.key.split('.', 2);
      if (parentKey === undefined || childKey === undefined) {
        documents = section.after === undefined ? { ...documents, [section.key]: document } : insertAfter(documents, section.after, section.key, document);
      } else {
        // Inside its parent section, printed before it (registry order: the parent's owner comes first).
        const parent = documents[parentKey];
        documents[parentKey] = { ...(parent !== null && typeof parent === 'object' ? parent : {}), [childKey]: document };
      }
    }
  }
  return documents;
}

function mapValues(map: Readonly<Record<string, string>>, write: (value: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key, write(value)]));
}

/** `https://user:pass@host/…` with the `user:pass` part passed through `write`; other URLs unchanged. */
function replaceUrlCredentials(url: string, write: (value: string) => string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/@]*)@/i.exec(url);
  return match === null ? url : `${match[1] ?? ''}${write(match[2] ?? '')}@${url.slice(match[0].length)}`;
}
