/**
 * The `certificate` family: `/certificate` (RouterOS manual https://help.mikrotik.com/docs/spaces/ROS/, replies recorded in test/fixtures/routeros/) with validity dates in the
 * version's format (`mar/10/2033 17:57:09` before 7.10). `expires-after` is left out: a static
 * value would not count down, and without it the collector computes the remaining time itself.
 */
import type { SimRow } from '../profile.js';
import { formatRosDate, parseRosVersion } from '../version.js';
import type { DatasetPart } from './dataset.js';

/** Builds `/certificate` for `version`: a CA, a valid server certificate, an expired one and a template. */
export function certificateDataset(version: string): DatasetPart {
  const parsed = parseRosVersion(version);
  const date = (iso: string): string => formatRosDate(iso, parsed);
  const rows: SimRow[] = [
    { '.id': '*1', name: 'root-cert', 'common-name': 'MyRouter', authority: 'true', trusted: 'true', 'key-type': 'rsa', 'key-size': '2048', 'digest-algorithm': 'sha256',
      fingerprint: 'ad9b3c1e5f0a4d7b8c2e6f1a9b0c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8093c7', 'serial-number': '21B9F571B54195D3',
      'invalid-before': date('2023-03-13 17:57:09'), 'invalid-after': date('2033-03-10 17:57:09') },
    { '.id': '*2', name: 'api-ssl', 'common-name': 'router.example.net', trusted: 'false', 'key-type': 'ec', 'key-size': 'prime256v1',
      fingerprint: '5566778899aabbccddeeff00112233445566778899aabbccddeeff0011223344', 'serial-number': '3F00A1',
      'invalid-before': date('2025-06-01 00:00:00'), 'invalid-after': date('2027-06-01 00:00:00') },
    { '.id': '*3', name: 'webfig-old', 'common-name': 'router.example.net', trusted: 'false', 'key-type': 'rsa', 'key-size': '2048',
      fingerprint: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0', 'serial-number': '7A3C',
      'invalid-before': date('2024-09-02 00:00:00'), 'invalid-after': date('2024-12-01 00:00:00'), expired: 'true' },
    { '.id': '*4', name: 'tpl-client', 'common-name': 'client', 'key-type': 'rsa', 'key-size': '2048', 'days-valid': '365' },
  ];
  return { menus: { '/certificate': { rows } } };
}

export const CERTIFICATES_V7: DatasetPart = certificateDataset('7.16.1 (stable)');
export const CERTIFICATES_V6: DatasetPart = certificateDataset('6.49.10 (long-term)');
