import { describe, expect, it } from 'vitest';
import { routesCollector } from '../../../../src/sources/routeros/collectors/routes.js';
import { CollectorOptionError } from '../../../../src/sources/routeros/collectors/support/options.js';
import { TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { missingMenu } from './helpers/fixture-api.js';
import { commands, namingProblems, render, repliesFrom, setup, V6, V7 } from './helpers/fixture-api-families.js';

describe('routesCollector', () => {
  it('counts v7 active routes per family and protocol with count-only queries only', async () => {
    const { api, context } = setup(repliesFrom(V7, ['ip-route', 'ipv6-route']), '7.16 (stable)');
    const output = await routesCollector.collect(context);
    expect(render(output.samples)).toEqual([
      'routeros_route_active_routes{family="ipv4"} 7',
      'routeros_route_active_routes{family="ipv6"} 2',
      'routeros_route_protocol_active_routes{family="ipv4",protocol="bgp"} 2',
      'routeros_route_protocol_active_routes{family="ipv4",protocol="connect"} 2',
      'routeros_route_protocol_active_routes{family="ipv4",protocol="ospf"} 2',
      'routeros_route_protocol_active_routes{family="ipv4",protocol="static"} 1',
      'routeros_route_protocol_active_routes{family="ipv6",protocol="bgp"} 0',
      'routeros_route_protocol_active_routes{family="ipv6",protocol="connect"} 1',
      'routeros_route_protocol_active_routes{family="ipv6",protocol="ospf"} 0',
      'routeros_route_protocol_active_routes{family="ipv6",protocol="static"} 1',
    ]);
    expect(api.calls.every((call) => call.method === 'count')).toBe(true);
    expect(commands(api.calls).sort()).toEqual([
      'count /ip/route ?active=true',
      'count /ip/route ?active=true ?bgp=true',
      'count /ip/route ?active=true ?connect=true',
      'count /ip/route ?active=true ?ospf=true',
      'count /ip/route ?active=true ?static=true',
      'count /ipv6/route ?active=true',
      'count /ipv6/route ?active=true ?bgp=true',
      'count /ipv6/route ?active=true ?connect=true',
      'count /ipv6/route ?active=true ?ospf=true',
      'count /ipv6/route ?active=true ?static=true',
    ]);
  });

  it('counts v6 routes by the same flags and skips a missing IPv6 menu', async () => {
    const { context } = setup(repliesFrom(V6, ['ip-route']), '6.49.10 (long-term)', { packages: [] });
    const output = await routesCollector.collect(context);
    expect(render(output.samples)).toEqual([
      'routeros_route_active_routes{family="ipv4"} 3',
      'routeros_route_protocol_active_routes{family="ipv4",protocol="bgp"} 0',
      'routeros_route_protocol_active_routes{family="ipv4",protocol="connect"} 1',
      'routeros_route_protocol_active_routes{family="ipv4",protocol="ospf"} 1',
      'routeros_route_protocol_active_routes{family="ipv4",protocol="static"} 1',
    ]);
  });

  it('counts only the configured protocols and families', async () => {
    const { api, context } = setup(repliesFrom(V7, ['ip-route', 'ipv6-route']), '7.16 (stable)', {
      options: { families: ['ipv4'], protocols: ['bgp'] },
    });
    const output = await routesCollector.collect(context);
    expect(render(output.samples)).toEqual([
      'routeros_route_active_routes{family="ipv4"} 7',
      'routeros_route_protocol_active_routes{family="ipv4",protocol="bgp"} 2',
    ]);
    expect(api.calls).toHaveLength(2);
  });

  it('propagates a missing IPv4 route menu', async () => {
    const { context } = setup({ '/ip/route': missingMenu(), '/ipv6/route': [] }, '7.16 (stable)');
    await expect(routesCollector.collect(context)).rejects.toBeInstanceOf(TrapError);
  });

  it('rejects protocols that cannot be route flags', async () => {
    const { context } = setup({}, '7.16 (stable)', { options: { protocols: ['bgp=false'] } });
    await expect(routesCollector.collect(context)).rejects.toThrow(new CollectorOptionError('protocols: invalid route flag "bgp=false"'));
  });

  it('follows the naming rule under routeros_route_', () => {
    expect(namingProblems(routesCollector, ['routeros_route_'])).toEqual([]);
    expect(routesCollector.defaultEnabled).toBe(true);
  });
});
