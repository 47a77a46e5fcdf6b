import { describe, expect, it } from 'vitest';
import { dnsCollector, kibibytesAsBytes } from '../../../../src/sources/routeros/collectors/dns.js';
import type { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { callsWithoutProplist, commands, namingProblems, render, repliesFrom, setup, V6, V7 } from './helpers/fixture-api-families.js';

describe('dnsCollector', () => {
  it('reports cache size and use in bytes (KiB on the wire) from one print', async () => {
    const { api, context } = setup(repliesFrom(V7, ['ip-dns']), '7.16 (stable)');
    expect(render((await dnsCollector.collect(context)).samples)).toEqual([
      'routeros_dns_cache_size_bytes 2097152',
      'routeros_dns_cache_used_bytes 89088',
    ]);
    expect(commands(api.calls)).toEqual(['print /ip/dns']);
    expect(api.calls[0]?.options?.proplist).toEqual(['cache-size', 'cache-used']);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
  });

  it('accepts the KiB suffix (v6 fixture)', async () => {
    const { context } = setup(repliesFrom(V6, ['ip-dns']), '6.49.10 (long-term)');
    expect(render((await dnsCollector.collect(context)).samples)).toEqual([
      'routeros_dns_cache_size_bytes 2097152',
      'routeros_dns_cache_used_bytes 36864',
    ]);
  });

  it('converts units and rejects unknown ones', () => {
    expect(kibibytesAsBytes('1MiB')).toBe(1_048_576);
    expect(kibibytesAsBytes('10')).toBe(10_240);
    expect(kibibytesAsBytes('10GB')).toBeUndefined();
    expect(kibibytesAsBytes(undefined)).toBeUndefined();
  });

  it('propagates a missing /ip/dns as a missing feature', async () => {
    const { context } = setup({}, '7.16 (stable)');
    const error = await dnsCollector.collect(context).catch((reason: unknown) => reason);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('is off by default and follows the naming rule under routeros_dns_', () => {
    expect(dnsCollector.defaultEnabled).toBe(false);
    expect(namingProblems(dnsCollector, ['routeros_dns_'])).toEqual([]);
  });
});
