/**
 * The Prometheus exposition of every target snapshot, rendered when the data changes and concatenated
 * when scraped. A scrape decides, per metric name, which definition owns it (the first target to show
 * it, with each source's per-target metrics claimed first, as the OpenTelemetry producer does), then lists
 * each family's header once followed by every target's cached chunk of it: no per-series work, and no
 * copy of the fleet's text (the body is a list of the cached buffers).
 */
import { gzipSync } from 'node:zlib';
import type { MetricDefinition } from '../engine/metric.js';
import { engineDefinitions, identityKey } from '../engine/series.js';
import type { SnapshotSource, SourceDescriptor, TargetSnapshot } from '../engine/snapshot.js';
import { ByteRanges } from './byte-ranges.js';
import { labelText, OPENMETRICS_EOF, type ExpositionFormat } from './format.js';
import {
  chunkLength,
  describeDefinition,
  familyHeader,
  GZIP_LEVEL,
  gzipRender,
  headerBytes,
  pushChunk,
  renderTarget,
  sameDefinition,
  seriesKeysOf,
  type TargetRender,
} from './target-render.js';

/** Options of {@link SnapshotExposition}. */
export interface SnapshotExpositionOptions {
  readonly source: SnapshotSource;
  /**
   * `otel_scope_name` / `otel_scope_version` on every series (the SDK exporter's habit); off by default:
   * the version changes at every release and would give every series a new identity.
   */
  readonly scope?: { readonly name: string; readonly version?: string };
  /**
   * Longest stretch of rendering between two yields to the event loop in {@link refresh}.
   * @default 10
   */
  readonly sliceMillis?: number;
  /**
   * Compress chunks when they are rendered, before any scrape asks: Prometheus asks for gzip by default,
   * and compressing a whole fleet in the first gzip scrape would make that scrape slow. When false,
   * compression starts with the first gzip scrape.
   * @default true
   */
  readonly gzipAhead?: boolean;
}

/** One scrape's body: ranges of cached buffers to write in order. */
export interface ExpositionBody {
  readonly ranges: ByteRanges;
  readonly byteLength: number;
  /** Problems found (dropped duplicates, conflicting definitions); empty when all is well. */
  readonly errors: readonly string[];
  /** The ranges as buffers (tests and small bodies). */
  readonly chunks: readonly Buffer[];
}

/** Which definition owns a name, and the chunks of it that targets have: chunk `indexes[i]` of `renders[i]`. */
interface Claim {
  readonly definition: MetricDefinition;
  readonly renders: TargetRender[];
  readonly indexes: number[];
}

export class SnapshotExposition {
  private readonly _source: SnapshotSource;
  private readonly _scopeLabels: string;
  private readonly _sliceMillis: number;
  private _renders = new WeakMap<TargetSnapshot, TargetRender>();
  /** The last cached render of each target (by source and name): its unchanged gzip members are reused. */
  private readonly _latest = new Map<string, TargetRender>();
  private _sweptAt = 0;
  /** Chunks are compressed when rendered (from the start, or from the first gzip scrape). */
  private _gzipWanted = false;
  private _refreshing: Promise<void> | undefined;
  private _timer: NodeJS.Timeout | undefined;

  constructor(options: SnapshotExpositionOptions) {
    this._source = options.source;
    const scope = options.scope;
    this._scopeLabels =
      scope === undefined
        ? ''
        : labelText({
            otel_scope_name: scope.name,
            ...(scope.version === undefined || scope.version === '' ? {} : { otel_scope_version: scope.version }),
          }).slice(1, -1);
    this._sliceMillis = options.sliceMillis ?? 10;
    this._gzipWanted = options.gzipAhead ?? true;
  }

  /**
   * Looks for new snapshots every `intervalMillis` and renders them in the background, so scrapes find them
   * ready. A look costs one identity check per target, so it can be frequent.
   */
  start(intervalMillis = 100): void {
    if (this._timer !== undefined) return;
    // A render that fails here fails again, visibly, in the scrape that needs it.
    this._timer = setInterval(() => this.refresh().catch(() => undefined), intervalMillis);
    this._timer.unref();
  }

  stop(): void {
    if (this._timer !== undefined) clearInterval(this._timer);
    this._timer = undefined;
  }

  /**
   * Renders every snapshot not rendered yet (and gzips it once gzip was asked for), yielding to the
   * event loop every `sliceMillis`, so a fleet that polled at once does not stall the loop.
   */
  refresh(): Promise<void> {
    this._refreshing ??= this._refresh().finally(() => {
      this._refreshing = undefined;
    });
    return this._refreshing;
  }

