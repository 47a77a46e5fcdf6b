/**
 * The label text and series key of the samples of one packed shape on one target, worked out once per
 * render instead of once per sample: a sample's attributes are the target's with the shape's keys set on
 * them (see forEachTargetSeries), so which labels come from the target, which from the sample, and in
 * which order, is the same for every sample of the shape. The output is exactly what `labelText` and
 * `seriesKey` give for the attributes object the generic walk would build.
 */
import { labelName, labelValueText } from './format.js';

/** What stands where: the target's own value (already rendered), or the sample's value at this index. */
interface Part {
  readonly text: string;
  /** Index into the shape's keys, or -1 when `text` is the whole part. */
  readonly index: number;
}

export class SeriesTemplate {
  /** Labels in attribute order: `name="value"`, or `name="` to be followed by the sample's value and `"`. */
  private readonly _labels: readonly Part[];
  /** Series-key parts in sorted key order: `key\u0001value\u0002`, or `key\u0001` plus the sample's value. */
  private readonly _key: readonly Part[];

  private constructor(labels: readonly Part[], key: readonly Part[]) {
    this._labels = labels;
    this._key = key;
  }

  /**
   * The template for samples with `keys` on a target whose attributes are `base`; undefined where object
   * key order would not be insertion order (integer-like keys) or a key is special (`__proto__`): such
   * samples take the generic walk.
   */
  static of(
    base: Readonly<Record<string, string>>,
    identity: Readonly<Record<string, string>>,
    keys: readonly string[],
  ): SeriesTemplate | undefined {
    const names: string[] = [];
    const constants: (string | undefined)[] = [];
    const indexes: number[] = [];
    for (const key in base) {
      if (!plainKey(key)) return undefined;
      names.push(key);
      constants.push(base[key]);
      indexes.push(-1);
    }
    for (let index = 0; index < keys.length; index += 1) {
      const key = keys[index]!;
      // The generic walk's test, prototype chain included.
      if (key in identity) continue;
      if (!plainKey(key)) return undefined;
      const position = names.indexOf(key);
      if (position >= 0) {
        indexes[position] = index;
      } else {
        names.push(key);
        constants.push(undefined);
        indexes.push(index);
      }
    }
    const labels = names.map((name, at): Part => {
      const index = indexes[at]!;
      return index < 0 ? { text: `${labelName(name)}="${labelValueText(constants[at])}"`, index } : { text: `${labelName(name)}="`, index };
    });
    const order = names.map((_, at) => at).sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
    const key = order.map((at): Part => {
      const index = indexes[at]!;
      return index < 0 ? { text: `${names[at]}\u0001${constants[at]}\u0002`, index } : { text: `${names[at]}\u0001`, index };
    });
    return new SeriesTemplate(labels, key);
  }

  /** `{…}` as labelText renders the sample's attributes followed by `extra`, '' when there are none. */
  labels(values: readonly string[], offset: number, extra: string): string {
    const parts = this._labels;
    let text = '';
    for (let at = 0; at < parts.length; at += 1) {
      const part = parts[at]!;
      if (at > 0) text += ',';
      text += part.index < 0 ? part.text : `${part.text}${labelValueText(values[offset + part.index])}"`;
    }
    if (extra !== '') text += text === '' ? extra : `,${extra}`;
    return text === '' ? '' : `{${text}}`;
  }

  /** seriesKey of the sample's attributes. */
  key(values: readonly string[], offset: number): string {
    const parts = this._key;
    let key = '';
    for (let at = 0; at < parts.length; at += 1) {
      const part = parts[at]!;
      key += part.index < 0 ? part.text : `${part.text}${values[offset + part.index]}\u0002`;
    }
    return key;
  }
}

/** Keys that an object keeps in insertion order and stores as own properties. */
function plainKey(key: string): boolean {
  return key !== '__proto__' && !/^\d+$/.test(key);
}

/** Templates of one render by shape keys (the packed columns share one keys array per shape). */
export class SeriesTemplates {
  private readonly _templates = new Map<readonly string[], SeriesTemplate | null>();
  private _lastKeys: readonly string[] | undefined;
  private _last: SeriesTemplate | undefined;

  constructor(
    private readonly _base: Readonly<Record<string, string>>,
    private readonly _identity: Readonly<Record<string, string>>,
  ) {}

  /** Undefined: use the generic walk for this shape. */
  get(keys: readonly string[]): SeriesTemplate | undefined {
    // Samples of one shape come in runs.
    if (keys === this._lastKeys) return this._last;
    let template = this._templates.get(keys);
    if (template === undefined) {
      template = SeriesTemplate.of(this._base, this._identity, keys) ?? null;
      this._templates.set(keys, template);
    }
    this._lastKeys = keys;
    this._last = template ?? undefined;
    return this._last;
  }
}
