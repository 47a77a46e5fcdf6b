/**
 * The `queue` family: `/queue/simple` and `/queue/tree` (RouterOS manual https://help.mikrotik.com/docs/spaces/ROS/, replies recorded in test/fixtures/routeros/). Simple
 * queues send `upload/download` pairs, which the router model cannot grow, so their counters stay
 * at the recorded values; queue tree counters are single numbers and grow. `subscribers` adds the
 * dynamic `<pppoe-subNNNN>` queues a PPPoE concentrator creates per session (see `pppDataset`).
 */
import type { SimRow } from '../profile.js';
import { itemId, type DatasetPart } from './dataset.js';
import { subscriberName } from './ppp.js';

/** Options of {@link queueDataset}. */
export interface QueueSpec {
  /** Dynamic simple queues of generated PPPoE subscribers. @default 0 */
  subscribers?: number;
}

const SIMPLE: SimRow[] = [
  // terraform-provider-routeros sample.
  {
    '.id': '*1',
    'bucket-size': '0.1/0.1',
    'burst-limit': '0/0',
    'burst-threshold': '0/0',
    'burst-time': '0s/0s',
    bytes: '0/0',
    comment: 'comment',
    disabled: 'false',
    dropped: '0/0',
    dynamic: 'false',
    invalid: 'false',
    'limit-at': '0/0',
    'max-limit': '0/0',
    name: 'queue1',
    'packet-marks': '',
    'packet-rate': '0/0',
    packets: '0/0',
    parent: 'none',
    priority: '8/8',
    queue: 'default-small/default-small',
    'queued-bytes': '0/0',
    'queued-packets': '0/0',
    rate: '0/0',
    target: '1.0.1.0/24',
    'total-bytes': '0',
    'total-dropped': '0',
    'total-packet-rate': '0',
    'total-packets': '0',
    'total-queued-bytes': '0',
    'total-queued-packets': '0',
    'total-rate': '0',
  },
  {
    '.id': '*2',
    name: 'lan-limit',
    target: '192.168.88.0/24',
    parent: 'none',
    comment: 'LAN',
    'max-limit': '20M/100M',
    bytes: '12345678/987654321',
    packets: '12000/80000',
    dropped: '3/150',
    'queued-bytes': '0/3000',
    'queued-packets': '0/2',
    rate: '1200000/8800000',
    disabled: 'false',
    dynamic: 'false',
    invalid: 'false',
  },
  { '.id': '*4', name: 'guest', target: '10.20.0.0/24', parent: 'none', bytes: '0/0', packets: '0/0', dropped: '0/0', 'queued-bytes': '0/0', 'queued-packets': '0/0', disabled: 'true', dynamic: 'false', invalid: 'false' },
];

const TREE: SimRow[] = [
  { '.id': '*1000000', name: 'download', parent: 'global', 'packet-mark': 'dl', 'limit-at': '0', 'max-limit': '100M', priority: '8', bytes: '555555', packets: '777', dropped: '5', 'queued-bytes': '1500', 'queued-packets': '1', rate: '8000', disabled: 'false', invalid: 'false' },
  { '.id': '*1000001', name: 'upload', parent: 'ether1', 'packet-mark': 'ul', 'limit-at': '0', 'max-limit': '20M', priority: '8', bytes: '333', packets: '3', dropped: '0', 'queued-bytes': '0', 'queued-packets': '0', rate: '0', comment: 'WAN up', disabled: 'false', invalid: 'false' },
];

/** Builds the simple queues (plus subscriber queues) and the queue tree. */
export function queueDataset(spec: QueueSpec = {}): DatasetPart {
  const subscribers = Array.from({ length: spec.subscribers ?? 0 }, (_, index): SimRow => {
    const name = `<pppoe-${subscriberName(index)}>`;
    const up = 1_000 + index * 17;
    const down = 9_000 + index * 131;
    return {
      '.id': itemId(0x100 + index),
      name,
      target: name,
      parent: 'none',
      'max-limit': '10M/50M',
      bytes: `${up * 700}/${down * 900}`,
      packets: `${up}/${down}`,
      dropped: `0/${index % 5}`,
      'queued-bytes': '0/0',
      'queued-packets': '0/0',
      rate: '0/0',
      disabled: 'false',
      dynamic: 'true',
      invalid: 'false',
    };
  });
  return {
    menus: {
      '/queue/simple': { rows: [...SIMPLE, ...subscribers] },
      '/queue/tree': { rows: TREE, growth: { bytes: 90_000, packets: 80, dropped: 0.05 } },
    },
  };
}

/** A v7 router with a LAN limit and a small queue tree. */
export const QUEUE_V7: DatasetPart = queueDataset();

/** A v6 router: the same queue menus (unchanged between v6 and v7). */
export const QUEUE_V6: DatasetPart = queueDataset();
