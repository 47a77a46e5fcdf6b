/**
 * The label text and series key of the samples of one packed shape on one target, worked out once
 * instead of once per sample: a sample's attributes are the target's with the shape's keys set on them
 * (see forEachTargetSeries), so which labels come from the target, which from the sample, and in which
 * order, is the same for every sample of the shape. The output is exactly what `sampleLine` and
 * `seriesKey` give for the attributes object the generic walk would build.
 *
 * That arrangement (a layout) depends only on the target's attribute keys and the shape's, so it is worked
 * out once per process and shared by every target with the same keys, every render and every collect;
 * a target only supplies its own values, rendered once per render. Building the layouts anew for each
 * render (a sort and a few arrays per shape) was a sixth of what a render allocated.
 */
import { labelName, labelValueText } from './format.js';

/** What stands where: the target's own value (`base`, rendered per target), or the sample's value at `index`. */
interface Part {
  /** `name="` or `key\u0001`, followed by the sample's value; '' for a target's value. */
  readonly text: string;
  /** Index into the shape's keys, or -1 for a target's value. */
  readonly index: number;
  /** Index into the target's attribute keys, for a target's value. */
  readonly base: number;
}

/** The parts of one shape on targets with one set of attribute keys. */
interface Layout {
  /** Labels in attribute order. */
  readonly labels: readonly Part[];
  /** Series-key parts in sorted key order. */
  readonly key: readonly Part[];
}

/** A target's own values, rendered: `name="value"` for labels, `key\u0001value\u0002` for keys. */
interface TargetTexts {
  readonly labels: readonly string[];
  readonly keys: readonly string[];
}

/**
 * A line or key as constant text around the sample's values: `segments[0] v0 segments[1] v1 …`, the
 * value at `indexes[i]` going after `segments[i]`. Joining the few pieces per sample, instead of a piece
 * per label, is most of what a render allocates per series.
 */
interface Segments {
  readonly segments: readonly string[];
  readonly indexes: readonly number[];
}

export class SeriesTemplate {
  /** The line segments of the last family name and extra labels asked for (a shape has one family). */
  private _line: (Segments & { readonly name: string; readonly extra: string }) | undefined;
  private _key: Segments | undefined;

  constructor(
    private readonly _layout: Layout,
    private readonly _target: TargetTexts,
  ) {}

  /** `name{labels} value\n` exactly as sampleLine renders the sample's attributes followed by `extra`. */
  line(name: string, values: readonly string[], offset: number, extra: string, value: string): string {
    let line = this._line;
    if (line === undefined || line.name !== name || line.extra !== extra) {
      line = { ...this._lineSegments(name, extra), name, extra };
      this._line = line;
    }
    const { segments, indexes } = line;
    let text = segments[0]!;
    for (let at = 0; at < indexes.length; at += 1) text += labelValueText(values[offset + indexes[at]!]) + segments[at + 1]!;
    return `${text}${value}\n`;
  }

  private _lineSegments(name: string, extra: string): Segments {
    const parts = this._layout.labels;
    if (parts.length === 0 && extra === '') return { segments: [`${name} `], indexes: [] };
    const close = extra === '' ? '} ' : `${parts.length === 0 ? '' : ','}${extra}} `;
    return segmentsOf(parts, this._target.labels, { open: `${name}{`, between: ',', afterValue: '"', close });
  }

  /** seriesKey of the sample's attributes. */
  key(values: readonly string[], offset: number): string {
    this._key ??= this._keySegments();
    const { segments, indexes } = this._key;
    let key = segments[0]!;
    for (let at = 0; at < indexes.length; at += 1) key += values[offset + indexes[at]!]! + segments[at + 1]!;
    return key;
  }

  private _keySegments(): Segments {
    return segmentsOf(this._layout.key, this._target.keys, { open: '', between: '', afterValue: '\u0002', close: '' });
  }
}

/**
 * The segments of `parts`: a target's value joins the constant text, a sample's value ends a segment
 * (after its part's text) and `afterValue` starts the next; `between` goes between parts.
 */
