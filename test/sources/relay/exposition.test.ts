import { describe, expect, it } from 'vitest';
import { ExpositionError, parseExposition } from '../../../src/sources/relay/exposition.js';

describe('exposition parser', () => {
  it('keeps counters, gauges, histograms and summaries with their types, strips and counts timestamps', () => {
    const parsed = parseExposition(
      [
        '# HELP http_requests_total Requests.',
        '# TYPE http_requests_total counter',
        'http_requests_total{method="post",code="200"} 1027 1395066363000',
        'http_requests_total{method="post",code="400"}    3 1395066363000',
        '# TYPE temp gauge',
        'temp -1.5e1',
        '# TYPE latency histogram',
        'latency_bucket{le="0.1"} 1',
        'latency_bucket{le="+Inf"} 2',
        'latency_sum 0.3',
        'latency_count 2',
        '# TYPE rpc summary',
        'rpc{quantile="0.5"} 0.2',
        'rpc_sum 1',
        'rpc_count 4',
        'bare 1',
      ].join('\n'),
    );
    expect(parsed.timestampsStripped).toBe(2);
    expect(parsed.families.map((family) => [family.name, family.type, family.series.length])).toEqual([
      ['http_requests_total', 'counter', 2],
      ['temp', 'gauge', 1],
      ['latency', 'histogram', 4],
      ['rpc', 'summary', 3],
      ['bare', 'untyped', 1],
    ]);
    expect(parsed.families[0]!.help).toBe('Requests.');
    expect(parsed.families[0]!.series[1]).toEqual({ name: 'http_requests_total', labels: { method: 'post', code: '400' }, value: 3 });
    expect(parsed.families[2]!.series[1]!.labels).toEqual({ le: '+Inf' });
  });

  it('reads OpenMetrics: _total samples, exemplars, _created dropped, # EOF', () => {
    const parsed = parseExposition(
      ['# TYPE jobs counter', 'jobs_total 5 # {trace_id="a"} 1 1.5', 'jobs_created 1700000000', '# EOF', ''].join('\n'),
    );
    expect(parsed.openMetrics).toBe(true);
    expect(parsed.families[0]!.series).toEqual([{ name: 'jobs_total', labels: {}, value: 5 }]);
  });

  it('decodes label escapes', () => {
    const parsed = parseExposition('m{a="x\\"y\\\\z\\n"} 1\n');
    expect(parsed.families[0]!.series[0]!.labels).toEqual({ a: 'x"y\\z\n' });
  });

  it.each([
    ['foo{a="1" 1', 1, /expected , or }/],
    ['ok 1\n1bad 2', 2, /expected a metric name/],
    ['x 1\nx 2', 2, /duplicate series x/],
    ['# TYPE x counter\nx -1', 2, /cannot be -1/],
    ['# TYPE h histogram\nh_bucket 1', 2, /numeric le label/],
    ['# TYPE x gauge\n# TYPE x gauge', 2, /second # TYPE/],
    ['x 1\ny 1\nx{a="b"} 2', 3, /appears again/],
    ['x one', 1, /invalid value "one"/],
    ['x 1 12:00', 1, /invalid timestamp/],
    ['# TYPE x widget', 1, /unknown type "widget"/],
    ['x 1\n# EOF\ny 2', 3, /after # EOF/],
    ['x{a="\\q"} 1', 1, /invalid escape/],
  ])('rejects %j at line %i', (text, line, reason) => {
    try {
      parseExposition(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ExpositionError);
      expect((error as ExpositionError).line).toBe(line);
      expect((error as Error).message).toMatch(reason);
    }
  });
});
