/**
 * Target discovery from DNS SRV records (RFC 2782), like Prometheus's `dns_sd_configs` of type SRV:
 * each name is looked up now and every `refreshMillis`, and its records become one target group of
 * `target:port` strings. Source-neutral, like the file_sd reader: a source turns the groups into its
 * own targets.
 *
 * A lookup that fails (no answer, SERVFAIL, NXDOMAIN, a timeout) keeps the name's last good targets
 * and reports why: a DNS outage must not drop a whole fleet from monitoring. Taking a name out of
 * the configuration is how its targets are removed. A record whose target is "." ("the service is
 * decidedly not available at this domain", RFC 2782) gives no target.
 */
import { Resolver } from 'node:dns/promises';
import type { DiscoveryState, TargetGroup, TargetProvider } from './file-sd.js';

/** One SRV name to follow. */
export interface DnsSrvName {
  readonly name: string;
  readonly refreshMillis: number;
  /** Labels of the name's group (a source may read connection settings from them). */
  readonly labels: Readonly<Record<string, string>>;
  /** DNS server as `ip` or `ip:port` (`[v6]:port`); the system's resolvers when absent. */
  readonly server?: string;
}

/** Options of {@link DnsSrvWatcher}. */
export interface DnsSrvWatcherOptions {
  readonly names: readonly DnsSrvName[];
  /** Every group of every name, after each change. Must not throw. */
  readonly onChange: (groups: readonly TargetGroup[]) => void;
  /** A lookup that failed (`dns_srv:<name>` and the reason). */
  readonly onError: (where: string, message: string) => void;
  /** Per query attempt. @default 5000 */
  readonly timeoutMillis?: number;
}

interface NameEntry {
  readonly spec: DnsSrvName;
  readonly resolver: Resolver;
  targets: readonly string[] | undefined;
  ok: boolean;
  error?: string;
  timer?: NodeJS.Timeout;
  checking?: Promise<void>;
}

/** The `where` of a name in groups, errors and the discovery gauge. */
export function dnsSrvLabel(name: string): string {
  return `dns_srv:${name}`;
}

/** Looks every name up now and on its interval; reports the whole set whenever one name's targets changed. */
export class DnsSrvWatcher implements TargetProvider {
  private readonly _options: DnsSrvWatcherOptions;
  private readonly _entries: NameEntry[];
  private _stopped = false;

  constructor(options: DnsSrvWatcherOptions) {
    this._options = options;
    this._entries = options.names.map((spec) => {
      // Two tries per lookup: one lost UDP datagram is not an outage.
      const resolver = new Resolver({ timeout: options.timeoutMillis ?? 5_000, tries: 2 });
      if (spec.server !== undefined) resolver.setServers([spec.server]);
      return { spec, resolver, targets: undefined, ok: true };
    });
  }

  groups(): TargetGroup[] {
    return this._entries.flatMap((entry, index) =>
      entry.targets === undefined ? [] : [{ targets: entry.targets, labels: entry.spec.labels, file: dnsSrvLabel(entry.spec.name), index }],
    );
  }

  states(): DiscoveryState[] {
    return this._entries.map((entry) => ({
      file: dnsSrvLabel(entry.spec.name),
      ok: entry.ok,
      groups: entry.targets === undefined ? 0 : 1,
      ...(entry.error === undefined ? {} : { error: entry.error }),
    }));
  }

  /** Looks every name up once (resolves when done), then each on its own interval. */
  async start(): Promise<void> {
    await this.check();
    for (const entry of this._entries) {
      if (this._stopped) return;
      // _checkEntry never rejects, so the timer cannot leave an unhandled rejection.
      entry.timer = setInterval(() => void this._checkEntry(entry), entry.spec.refreshMillis);
      entry.timer.unref();
    }
  }

  stop(): void {
    this._stopped = true;
    for (const entry of this._entries) {
      clearInterval(entry.timer);
      entry.resolver.cancel();
    }
  }

  /** Looks every name up now. */
  async check(): Promise<void> {
    await Promise.all(this._entries.map((entry) => this._checkEntry(entry)));
  }

  /** One lookup of one name at a time; never rejects. */
  private _checkEntry(entry: NameEntry): Promise<void> {
    entry.checking ??= this._lookup(entry)
      .catch((error: unknown) => {
        this._options.onError(dnsSrvLabel(entry.spec.name), error instanceof Error ? error.message : String(error));
      })
      .finally(() => {
        entry.checking = undefined;
      });
    return entry.checking;
  }

  private async _lookup(entry: NameEntry): Promise<void> {
    const where = dnsSrvLabel(entry.spec.name);
    let records: Awaited<ReturnType<Resolver['resolveSrv']>>;
    try {
      records = await entry.resolver.resolveSrv(entry.spec.name);
    } catch (error) {
      if (this._stopped) return;
      const code = (error as NodeJS.ErrnoException).code ?? 'failed';
      const server = entry.spec.server === undefined ? '' : ` at ${entry.spec.server}`;
      const message = `SRV lookup of ${entry.spec.name}${server} failed (${code})`;
      entry.ok = false;
      entry.error = message;
      this._options.onError(where, message);
      return;
    }
    if (this._stopped) return;
    const targets = [
      ...new Set(
        records
          .map((record) => ({ host: record.name.replace(/\.$/, ''), port: record.port }))
          .filter((record) => record.host !== '')
          .map((record) => `${record.host.includes(':') ? `[${record.host}]` : record.host}:${record.port}`),
      ),
    ].sort();
    entry.ok = true;
    delete entry.error;
    const changed = entry.targets === undefined || entry.targets.join('\n') !== targets.join('\n');
    entry.targets = targets;
    if (changed) this._options.onChange(this.groups());
  }
}
