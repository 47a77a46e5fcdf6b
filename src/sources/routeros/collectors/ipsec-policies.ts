/**
 * `ipsec_policies`: phase 2 of IPsec, where tunnels fail while phase 1 (the `ipsec` family's active
 * peers) still looks established. From `/ip/ipsec/policy`: each policy's `ph2-state` as a state set and
 * the counts of active and invalid policies (templates left out); from `/ip/ipsec/installed-sa`: the
 * installed security associations per peer, where a peer is a policy's `sa-dst-address` and an SA
 * belongs to it when either end is that address. Two prints per cycle.
 * https://help.mikrotik.com/docs/spaces/ROS/pages/11993097/IPsec
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, Sample } from './collector.js';
import { capSeriesGroups } from './support/cap.js';
import { gauge, info } from './support/define.js';
import { printRows } from './support/fetch.js';
import { readCount } from './support/options.js';
import { maxSeriesOption } from './support/option-specs.js';
import { readBoolean, readText } from './support/rows.js';
import { addStateSet, SampleList } from './support/samples.js';

export const IPSEC_POLICY_INFO = info(
  'routeros.ipsec.policy.info',
  'IPsec policy facts: traffic selectors, SA endpoints, peer and whether it is a tunnel; always 1.',
  ['id', 'src_address', 'dst_address', 'sa_src_address', 'sa_dst_address', 'peer', 'tunnel'],
);
export const IPSEC_POLICY_PHASE2_STATE = gauge(
  'routeros.ipsec.policy.phase2.state',
  '',
  'Phase-2 state of the IPsec policy (ph2-state): 1 for the current state, 0 for the others.',
  ['id', 'state'],
);
export const IPSEC_ACTIVE_POLICIES = gauge('routeros.ipsec.active.policies', '{policy}', 'IPsec policies RouterOS has active (templates left out).', []);
export const IPSEC_INVALID_POLICIES = gauge(
  'routeros.ipsec.invalid.policies',
  '{policy}',
  'IPsec policies RouterOS marks invalid (templates left out); such a policy never carries traffic.',
  [],
);
export const IPSEC_INSTALLED_SAS = gauge(
  'routeros.ipsec.installed.sas',
  '{sa}',
  'Security associations installed for the peer (both directions), 0 for a policy peer without any.',
  ['peer'],
);

export const IPSEC_POLICY_PATH = '/ip/ipsec/policy';
export const IPSEC_INSTALLED_SA_PATH = '/ip/ipsec/installed-sa';
export const IPSEC_POLICY_PROPLIST: readonly string[] = [
  '.id',
  'src-address',
  'dst-address',
  'sa-src-address',
  'sa-dst-address',
  'peer',
  'tunnel',
  'ph2-state',
  'active',
  'invalid',
  'template',
  'disabled',
];
export const IPSEC_INSTALLED_SA_PROPLIST: readonly string[] = ['src-address', 'dst-address'];

/** `ph2-state` values (RouterOS IPsec policy docs). */
export const IPSEC_PHASE2_STATES: readonly string[] = ['established', 'expired', 'no-phase2'];

/** Policies per router before the cap drops the rest. */
export const IPSEC_POLICIES_DEFAULT_MAX = 1000;

/** `max_series` of `collectors.ipsec_policies`; a bad value throws CollectorOptionError naming the key. */
export function ipsecPoliciesMax(options: CollectorOptions): number | undefined {
  return readCount(options, 'max_series', IPSEC_POLICIES_DEFAULT_MAX);
}

/** `192.0.2.1` from `192.0.2.1`, `192.0.2.1/32` or `[2001:db8::1]:500`-free forms RouterOS prints. */
function address(text: string | undefined): string | undefined {
  return text?.replace(/\/(32|128)$/, '');
}

/** Maps policies and installed SAs to samples; policies over `maxPolicies` dropped and counted. Pure. */
export function mapIpsecPolicies(policies: readonly Row[], sas: readonly Row[], maxPolicies: number | undefined): CollectOutput {
  const list = new SampleList();
  const groups: Sample[][] = [];
  const peers = new Set<string>();
  let active = 0;
  let invalid = 0;
  for (const row of policies) {
    const id = readText(row, '.id');
    if (id === undefined || readBoolean(row, 'template') === true || readBoolean(row, 'disabled') === true) continue;
    if (readBoolean(row, 'active') === true) active += 1;
    if (readBoolean(row, 'invalid') === true) invalid += 1;
    const peer = address(readText(row, 'sa-dst-address'));
    if (peer !== undefined && peer !== '::' && peer !== '0.0.0.0') peers.add(peer);
    const group = new SampleList();
    group.addInfo(IPSEC_POLICY_INFO, {
      id,
      src_address: readText(row, 'src-address'),
      dst_address: readText(row, 'dst-address'),
      sa_src_address: readText(row, 'sa-src-address'),
      sa_dst_address: readText(row, 'sa-dst-address'),
      peer: readText(row, 'peer'),
      tunnel: readText(row, 'tunnel'),
    });
    addStateSet(group, IPSEC_POLICY_PHASE2_STATE, { id }, IPSEC_PHASE2_STATES, readText(row, 'ph2-state'));
    groups.push(group.samples);
  }
  list.add(IPSEC_ACTIVE_POLICIES, {}, active);
  list.add(IPSEC_INVALID_POLICIES, {}, invalid);
  const perPeer = new Map([...peers].map((peer) => [peer, 0]));
  for (const sa of sas) {
    for (const end of [address(readText(sa, 'src-address')), address(readText(sa, 'dst-address'))]) {
      if (end !== undefined && perPeer.has(end)) {
        perPeer.set(end, (perPeer.get(end) ?? 0) + 1);
        break;
      }
    }
  }
  for (const [peer, count] of perPeer) list.add(IPSEC_INSTALLED_SAS, { peer }, count);
  const capped = capSeriesGroups(groups, maxPolicies);
  return { samples: [...list.samples, ...capped.samples], dropped: capped.dropped };
}

export const ipsecPoliciesCollector: Collector = {
  name: 'ipsec_policies',
  defaultEnabled: true,
  summary: `IPsec phase 2: each policy's ph2-state (state set) and info, counts of active and invalid policies, installed SAs per peer; two commands; option max_series (policies, default ${IPSEC_POLICIES_DEFAULT_MAX}).`,
  paths: [IPSEC_POLICY_PATH, IPSEC_INSTALLED_SA_PATH],
  metrics: [IPSEC_ACTIVE_POLICIES, IPSEC_INVALID_POLICIES, IPSEC_INSTALLED_SAS, IPSEC_POLICY_INFO, IPSEC_POLICY_PHASE2_STATE],
  options: [maxSeriesOption('policies', IPSEC_POLICIES_DEFAULT_MAX)],
  checkOptions: ipsecPoliciesMax,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const maxPolicies = ipsecPoliciesMax(context.options);
    const policies = await printRows(context, IPSEC_POLICY_PATH, IPSEC_POLICY_PROPLIST);
    const sas = await printRows(context, IPSEC_INSTALLED_SA_PATH, IPSEC_INSTALLED_SA_PROPLIST);
    return mapIpsecPolicies(policies, sas, maxPolicies);
  },
};
