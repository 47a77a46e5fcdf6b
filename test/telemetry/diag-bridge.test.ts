import { diag } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { DiagReporter, formatDiagMessage, subscribeDiagErrors } from '../../src/telemetry/diag-bridge.js';

describe('formatDiagMessage', () => {
  it('joins the message with its arguments, errors as name, message and code', () => {
    const error = Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' });
    expect(formatDiagMessage('export failed', [error, 42, { a: 1 }, undefined])).toBe(
      'export failed Error: connect refused (ECONNREFUSED) 42 {"a":1}',
    );
  });

  it('turns an error the SDK logged as JSON (stack included) into one readable line', () => {
    const error = new Error('PeriodicExportingMetricReader: metrics export failed (error OTLPExporterError: Unauthorized)');
    const stringified = JSON.stringify(error, Object.getOwnPropertyNames(error));
    expect(stringified).toContain('\\n    at ');
    expect(formatDiagMessage(stringified, [])).toBe(
      'PeriodicExportingMetricReader: metrics export failed (error OTLPExporterError: Unauthorized)',
    );
    expect(formatDiagMessage(JSON.stringify({ stack: 'Error: boom\n    at x (y.js:1:1)' }), [])).toBe('Error: boom');
    expect(formatDiagMessage('{not json', [])).toBe('{not json');
  });

  it('caps very long messages', () => {
    expect(formatDiagMessage('x'.repeat(5000), []).length).toBe(2001);
  });
});

describe('DiagReporter', () => {
  it('redacts every secret, longest first', () => {
    const messages: string[] = [];
    const reporter = new DiagReporter({ onError: (m) => messages.push(m), secrets: ['abc123', 'Bearer abc123', 'xy'] });
    reporter.report('header Authorization: Bearer abc123; token abc123; xy stays');
    expect(messages).toEqual(['header Authorization: <redacted>; token <redacted>; xy stays']);
  });

  it('passes a repeated message on once per window and counts the repeats', () => {
    const messages: string[] = [];
    let now = 0;
    const reporter = new DiagReporter({ onError: (m) => messages.push(m), secrets: [], repeatWindowMillis: 1000, nowMillis: () => now });
    reporter.report('export failed');
    reporter.report('export failed');
    reporter.report('other');
    now = 999;
    reporter.report('export failed');
    now = 1000;
    reporter.report('export failed');
    expect(messages).toEqual(['export failed', 'other', 'export failed (repeated 2 times since)']);
  });

  it('survives a throwing logger', () => {
    const reporter = new DiagReporter({
      onError: () => {
        throw new Error('logger down');
      },
      secrets: [],
    });
    expect(() => reporter.report('x')).not.toThrow();
  });
});

describe('subscribeDiagErrors', () => {
  it('fans diag errors out to subscribers until they unsubscribe', () => {
    const a: string[] = [];
    const b: string[] = [];
    const offA = subscribeDiagErrors((m) => a.push(m));
    const offB = subscribeDiagErrors((m) => {
      b.push(m);
      throw new Error('sink failure is contained');
    });
    diag.error('one');
    diag.warn('warnings are not errors');
    offA();
    diag.error('two');
    offB();
    diag.error('three');
    expect(a).toEqual(['one']);
    expect(b).toEqual(['one', 'two']);
  });
});
