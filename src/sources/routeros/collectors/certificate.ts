/**
 * `certificate`: validity of the router's certificates from `/certificate`, keyed by `.id` with
 * name, common name and fingerprint in an info series. `invalid-after` comes in both date formats
 * (`mar/10/2033 17:57:09` before 7.10, `2033-03-10 17:57:09` from 7.10; mktxp only reads the second),
 * in the router's local time: it is converted through the zone `/system/clock` reports. Times are
 * timestamps, not "seconds until": an age is stale the moment it is read, a timestamp is not.
 * Runs hourly: validity changes only when certificates are added or renewed.
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, Sample } from './collector.js';
import { capSeriesGroups } from './support/cap.js';
import { gauge, info } from './support/define.js';
import { printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { readText } from './support/rows.js';
import { CLOCK_PATH, fetchTimeZone, readLocalTimestampSeconds, UTC_ZONE, type RouterTimeZone } from './support/time-zone.js';
import { SampleList } from './support/samples.js';
import { readCount } from './support/options.js';
import { filterOptions, maxSeriesOption } from './support/option-specs.js';

const BY_ID = ['id'] as const;

export const CERTIFICATE_INFO = info(
  'routeros.certificate.info',
  'Certificate facts: name, common name and SHA-256 fingerprint; always 1.',
  ['id', 'name', 'common_name', 'fingerprint'],
);
export const CERTIFICATE_NOT_BEFORE = gauge(
  'routeros.certificate.not_before.timestamp.seconds',
  's',
  'Start of the certificate validity (invalid-before) as a Unix timestamp, router-local time converted through the router time zone.',
  BY_ID,
);
export const CERTIFICATE_NOT_AFTER = gauge(
  'routeros.certificate.not_after.timestamp.seconds',
  's',
  'End of the certificate validity (invalid-after) as a Unix timestamp, router-local time converted through the router time zone.',
  BY_ID,
);

export const CERTIFICATE_PATH = '/certificate';
export const CERTIFICATE_PROPLIST: readonly string[] = [
  '.id',
  'name',
  'common-name',
  'fingerprint',
  'invalid-before',
  'invalid-after',
];

/** Certificate validity changes rarely; once an hour is plenty. */
export const CERTIFICATE_INTERVAL_MILLIS = 3_600_000;

/**
 * Certificates per router before the cap drops the rest (4 series each). A router acting as the CA
 * of its SSTP or OpenVPN clients holds one certificate per client.
 */
export const CERTIFICATE_DEFAULT_MAX = 1000;

/** Settings from `collectors.certificate.*`. */
export interface CertificateSettings {
  /** `include` / `exclude`: regular expressions over the certificate name. */
  readonly names: NameFilter;
  /** `max_series`: certificates kept per router (default {@link CERTIFICATE_DEFAULT_MAX}). */
  readonly maxCertificates: number | undefined;
}

/** Reads the options; a bad value throws CollectorOptionError naming the key. */
export function certificateSettings(options: CollectorOptions): CertificateSettings {
  return { names: createNameFilter(options), maxCertificates: readCount(options, 'max_series', CERTIFICATE_DEFAULT_MAX) };
}

/**
 * Maps certificate rows to samples, the certificates beyond `max_series` dropped and counted; dates
 * are read in `zone`. Templates without validity get only the info series. Pure.
 */
export function mapCertificates(rows: readonly Row[], settings: CertificateSettings, zone: RouterTimeZone = UTC_ZONE): CollectOutput {
  const certificates: Sample[][] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const id = readText(row, '.id');
    if (id === undefined || seen.has(id) || !settings.names.matches(readText(row, 'name') ?? '')) continue;
    seen.add(id);
    certificates.push(mapCertificate(id, row, zone));
  }
  return capSeriesGroups(certificates, settings.maxCertificates);
}

function mapCertificate(id: string, row: Row, zone: RouterTimeZone): Sample[] {
  const list = new SampleList();
  list.addInfo(CERTIFICATE_INFO, {
    id,
    name: readText(row, 'name'),
    common_name: readText(row, 'common-name'),
    fingerprint: readText(row, 'fingerprint'),
  });
  list.add(CERTIFICATE_NOT_BEFORE, { id }, readLocalTimestampSeconds(row, 'invalid-before', zone));
  list.add(CERTIFICATE_NOT_AFTER, { id }, readLocalTimestampSeconds(row, 'invalid-after', zone));
  return list.samples;
}

export const certificateCollector: Collector = {
  name: 'certificate',
  defaultEnabled: true,
  summary:
    `Certificate validity (not-before and not-after timestamps, through the router time zone) keyed by id, with name, common name and fingerprint in an info series; hourly; options include/exclude (certificate name regexes), max_series (certificates, default ${CERTIFICATE_DEFAULT_MAX}).`,
  paths: [CERTIFICATE_PATH, CLOCK_PATH],
  metrics: [CERTIFICATE_INFO, CERTIFICATE_NOT_BEFORE, CERTIFICATE_NOT_AFTER],
  defaultIntervalMillis: CERTIFICATE_INTERVAL_MILLIS,
  options: [...filterOptions('the certificate name'), maxSeriesOption('certificates', CERTIFICATE_DEFAULT_MAX)],
  checkOptions: certificateSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = certificateSettings(context.options);
    const zone = await fetchTimeZone(context);
    return mapCertificates(await printRows(context, CERTIFICATE_PATH, CERTIFICATE_PROPLIST), settings, zone);
  },
};