  private async _refresh(): Promise<void> {
    let sliceStart = performance.now();
    const snapshots = this._source.snapshots();
    let rendered = 0;
    for (const snapshot of snapshots) {
      if (this._renders.has(snapshot)) continue;
      this._render(snapshot);
      rendered += 1;
      if (performance.now() - sliceStart >= this._sliceMillis) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    if (rendered > 0 && performance.now() - this._sweptAt >= SWEEP_MILLIS) {
      this._sweptAt = performance.now();
      // Targets removed (a reload, service discovery): their last renders are of no further use.
      const current = new Set(snapshots.map(targetKey));
      for (const key of this._latest.keys()) if (!current.has(key)) this._latest.delete(key);
    }
  }

  private _render(snapshot: TargetSnapshot): TargetRender {
    let render = this._renders.get(snapshot);
    if (render === undefined) {
      const key = targetKey(snapshot);
      const previous = this._latest.get(key);
      render = renderTarget(snapshot, this._scopeLabels, undefined, previous);
      if (this._gzipWanted) gzipRender(render, previous);
      this._renders.set(snapshot, render);
      this._latest.set(key, render);
    }
    return render;
  }

  /**
   * The families of every current snapshot, in the order the SDK serializer would list them: `head`
   * (the agent's own part, already in the asked format) first, then `# EOF` for OpenMetrics.
   */
  body(format: ExpositionFormat, gzip: boolean, head?: Buffer): ExpositionBody {
    return this._body(this._source.snapshots(), format, gzip, head);
  }

  /**
   * One target's families alone (a `/probe` answer), from the same cached rendering as {@link body}: a
   * snapshot rendered for /metrics is not rendered again for a probe, nor the other way round.
   */
  targetBody(snapshot: TargetSnapshot, format: ExpositionFormat, gzip: boolean): ExpositionBody {
    return this._body([snapshot], format, gzip);
  }

  private _body(snapshots: readonly TargetSnapshot[], format: ExpositionFormat, gzip: boolean, head?: Buffer): ExpositionBody {
    if (gzip) this._gzipWanted = true;
    const errors: string[] = [];
    const claims = this._claims(snapshots, errors);
    const ranges = new ByteRanges();
    if (head !== undefined) ranges.push(head);
    for (const { definition, renders, indexes } of claims.values()) {
      const header = familyHeader(definition);
      if (header === undefined) continue;
      // The header goes before the first chunk with lines: a family no target shows a line of is left out.
      let headed = false;
      for (let at = 0; at < renders.length; at += 1) {
        if (chunkLength(renders[at]!, indexes[at]!) === 0) continue;
        if (!headed) ranges.push(headerBytes(header, format, gzip));
        headed = true;
        pushChunk(ranges, renders[at]!, indexes[at]!, gzip, format);
      }
    }
    if (format === 'openmetrics') ranges.push(gzip ? eofGzip() : EOF);
    return {
      ranges,
      byteLength: ranges.byteLength,
      errors,
      get chunks() {
        return ranges.views();
      },
    };
  }

  /** Which definition owns each name, and every target's chunk of it, in exposition order. */
  private _claims(snapshots: readonly TargetSnapshot[], errors: string[]): Map<string, Claim> {
    const claims = new Map<string, Claim>();
    const sources = new Set<SourceDescriptor>();
    const identities = new Map<string, TargetSnapshot[]>();
    const conflicts = new Map<string, MetricDefinition>();
    let duplicates = 0;
    let firstDuplicate = '';
    let nonFinite = 0;
    let firstNonFinite = '';
    for (const snapshot of snapshots) {
      if (!sources.has(snapshot.source)) {
        sources.add(snapshot.source);
        // The engine's per-target metrics lead their source's series and win any name conflict.
        for (const definition of engineDefinitions(snapshot)) {
          if (!claims.has(definition.name)) claims.set(definition.name, { definition, renders: [], indexes: [] });
        }
      }
      const render = this._renderUnique(snapshot, identities);
      if (render.problems.duplicates > 0 && duplicates === 0) firstDuplicate = render.problems.firstDuplicate;
      if (render.problems.nonFinite > 0 && nonFinite === 0) firstNonFinite = render.problems.firstNonFinite;
      duplicates += render.problems.duplicates;
      nonFinite += render.problems.nonFinite;
      const definitions = render.definitions;
      let claim: Claim | undefined;
      for (let index = 0; index < definitions.length; index += 1) {
        const definition = definitions[index]!;
        const name = definition.name;
        // Chunks of one name are neighbours, and the first of them claims the name if nothing did.
        if (claim === undefined || claim.definition.name !== name) {
          claim = claims.get(name);
          if (claim === undefined) {
            claim = { definition, renders: [], indexes: [] };
            claims.set(name, claim);
          }
        }
        if (definition === claim.definition || sameDefinition(definition, claim.definition)) {
          claim.renders.push(render);
          claim.indexes.push(index);
        } else if (!conflicts.has(name)) {
          conflicts.set(name, definition);
        }
      }
    }
    for (const [name, rejected] of conflicts) {
      errors.push(
        `metric ${name}: two different definitions share this name; kept ${describeDefinition(claims.get(name)?.definition)}, dropped samples of ${describeDefinition(rejected)}`,
      );
    }
    if (duplicates > 0) errors.push(`${duplicates} duplicate series dropped, first: ${firstDuplicate}`);
    if (nonFinite > 0) {
      errors.push(`${nonFinite} counter samples dropped: not a finite non-negative number, first: ${firstNonFinite}`);
    }
    return claims;
  }

  /**
   * The cached render, unless an earlier target of this scrape has the very same identity: then its series
   * could repeat theirs, and it is rendered afresh without them (never cached: a misconfiguration).
   */
  private _renderUnique(snapshot: TargetSnapshot, identities: Map<string, TargetSnapshot[]>): TargetRender {
    const identity = identityKey(snapshot);
    const earlier = identities.get(identity);
    if (earlier === undefined) {
      identities.set(identity, [snapshot]);
      return this._render(snapshot);
    }
    const seen = new Set<string>();
    for (const previous of earlier) seriesKeysOf(previous, seen);
    earlier.push(snapshot);
    return renderTarget(snapshot, this._scopeLabels, seen);
  }
}

/** How often {@link SnapshotExposition} forgets the last renders of removed targets (a set of every target's key). */
const SWEEP_MILLIS = 10_000;

function targetKey(snapshot: TargetSnapshot): string {
  return `${snapshot.source.kind}\u0000${snapshot.name}`;
}

const EOF = Buffer.from(OPENMETRICS_EOF);
let eofGzipped: Buffer | undefined;
function eofGzip(): Buffer {
  return (eofGzipped ??= gzipSync(EOF, { level: GZIP_LEVEL }));
}
