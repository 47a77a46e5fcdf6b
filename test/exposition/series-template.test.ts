import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packedAttributes } from '../../src/engine/series.js';
import { sampleLine } from '../../src/exposition/format.js';
import { SeriesTemplates } from '../../src/exposition/series-template.js';
import { seriesKey } from '../../src/exposition/target-render.js';

const KEYS = ['router', 'site', 'interface', 'name', 'quote"d', 'back\\slash'];
const value = fc.string({ maxLength: 6 }).map((text) => `${text}${'"\\\n'.charAt(text.length % 4)}`);

/** A target's identity and labels, and the shapes of its samples. */
const target = fc.record({
  identity: fc.dictionary(fc.constantFrom('router', 'name'), value, { minKeys: 1 }),
  labels: fc.dictionary(fc.constantFrom(...KEYS), value),
});

function baseOf(identity: Record<string, string>, labels: Record<string, string>): Record<string, string> {
  const base = { ...identity };
  for (const [key, entry] of Object.entries(labels)) if (!(key in identity)) base[key] = entry;
  return base;
}

describe('SeriesTemplates', () => {
  it('renders the line and series key the generic walk would, for every target that shares a layout', () => {
    const shapes = KEYS.map((_, size) => Object.freeze(KEYS.slice(size % 3, size % 3 + 1 + (size % 4))));
    fc.assert(
      fc.property(fc.array(target, { minLength: 2, maxLength: 4 }), fc.array(value, { minLength: 12, maxLength: 12 }), (targets, values) => {
        for (const { identity, labels } of targets) {
          const base = baseOf(identity, labels);
          const templates = new SeriesTemplates(base, identity);
          for (const keys of shapes) {
            const template = templates.get(keys);
            const attributes = packedAttributes(base, identity, keys, values, 3);
            for (const extra of ['', 'extra="1"']) {
              expect(template?.line('family_total', values, 3, extra, '1.5')).toBe(sampleLine('family_total', attributes, 1.5, extra));
            }
            expect(template?.key(values, 3)).toBe(seriesKey(attributes));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('leaves shapes with integer-like keys to the generic walk (object key order is not insertion order)', () => {
    const templates = new SeriesTemplates({ router: 'r1' }, { router: 'r1' });
    expect(templates.get(['interface', '42'])).toBeUndefined();
    expect(new SeriesTemplates({ router: 'r1', 7: 'x' }, { router: 'r1' }).get(['interface'])).toBeUndefined();
    expect(templates.get(['interface'])?.line('up', ['ether1'], 0, '', '1')).toBe('up{router="r1",interface="ether1"} 1\n');
    // No labels at all: no braces, unless extra labels go on every line.
    const bare = new SeriesTemplates({}, {}).get([]);
    expect(bare?.line('up', [], 0, '', '1')).toBe('up 1\n');
    expect(bare?.line('up', [], 0, 'otel_scope_name="s"', '1')).toBe('up{otel_scope_name="s"} 1\n');
    expect(bare?.key([], 0)).toBe('');
  });
});

describe('seriesKey', () => {
  it('lists the attributes in the order sort() gives their keys', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 3 }), { maxKeys: 8 }), (attributes) => {
        const expected = Object.keys(attributes)
          .sort()
          .map((key) => `${key}\u0001${attributes[key]}\u0002`)
          .join('');
        expect(seriesKey(attributes)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});
