/**
 * The `server` section: listen address, optional HTTPS and optional authentication.
 */
import { parseListen } from './address.js';
import { parseDuration } from './duration.js';
import { joinPath, type Problems } from './errors.js';
import { checkReadable, readSecretFile, resolveFile } from './files.js';
import type { RawConfig } from './schema.js';
import type { ServerAuthConfig, ServerConfig, ServerTlsConfig } from './types.js';

/** What the server normaliser needs from the loader. */
export interface ServerContext {
  readonly problems: Problems;
  readonly baseDir: string;
  readonly substitutedPaths: ReadonlySet<string>;
  readonly plainSecrets: string[];
  /** `--listen`, which beats the file and the environment. */
  readonly listenOverride?: string;
}

/** bcrypt as produced by htpasswd -B and bcryptjs (`$2a$`, `$2b$`, `$2y$`). */
const BCRYPT = /^\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}$/;

/** Builds ServerConfig from the convict values. */
export function normaliseServer(raw: RawConfig['server'], context: ServerContext): ServerConfig {
  const { problems, baseDir } = context;
  const listenText = context.listenOverride ?? raw.listen;
  const listen = typeof listenText === 'string' ? parseListen(listenText) : undefined;
  // A bad file value was already reported by the schema; a bad flag is reported here.
  if (listen === undefined && context.listenOverride !== undefined) {
    problems.add('--listen', 'must be host:port, [v6]:port or :port (port 0-65535)');
  }

  let tls: ServerTlsConfig | undefined;
  const certFile = raw.tls.cert_file;
  const keyFile = raw.tls.key_file;
  if (certFile !== '' || keyFile !== '') {
    if (certFile === '' || keyFile === '') {
      problems.add('server.tls', 'cert_file and key_file must be set together');
    } else {
      tls = { certFile: resolveFile(baseDir, certFile), keyFile: resolveFile(baseDir, keyFile) };
      checkReadable(tls.certFile, 'server.tls.cert_file', problems);
      checkReadable(tls.keyFile, 'server.tls.key_file', problems);
    }
  }

  const auth = normaliseAuth(raw.auth, context);
  if (auth !== undefined && tls === undefined) {
    problems.warn('server.auth', 'credentials cross the network in clear text without server.tls');
  }

  const requestTimeoutMillis = parseDuration(String(raw.request_timeout)) ?? 30_000;
  if (requestTimeoutMillis <= 0) problems.add('server.request_timeout', 'must be greater than 0');

  const server: ServerConfig = {
    host: listen?.host ?? '0.0.0.0',
    port: listen?.port ?? 9436,
    maxConcurrentScrapes: raw.max_concurrent_scrapes,
    requestTimeoutMillis,
    maxHeaderBytes: raw.max_header_bytes,
    scopeLabels: raw.scope_labels,
    enableLifecycle: raw.enable_lifecycle,
  };
  if (tls !== undefined) Object.assign(server, { tls });
  if (auth !== undefined) Object.assign(server, { auth });
  return server;
}

function normaliseAuth(raw: RawConfig['server']['auth'], context: ServerContext): ServerAuthConfig | undefined {
  const { problems } = context;
  const basicUsers: Record<string, string> = {};
  for (const [user, hash] of Object.entries(raw.basic_users)) {
    const path = joinPath('server.auth.basic_users', user);
    if (user === '' || user.includes(':')) {
      problems.add(path, 'user names must be non-empty and contain no colon');
    } else if (typeof hash !== 'string' || !BCRYPT.test(hash)) {
      // The value is never echoed: it might be a plain password pasted by mistake.
      problems.add(path, 'must be a bcrypt hash ($2y$…; make one with `htpasswd -nbB user password`)');
    } else {
      basicUsers[user] = hash;
    }
  }

  let bearerToken = raw.bearer_token;
  if (bearerToken !== '' && !context.substitutedPaths.has('server.auth.bearer_token')) {
    context.plainSecrets.push('server.auth.bearer_token');
  }
  if (raw.bearer_token_file !== '') {
    if (raw.bearer_token !== '') {
      problems.add('server.auth.bearer_token_file', 'set bearer_token or bearer_token_file, not both');
    } else {
      const token = readSecretFile(
        resolveFile(context.baseDir, raw.bearer_token_file),
        'server.auth.bearer_token_file',
        problems,
      );
      if (token !== undefined && token.trim() === '') problems.add('server.auth.bearer_token_file', 'the file is empty');
      bearerToken = token ?? '';
    }
  }

  const openPaths: string[] = [];
  raw.open_paths.forEach((item: unknown, index) => {
    if (typeof item !== 'string' || !item.startsWith('/')) {
      problems.add(joinPath('server.auth.open_paths', index), 'must be a path starting with /');
    } else {
      openPaths.push(item);
    }
  });

  if (Object.keys(basicUsers).length === 0 && bearerToken === '') return undefined;
  return { basicUsers, bearerToken, openPaths };
}
