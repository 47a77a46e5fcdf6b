import { describe, expect, it } from 'vitest';
import type { Row } from '../../../../src/sources/routeros/client/api.js';
import {
  IPSEC_INSTALLED_SA_PROPLIST,
  IPSEC_POLICIES_DEFAULT_MAX,
  IPSEC_POLICY_PROPLIST,
  ipsecPoliciesCollector,
  ipsecPoliciesMax,
} from '../../../../src/sources/routeros/collectors/ipsec-policies.js';
import type { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { commands, duplicateSeries, namingProblems, render, setup } from './helpers/fixture-api-families.js';

/** Shaped like `/ip/ipsec/policy print` (help.mikrotik.com IPsec page): the default template and three tunnels. */
const POLICIES: Row[] = [
  { '.id': '*10000', group: 'default', 'src-address': '::/0', 'dst-address': '::/0', template: 'true' },
  { '.id': '*1', 'src-address': '10.1.0.0/16', 'dst-address': '10.2.0.0/16', 'sa-src-address': '203.0.113.1', 'sa-dst-address': '198.51.100.20', peer: 'site-b', tunnel: 'true', 'ph2-state': 'established', active: 'true', invalid: 'false' },
  { '.id': '*3', 'src-address': '10.1.0.0/16', 'dst-address': '10.9.0.0/16', 'sa-src-address': '203.0.113.1', 'sa-dst-address': '192.0.2.200', peer: 'site-old', tunnel: 'true', 'ph2-state': 'no-phase2', active: 'false', invalid: 'false' },
  { '.id': '*4', 'src-address': '10.1.0.0/16', 'dst-address': '10.8.0.0/16', 'sa-src-address': '203.0.113.1', 'sa-dst-address': '192.0.2.201', peer: 'site-gone', tunnel: 'true', 'ph2-state': 'no-phase2', active: 'false', invalid: 'true' },
  { '.id': '*5', 'src-address': '10.1.0.0/16', 'dst-address': '10.7.0.0/16', 'sa-dst-address': '192.0.2.202', 'ph2-state': 'established', active: 'true', disabled: 'true' },
];
const SAS: Row[] = [
  { 'src-address': '198.51.100.20', 'dst-address': '203.0.113.1' },
  { 'src-address': '203.0.113.1', 'dst-address': '198.51.100.20' },
  // An SA of a peer no policy names (a road warrior's dynamic policy was removed): not counted.
  { 'src-address': '203.0.113.1', 'dst-address': '198.51.100.99' },
];

function phase2(id: string, current: string): string[] {
  return ['established', 'expired', 'no-phase2'].map((state) => `routeros_ipsec_policy_phase2_state{id="${id}",state="${state}"} ${state === current ? 1 : 0}`);
}

describe('ipsecPoliciesCollector', () => {
  it('maps phase-2 state per policy, active and invalid counts, and installed SAs per peer in two prints', async () => {
    const { api, context } = setup({ '/ip/ipsec/policy': POLICIES, '/ip/ipsec/installed-sa': SAS }, '7.16 (stable)');
    const output = await ipsecPoliciesCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        'routeros_ipsec_active_policies 1',
        'routeros_ipsec_invalid_policies 1',
        'routeros_ipsec_installed_sas{peer="198.51.100.20"} 2',
        // Phase 1 may look fine while phase 2 is missing: no SA at all.
        'routeros_ipsec_installed_sas{peer="192.0.2.200"} 0',
        'routeros_ipsec_installed_sas{peer="192.0.2.201"} 0',
        'routeros_ipsec_policy_info{id="*1",src_address="10.1.0.0/16",dst_address="10.2.0.0/16",sa_src_address="203.0.113.1",sa_dst_address="198.51.100.20",peer="site-b",tunnel="true"} 1',
        'routeros_ipsec_policy_info{id="*3",src_address="10.1.0.0/16",dst_address="10.9.0.0/16",sa_src_address="203.0.113.1",sa_dst_address="192.0.2.200",peer="site-old",tunnel="true"} 1',
        'routeros_ipsec_policy_info{id="*4",src_address="10.1.0.0/16",dst_address="10.8.0.0/16",sa_src_address="203.0.113.1",sa_dst_address="192.0.2.201",peer="site-gone",tunnel="true"} 1',
        ...phase2('*1', 'established'),
        ...phase2('*3', 'no-phase2'),
        ...phase2('*4', 'no-phase2'),
      ].sort(),
    );
    expect(duplicateSeries(output.samples)).toEqual([]);
    expect(commands(api.calls)).toEqual(['print /ip/ipsec/policy', 'print /ip/ipsec/installed-sa']);
    expect(api.calls.map((call) => call.options?.proplist)).toEqual([IPSEC_POLICY_PROPLIST, IPSEC_INSTALLED_SA_PROPLIST]);
  });

  it('caps the policies (max_series) but keeps the counts whole', async () => {
    const { context } = setup({ '/ip/ipsec/policy': POLICIES, '/ip/ipsec/installed-sa': SAS }, '7.16 (stable)', { options: { max_series: 1 } });
    const output = await ipsecPoliciesCollector.collect(context);
    expect(output.dropped).toBe(2 * 4);
    expect(render(output.samples)).toContain('routeros_ipsec_invalid_policies 1');
    expect(ipsecPoliciesMax({})).toBe(IPSEC_POLICIES_DEFAULT_MAX);
  });

  it('propagates a missing menu and follows the naming rule', async () => {
    const { context } = setup({}, '6.49.10 (long-term)');
    const error = await ipsecPoliciesCollector.collect(context).catch((reason: unknown) => reason);
    expect((error as TrapError).isMissingFeature).toBe(true);
    expect(namingProblems(ipsecPoliciesCollector, ['routeros_ipsec_'])).toEqual([]);
  });
});
