import { describe, expect, it } from 'vitest';
import { wireguardCollector } from '../../../../src/sources/routeros/collectors/wireguard.js';
import { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { callsWithoutProplist, commands, namingProblems, render, repliesFrom, setup, V7 } from './helpers/fixture-api-families.js';

/** The fixture context's poll time (2025-01-02 10:00:00 UTC) in Unix seconds: times are timestamps from it. */
const NOW = Date.UTC(2025, 0, 2, 10) / 1000;

const KEYS = {
  laptop: 'a1Lq3m0bN2Vq9ZyP4cX7rT5uW8eY6iO3pA2sD1fG0hJ=',
  unnamed: 'Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa987654=',
  siteB: 'Hhby3Pq8Lm2Nn4Bb6Vv8Cc0Xx2Zz4Aa6Ss8Dd0Ff2Gg=',
  siteC: 'Qw1Er2Ty3Ui4Op5As6Df7Gh8Jk9Lz0Xc1Vb2Nm3Qw4E=',
};

function info(id: string, iface: string, name: string, comment: string, key: string, allowed: string, endpoint: string): string {
  return `routeros_wireguard_peer_info{id="${id}",interface="${iface}",name="${name}",comment="${comment}",public_key="${key}",allowed_address="${allowed}",endpoint="${endpoint}"} 1`;
}

describe('wireguardCollector', () => {
  it('maps v7 peers to traffic counters, last handshake timestamp (poll time minus the age) and an info series with the configured endpoint', async () => {
    const { api, context } = setup(repliesFrom(V7, ['interface-wireguard-peers']), '7.16 (stable)');
    const output = await wireguardCollector.collect(context);
    expect(render(output.samples)).toEqual(
      [
        info('*4', 'wg0', 'laptop', '', KEYS.laptop, '10.8.0.2/32', ''),
        'routeros_wireguard_peer_receive_bytes_total{id="*4"} 1532948',
        'routeros_wireguard_peer_transmit_bytes_total{id="*4"} 12334112',
        `routeros_wireguard_peer_last_handshake_timestamp_seconds{id="*4"} ${NOW - 89}`,
        // Never handshaked (field absent): no handshake series at all.
        info('*5', 'wg0', '', '', KEYS.unnamed, '10.8.0.3/32', ''),
        'routeros_wireguard_peer_receive_bytes_total{id="*5"} 0',
        'routeros_wireguard_peer_transmit_bytes_total{id="*5"} 0',
        info('*6', 'wg-site', 'site-b', 'site B', KEYS.siteB, '10.99.0.0/24,192.168.50.0/24', '203.0.113.10:13231'),
        'routeros_wireguard_peer_receive_bytes_total{id="*6"} 9007199254740992',
        'routeros_wireguard_peer_transmit_bytes_total{id="*6"} 4503599627370496',
        `routeros_wireguard_peer_last_handshake_timestamp_seconds{id="*6"} ${NOW - 12}`,
        // `last-handshake=never`: also no series.
        info('*7', 'wg-site', 'site-c', '', KEYS.siteC, '10.98.0.0/24', '[2001:db8::5]:51820'),
        'routeros_wireguard_peer_receive_bytes_total{id="*7"} 10',
        'routeros_wireguard_peer_transmit_bytes_total{id="*7"} 20',
      ].sort(),
    );
    // The disabled peer *3 is filtered on the router.
    expect(commands(api.calls)).toEqual(['print /interface/wireguard/peers ?disabled=true ?#!']);
    expect(callsWithoutProplist(api.calls)).toEqual([]);
  });

  it('never asks for private or preshared keys', async () => {
    const { api, context } = setup(repliesFrom(V7, ['interface-wireguard-peers']), '7.16 (stable)');
    await wireguardCollector.collect(context);
    const proplist = api.calls[0]?.options?.proplist ?? [];
    expect(proplist).not.toContain('private-key');
    expect(proplist).not.toContain('preshared-key');
    expect(proplist).not.toContain('current-endpoint-address');
  });

  it('accepts the older latest-handshake key', async () => {
    const replies = { '/interface/wireguard/peers': [{ '.id': '*1', interface: 'wg0', rx: '1', tx: '2', 'latest-handshake': '1m2s' }] };
    const { context } = setup(replies, '7.16 (stable)');
    const output = await wireguardCollector.collect(context);
    expect(render(output.samples)).toContain(`routeros_wireguard_peer_last_handshake_timestamp_seconds{id="*1"} ${NOW - 62}`);
  });

  it('filters by interface and caps peers, counting the series of the rest as dropped', async () => {
    const filtered = setup(repliesFrom(V7, ['interface-wireguard-peers']), '7.16 (stable)', { options: { include: ['wg-site'] } });
    const ids = (await wireguardCollector.collect(filtered.context)).samples.map((sample) => sample.attributes['id']);
    expect([...new Set(ids)]).toEqual(['*6', '*7']);

    const capped = setup(repliesFrom(V7, ['interface-wireguard-peers']), '7.16 (stable)', { options: { max_series: 1 } });
    const output = await wireguardCollector.collect(capped.context);
    expect([...new Set(output.samples.map((sample) => sample.attributes['id']))]).toEqual(['*4']);
    expect(output.dropped).toBe(3 + 4 + 3);
  });

  it('lets the missing menu of a v6 router propagate so the family is marked unsupported', async () => {
    const { context } = setup({}, '6.49.10 (long-term)');
    const error = await wireguardCollector.collect(context).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(TrapError);
    expect((error as TrapError).isMissingFeature).toBe(true);
  });

  it('follows the naming rule under routeros_wireguard_', () => {
    expect(namingProblems(wireguardCollector, ['routeros_wireguard_'])).toEqual([]);
    expect(wireguardCollector.defaultEnabled).toBe(true);
  });
});
