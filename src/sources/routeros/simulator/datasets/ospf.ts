/**
 * The `ospf` family: `/routing/ospf/instance` and `/routing/ospf/neighbor` (RouterOS manual https://help.mikrotik.com/docs/spaces/ROS/, replies recorded in test/fixtures/routeros/). v7 neighbors carry `area`, `dr`, `bdr`; v6 neighbors `interface`, `dr-address`,
 * `backup-dr-address`. RouterOS 6 keeps OSPFv3 apart in `/routing/ospf-v3/instance` and
 * `/routing/ospf-v3/neighbor` (router ids `dr-id`/`backup-dr-id`, link-local addresses), with its own
 * `default` instance. The case of `state` differs between sources (`Full`, `full`), so both appear.
 * Adjacency times tick with the router's clock.
 */
import type { DatasetPart } from './dataset.js';

/** A v7 router with OSPFv2 and OSPFv3 instances and a disabled lab instance. */
export const OSPF_V7: DatasetPart = {
  menus: {
    '/routing/ospf/instance': {
      rows: [
        { '.id': '*1', name: 'default-v2', version: '2', 'router-id': 'main', disabled: 'false' },
        { '.id': '*2', name: 'default-v3', version: '3', 'router-id': 'main', disabled: 'false' },
        { '.id': '*3', name: 'lab', version: '2', disabled: 'true' },
      ],
    },
    '/routing/ospf/area': {
      rows: [
        { '.id': '*1', name: 'backbone-v2', instance: 'default-v2', 'area-id': '0.0.0.0', type: 'default', disabled: 'false' },
        { '.id': '*2', name: 'backbone-v3', instance: 'default-v3', 'area-id': '0.0.0.0', type: 'default', disabled: 'false' },
      ],
    },
    '/routing/ospf/neighbor': {
      rows: [
        {
          '.id': '*1',
          instance: 'default-v2',
          area: 'backbone-v2',
          address: '10.0.0.2',
          'router-id': '10.255.0.2',
          state: 'Full',
          'state-changes': '6',
          adjacency: '3d4h5m',
          dr: '10.0.0.1',
          bdr: '10.0.0.2',
          priority: '1',
          'db-summaries': '0',
          'ls-requests': '0',
          'ls-retransmits': '0',
          dynamic: 'true',
          inactive: 'false',
        },
        { '.id': '*2', instance: 'default-v2', area: 'backbone-v2', address: '10.0.0.3', 'router-id': '10.255.0.3', state: 'full', 'state-changes': '4', adjacency: '1h2m', priority: '1', dynamic: 'true' },
        { '.id': '*3', instance: 'default-v2', area: 'backbone-v2', address: '10.0.0.4', 'router-id': '10.255.0.4', state: '2-way', 'state-changes': '2', priority: '0', dynamic: 'true' },
        { '.id': '*4', instance: 'default-v3', area: 'backbone-v3', address: 'fe80::2%ether4', 'router-id': '10.255.0.2', state: 'ExStart', 'state-changes': '9', priority: '1', dynamic: 'true' },
      ],
      clocks: ['adjacency'],
    },
  },
};

/**
 * A v6 router with the `default` OSPFv2 instance (one full and one initialising neighbor) and the
 * `default` OSPFv3 instance (two full neighbors and one in 2-way).
 */
export const OSPF_V6: DatasetPart = {
  menus: {
    '/routing/ospf/instance': {
      rows: [{ '.id': '*0', name: 'default', 'router-id': '0.0.0.0', 'distribute-default': 'never', 'redistribute-connected': 'no', disabled: 'false', default: 'true' }],
    },
    '/routing/ospf/neighbor': {
      rows: [
        {
          '.id': '*1',
          instance: 'default',
          'router-id': '10.255.0.2',
          address: '10.0.0.2',
          interface: 'ether2',
          priority: '1',
          'dr-address': '10.0.0.1',
          'backup-dr-address': '10.0.0.2',
          state: 'Full',
          'state-changes': '5',
          'ls-retransmits': '0',
          'ls-requests': '0',
          'db-summaries': '0',
          adjacency: '1d2h3m4s',
        },
        { '.id': '*2', instance: 'default', 'router-id': '10.255.0.7', address: '10.0.0.7', interface: 'ether3', priority: '1', 'dr-address': '0.0.0.0', 'backup-dr-address': '0.0.0.0', state: 'Init', 'state-changes': '1', adjacency: '0s' },
      ],
      clocks: ['adjacency'],
    },
    '/routing/ospf-v3/instance': {
      rows: [{ '.id': '*0', name: 'default', 'router-id': '0.0.0.0', 'distribute-default': 'never', 'redistribute-connected': 'no', disabled: 'false', default: 'true' }],
    },
    '/routing/ospf-v3/neighbor': {
      rows: [
        {
          '.id': '*1',
          instance: 'default',
          'router-id': '10.255.0.2',
          address: 'fe80::2',
          interface: 'ether2',
          priority: '1',
          'dr-id': '10.255.0.1',
          'backup-dr-id': '10.255.0.2',
          state: 'Full',
          'state-changes': '4',
          'ls-retransmits': '0',
          'ls-requests': '0',
          'db-summaries': '0',
          adjacency: '1d2h1m',
        },
        { '.id': '*2', instance: 'default', 'router-id': '10.255.0.3', address: 'fe80::3', interface: 'ether3', priority: '1', 'dr-id': '10.255.0.1', 'backup-dr-id': '10.255.0.2', state: 'Full', 'state-changes': '2', adjacency: '5h' },
        { '.id': '*3', instance: 'default', 'router-id': '10.255.0.8', address: 'fe80::8', interface: 'ether4', priority: '0', 'dr-id': '0.0.0.0', 'backup-dr-id': '0.0.0.0', state: '2-Way', 'state-changes': '1', adjacency: '0s' },
      ],
      clocks: ['adjacency'],
    },
  },
};
