/**
 * `dns`: size and use of the router's DNS cache from `/ip/dns`. RouterOS reports both in KiB
 * (`2048`, the CLI shows `2048KiB`); they become bytes. Off by default.
 */
import type { Row } from '../client/api.js';
import { parseQuantity } from '../client/values.js';
import type { CollectContext, CollectOutput, Collector, Sample } from './collector.js';
import { gauge } from './support/define.js';
import { printRows } from './support/fetch.js';
import { SampleList } from './support/samples.js';

export const DNS_CACHE_SIZE = gauge('routeros.dns.cache.size.bytes', 'By', 'Configured size of the DNS cache.');
export const DNS_CACHE_USED = gauge('routeros.dns.cache.used.bytes', 'By', 'Part of the DNS cache in use.');

export const DNS_PATH = '/ip/dns';
export const DNS_PROPLIST: readonly string[] = ['cache-size', 'cache-used'];

const BYTES_PER_UNIT: Readonly<Record<string, number>> = { '': 1024, kib: 1024, mib: 1024 * 1024, b: 1 };

/** A cache figure in bytes: a bare number is KiB; `KiB`/`MiB` suffixes are honoured. */
export function kibibytesAsBytes(text: string | undefined): number | undefined {
  const quantity = parseQuantity(text);
  if (quantity === undefined) return undefined;
  const factor = BYTES_PER_UNIT[quantity.unit.toLowerCase()];
  return factor === undefined ? undefined : quantity.value * factor;
}

/** Maps the `/ip/dns` row to samples. Pure. */
export function mapDns(rows: readonly Row[]): Sample[] {
  const list = new SampleList();
  const row = rows[0];
  if (row === undefined) return list.samples;
  list.add(DNS_CACHE_SIZE, {}, kibibytesAsBytes(row['cache-size']));
  list.add(DNS_CACHE_USED, {}, kibibytesAsBytes(row['cache-used']));
  return list.samples;
}

export const dnsCollector: Collector = {
  name: 'dns',
  defaultEnabled: false,
  summary: 'DNS cache size and use, in bytes.',
  paths: [DNS_PATH],
  metrics: [DNS_CACHE_SIZE, DNS_CACHE_USED],
  options: [],
  async collect(context: CollectContext): Promise<CollectOutput> {
    return { samples: mapDns(await printRows(context, DNS_PATH, DNS_PROPLIST)) };
  },
};
