/**
 * The end-to-end helpers themselves: a wrong normalisation or a parser that drops lines would let the
 * golden and backend comparisons pass for the wrong reason.
 */
import { describe, expect, it } from 'vitest';
import { parseExposition, samplesOf } from './helpers/exposition.js';
import { normaliseScrape, unifiedDiff } from './helpers/golden.js';

const SCRAPE = [
  '# HELP target_info Target metadata',
  '# TYPE target_info gauge',
  'target_info{service_name="agent",service_version="1.2.3",service_instance_id="box",host_name="box",process_pid="4242"} 1',
  '# HELP mikrotik_agent_poll_duration_seconds How long polls took.',
  '# UNIT mikrotik_agent_poll_duration_seconds s',
  '# TYPE mikrotik_agent_poll_duration_seconds histogram',
  'mikrotik_agent_poll_duration_seconds_count{result="ok"} 3',
  'mikrotik_agent_poll_duration_seconds_bucket{result="ok",le="+Inf"} 3',
  '# HELP routeros_collection_duration_seconds How long the last run took.',
  '# TYPE routeros_collection_duration_seconds gauge',
  'routeros_collection_duration_seconds{router="r1",collector="system",otel_scope_version="1.2.3"} 0.0123',
  '# HELP routeros_peer_info Peer.',
  '# TYPE routeros_peer_info gauge',
  'routeros_peer_info{router="r1",endpoint="127.0.0.1:40123",comment="a \\"quoted\\" {brace} 7"} 1',
  '',
].join('\n');

describe('normaliseScrape', () => {
  it('drops agent metrics, zeroes timings and masks versions, machine labels and ports', () => {
    expect(normaliseScrape(SCRAPE)).toBe(
      [
        '# HELP target_info Target metadata',
        '# TYPE target_info gauge',
        'target_info{service_name="agent",service_version="AGENT_VERSION",service_instance_id="MACHINE",host_name="MACHINE",process_pid="MACHINE"} 1',
        '# HELP routeros_collection_duration_seconds How long the last run took.',
        '# TYPE routeros_collection_duration_seconds gauge',
        'routeros_collection_duration_seconds{router="r1",collector="system",otel_scope_version="AGENT_VERSION"} 0',
        '# HELP routeros_peer_info Peer.',
        '# TYPE routeros_peer_info gauge',
        'routeros_peer_info{router="r1",endpoint="127.0.0.1:PORT",comment="a \\"quoted\\" {brace} 7"} 1',
        '',
      ].join('\n'),
    );
  });

  it('refuses a line it cannot read instead of passing it through', () => {
    expect(() => normaliseScrape('routeros_up{router="r1"\n')).toThrow(/cannot read/);
  });
});

describe('unifiedDiff', () => {
  it('is empty for equal texts and shows changed lines with context otherwise', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].join('\n');
    expect(unifiedDiff(before, before)).toBe('');
    const after = ['a', 'b', 'c', 'D', 'e', 'f', 'g', 'h', 'i'].join('\n');
    expect(unifiedDiff(before, after, { context: 1 })).toBe(
      ['@@ -3,3 +3,3 @@', ' c', '-d', '+D', ' e', '@@ -8,1 +8,2 @@', ' h', '+i'].join('\n'),
    );
  });
});

describe('parseExposition', () => {
  it('reads metadata, escaped label values and histogram samples into their families', () => {
    const exposition = parseExposition(SCRAPE);
    expect(exposition.families.get('mikrotik_agent_poll_duration_seconds')).toMatchObject({
      type: 'histogram',
      unit: 's',
      samples: [
        { name: 'mikrotik_agent_poll_duration_seconds_count', labels: { result: 'ok' }, value: 3 },
        { name: 'mikrotik_agent_poll_duration_seconds_bucket', labels: { result: 'ok', le: '+Inf' }, value: 3 },
      ],
    });
    expect(samplesOf(exposition, 'routeros_peer_info')[0]?.labels['comment']).toBe('a "quoted" {brace} 7');
    expect(samplesOf(exposition, 'missing')).toEqual([]);
  });

  it('names the line it cannot parse', () => {
    expect(() => parseExposition('# TYPE x gauge\nx{a="b"} one\n')).toThrow(/line 2: bad value one/);
  });
});