function segmentsOf(
  parts: readonly Part[],
  own: readonly string[],
  spelling: { readonly open: string; readonly between: string; readonly afterValue: string; readonly close: string },
): Segments {
  const segments: string[] = [];
  const indexes: number[] = [];
  let text = spelling.open;
  for (let at = 0; at < parts.length; at += 1) {
    const part = parts[at]!;
    if (at > 0) text += spelling.between;
    if (part.index < 0) {
      text += own[part.base];
    } else {
      segments.push(text + part.text);
      indexes.push(part.index);
      text = spelling.afterValue;
    }
  }
  segments.push(text + spelling.close);
  return { segments, indexes };
}

/**
 * The layout of a shape on targets whose attributes have `baseKeys`; null where object key order would
 * not be insertion order (integer-like keys) or a key is special (`__proto__`): such samples take the
 * generic walk.
 */
function layoutOf(baseKeys: readonly string[], identity: Readonly<Record<string, string>>, keys: readonly string[]): Layout | null {
  const names = [...baseKeys];
  if (!names.every(plainKey)) return null;
  const indexes = names.map(() => -1);
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    // The generic walk's test, prototype chain included.
    if (key in identity) continue;
    if (!plainKey(key)) return null;
    const position = names.indexOf(key);
    if (position >= 0) {
      indexes[position] = index;
    } else {
      names.push(key);
      indexes.push(index);
    }
  }
  const part = (at: number, text: string): Part => {
    const index = indexes[at]!;
    return index < 0 ? { text: '', index, base: at } : { text, index, base: -1 };
  };
  const labels = names.map((name, at) => part(at, `${labelName(name)}="`));
  const order = names.map((_, at) => at).sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
  const key = order.map((at) => part(at, `${names[at]}\u0001`));
  return { labels, key };
}

/** Keys that an object keeps in insertion order and stores as own properties. */
function plainKey(key: string): boolean {
  return key !== '__proto__' && !/^\d+$/.test(key);
}

/**
 * Layouts by the target's attribute keys and identity keys, then by shape keys (the packed columns share
 * one keys array per shape). The first level is bounded by the kinds of targets a configuration has.
 */
const layouts = new Map<string, WeakMap<readonly string[], Layout | null>>();

/** The templates of one target for one render or collect. */
export class SeriesTemplates {
  private readonly _layouts: WeakMap<readonly string[], Layout | null>;
  private readonly _baseKeys: readonly string[];
  private readonly _texts: TargetTexts;
  private readonly _templates = new Map<readonly string[], SeriesTemplate | undefined>();
  private _lastKeys: readonly string[] | undefined;
  private _last: SeriesTemplate | undefined;

  constructor(
    base: Readonly<Record<string, string>>,
    private readonly _identity: Readonly<Record<string, string>>,
  ) {
    const baseKeys = Object.keys(base);
    // What `key in identity` answers depends on the identity's own keys and its prototype.
    const signature = `${baseKeys.join('\u0000')}\u0001${Object.keys(_identity).join('\u0000')}\u0001${Object.getPrototypeOf(_identity) === Object.prototype}`;
    let shared = layouts.get(signature);
    if (shared === undefined) {
      // Weak: shapes come and go with the definitions they belong to (a relay's pushed metrics).
      shared = new WeakMap();
      layouts.set(signature, shared);
    }
    this._layouts = shared;
    this._baseKeys = baseKeys;
    this._texts = {
      labels: baseKeys.map((key) => `${labelName(key)}="${labelValueText(base[key])}"`),
      keys: baseKeys.map((key) => `${key}\u0001${base[key]}\u0002`),
    };
  }

  /** Undefined: use the generic walk for this shape. */
  get(keys: readonly string[]): SeriesTemplate | undefined {
    // Samples of one shape come in runs.
    if (keys === this._lastKeys) return this._last;
    let template = this._templates.get(keys);
    if (template === undefined && !this._templates.has(keys)) {
      let layout = this._layouts.get(keys);
      if (layout === undefined) {
        layout = layoutOf(this._baseKeys, this._identity, keys);
        this._layouts.set(keys, layout);
      }
      template = layout === null ? undefined : new SeriesTemplate(layout, this._texts);
      this._templates.set(keys, template);
    }
    this._lastKeys = keys;
    this._last = template;
    return template;
  }
}
