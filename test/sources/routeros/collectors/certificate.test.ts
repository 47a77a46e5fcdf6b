import { describe, expect, it } from 'vitest';
import { CERTIFICATE_DEFAULT_MAX, CERTIFICATE_PROPLIST, certificateCollector, certificateSettings } from '../../../../src/sources/routeros/collectors/certificate.js';
import { CollectorOptionError } from '../../../../src/sources/routeros/collectors/support/options.js';
import type { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { callsWithoutProplist, commands, namingProblems, render, repliesFrom, setup, V6, V7 } from './helpers/fixture-api-families.js';

const seconds = (year: number, month: number, day: number, h: number, m: number, s: number): number =>
  Date.UTC(year, month - 1, day, h, m, s) / 1000;

function certificate(id: string, name: string, commonName: string, fingerprint: string, validity?: [number, number]): string[] {
  const lines = [`routeros_certificate_info{id="${id}",name="${name}",common_name="${commonName}",fingerprint="${fingerprint}"} 1`];
  if (validity !== undefined) {
    const [notBefore, notAfter] = validity;
    lines.push(
      `routeros_certificate_not_before_timestamp_seconds{id="${id}"} ${notBefore}`,
      `routeros_certificate_not_after_timestamp_seconds{id="${id}"} ${notAfter}`,
    );
  }
  return lines;
}

const ROOT_FINGERPRINT = 'ad9b3c1e5f0a4d7b8c2e6f1a9b0c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8093c7';

describe('certificateCollector', () => {
  it('maps ISO dates (≥ 7.10) as timestamps; a router without /system/clock keeps UTC', async () => {
    const { api, context } = setup(repliesFrom(V7, ['certificate']), '7.16 (stable)');
    const output = await certificateCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        ...certificate('*1', 'root-cert', 'MyRouter', ROOT_FINGERPRINT, [seconds(2023, 3, 13, 17, 57, 9), seconds(2033, 3, 10, 17, 57, 9)]),
        ...certificate('*2', 'webfig', 'router.example.net', '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0', [seconds(2024, 9, 2, 0, 0, 0), seconds(2024, 12, 1, 0, 0, 0)]),
        ...certificate('*3', 'tpl-client', 'client', ''),
        ...certificate('*4', 'letsencrypt', 'vpn.example.net', '9988776655443322110099887766554433221100998877665544332211009988', [seconds(2024, 12, 1, 12, 0, 0), seconds(2025, 3, 1, 12, 0, 0)]),
      ].sort(),
    );
    expect(commands(api.calls)).toEqual(['print /system/clock', 'print /certificate']);
    expect(api.calls[1]?.options?.proplist).toEqual(CERTIFICATE_PROPLIST);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
  });

  it('reads dates in the router time zone: the named zone at that date (DST included), else gmt-offset', async () => {
    const rows = [{ '.id': '*9', name: 'c', 'invalid-before': '2025-01-15 12:00:00', 'invalid-after': '2025-07-15 12:00:00' }];
    const riga = setup({ '/certificate': rows, '/system/clock': [{ 'time-zone-name': 'Europe/Riga', 'gmt-offset': '+02:00' }] }, '7.16 (stable)');
    // Riga is UTC+2 in winter and UTC+3 in summer, whatever offset is in force when the poll runs.
    expect(render((await certificateCollector.collect(riga.context)).samples)).toEqual(
      certificate('*9', 'c', '', '', [seconds(2025, 1, 15, 10, 0, 0), seconds(2025, 7, 15, 9, 0, 0)]).sort(),
    );
    const manual = setup({ '/certificate': rows, '/system/clock': [{ 'time-zone-name': 'manual', 'gmt-offset': '-05:00' }] }, '7.16 (stable)');
    expect(render((await certificateCollector.collect(manual.context)).samples)).toEqual(
      certificate('*9', 'c', '', '', [seconds(2025, 1, 15, 17, 0, 0), seconds(2025, 7, 15, 17, 0, 0)]).sort(),
    );
  });

  it('reads the mmm/dd/yyyy format of v7 before 7.10 and of v6 (either month case)', async () => {
    const v79 = setup(repliesFrom('7.9', ['certificate']), '7.9.2 (stable)');
    expect(render((await certificateCollector.collect(v79.context)).samples)).toEqual(
      certificate('*1', 'root-cert', 'MyRouter', ROOT_FINGERPRINT, [seconds(2023, 3, 13, 17, 57, 9), seconds(2033, 3, 10, 17, 57, 9)]).sort(),
    );
    const v6 = setup(repliesFrom(V6, ['certificate']), '6.49.10 (long-term)');
    expect(render((await certificateCollector.collect(v6.context)).samples)).toEqual(
      certificate('*1', 'api-ssl', 'router.lan', '5566778899aabbccddeeff00112233445566778899aabbccddeeff0011223344', [
        seconds(2020, 12, 4, 14, 19, 51),
        seconds(2030, 12, 4, 14, 19, 51),
      ]).sort(),
    );
  });

  it('filters by certificate name', async () => {
    const { context } = setup(repliesFrom(V7, ['certificate']), '7.16 (stable)', { options: { exclude: ['tpl-.*', 'webfig', 'root-cert'] } });
    const ids = new Set((await certificateCollector.collect(context)).samples.map((sample) => sample.attributes['id']));
    expect([...ids]).toEqual(['*4']);
  });

  it('caps the certificates per router (max_series) and counts the series of the others', async () => {
    const { context } = setup(repliesFrom(V7, ['certificate']), '7.16 (stable)', { options: { max_series: 1 } });
    const output = await certificateCollector.collect(context);
    expect([...new Set(output.samples.map((sample) => sample.attributes['id']))]).toEqual(['*1']);
    // webfig and letsencrypt have 3 series each, the template only its info series.
    expect(output.dropped).toBe(3 + 1 + 3);
    const all = await certificateCollector.collect(setup(repliesFrom(V7, ['certificate']), '7.16 (stable)').context);
    expect(all.dropped).toBe(0);
    expect(all.samples).toHaveLength(3 + 3 + 1 + 3);
    expect(certificateSettings({}).maxCertificates).toBe(CERTIFICATE_DEFAULT_MAX);
    expect(() => certificateSettings({ max_series: 1.5 })).toThrow(new CollectorOptionError('max_series: must be a non-negative integer'));
    expect(certificateCollector.options?.map((option) => option.name)).toContain('max_series');
  });

  it('propagates a missing /certificate as a missing feature', async () => {
    const { context } = setup({}, '7.16 (stable)');
    const error = await certificateCollector.collect(context).catch((reason: unknown) => reason);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('runs hourly and follows the naming rule under routeros_certificate_', () => {
    expect(certificateCollector.defaultIntervalMillis).toBe(3_600_000);
    expect(namingProblems(certificateCollector, ['routeros_certificate_'])).toEqual([]);
    expect(certificateCollector.defaultEnabled).toBe(true);
  });
});
