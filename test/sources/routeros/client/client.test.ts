import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RouterOsClient } from '../../../../src/sources/routeros/client/client.js';
import {
  AuthenticationError,
  ConnectionLostError,
  FatalError,
  ProtocolError,
  ReplyTooLargeError,
  TimeoutError,
  TrapError,
} from '../../../../src/sources/routeros/client/errors.js';
import { Cleanup, FakeRouter, tagOf } from './helpers/fake-router.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function startRouter(): Promise<FakeRouter> {
  return cleanup.add(await FakeRouter.start());
}

async function connected(overrides: Parameters<FakeRouter['connectClient']>[0] = {}) {
  const router = await startRouter();
  const { client, connection } = await router.connectClient(overrides);
  cleanup.add(client);
  return { router, client, connection };
}

/** Resolves to 'pending' when the promise has not settled after the current I/O turn. */
async function state(promise: Promise<unknown>): Promise<'pending' | 'settled'> {
  const marker = Symbol('pending');
  const winner = await Promise.race([promise.then(
    () => 'settled',
    () => 'settled',
  ), new Promise((resolve) => setTimeout(() => resolve(marker), 30))]);
  return winner === marker ? 'pending' : 'settled';
}

function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error,
  );
}

describe('RouterOsClient login', () => {
  it('logs in with the plaintext method', async () => {
    const router = await startRouter();
    const pending = RouterOsClient.connect(router.clientOptions());
    const connection = await router.nextConnection();
    const request = await connection.read();
    expect(request).toEqual(['/login', '=name=admin', '=password=secret', '.tag=1']);
    connection.reply(request, ['!done']);
    const client = cleanup.add(await pending);
    expect(client.isOpen).toBe(true);
    expect(client.endpoint).toBe(`127.0.0.1:${router.port}`);
  });

  it('falls back to the legacy MD5 challenge when !done carries ret', async () => {
    const router = await startRouter();
    const pending = RouterOsClient.connect(router.clientOptions({ password: 'passTest' }));
    const connection = await router.nextConnection();
    const first = await connection.expect('/login');
    connection.reply(first, ['!done', '=ret=abc123']);
    const second = await connection.expect('/login');
    expect(second.slice(0, 3)).toEqual(['/login', '=name=admin', '=response=0021277bff9ac7caf06aa608e46616d47f']);
    connection.reply(second, ['!done']);
    cleanup.add(await pending);
  });

  it.each([
    ['invalid user name or password (6)', /login as "admin" refused: invalid user name or password \(6\)/],
    ['cannot log in', /refused: cannot log in/],
    ['std failure: not allowed (9)', /missing "api" policy/],
  ])('rejects %j with AuthenticationError and closes the connection', async (text, pattern) => {
    const router = await startRouter();
    const pending = caught(RouterOsClient.connect(router.clientOptions({ password: 'topsecretpw' })));
    const connection = await router.nextConnection();
    const request = await connection.expect('/login');
    connection.reply(request, ['!trap', `=message=${text}`], ['!done']);
    const error = (await pending) as Error;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toMatch(pattern);
    expect(error.message).not.toContain('topsecretpw');
    await connection.closed;
  });

  it('times out when the server accepts but never answers', async () => {
    const router = await startRouter();
    const started = Date.now();
    const pending = caught(RouterOsClient.connect(router.clientOptions({ connectTimeoutMillis: 200 })));
    const connection = await router.nextConnection();
    await connection.expect('/login');
    const error = (await pending) as Error;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toBe(`connecting to 127.0.0.1:${router.port} timed out after 200 ms`);
    expect(Date.now() - started).toBeLessThan(2_000);
    await connection.closed;
  });

  it('aborts connect and login through the signal', async () => {
    const router = await startRouter();
    const controller = new AbortController();
    const pending = caught(RouterOsClient.connect(router.clientOptions({ signal: controller.signal })));
    const connection = await router.nextConnection();
    await connection.expect('/login');
    controller.abort();
    const error = (await pending) as Error;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(/was aborted/);
    await connection.closed;
    await expect(RouterOsClient.connect(router.clientOptions({ signal: AbortSignal.abort() }))).rejects.toBeInstanceOf(
      TimeoutError,
    );
  });

  it('reports a refused connection as ConnectionLostError naming the endpoint', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const error = (await caught(
      RouterOsClient.connect({ host: '127.0.0.1', port, username: 'a', password: 'b', connectTimeoutMillis: 2_000 }),
    )) as Error;
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('validates options without echoing the password', async () => {
    const base = { host: '127.0.0.1', port: 8728, username: 'admin', password: 'pw-do-not-show' };
    await expect(RouterOsClient.connect({ ...base, port: 0 })).rejects.toThrow(/port must be an integer/);
    await expect(RouterOsClient.connect({ ...base, host: '' })).rejects.toThrow(/host/);
    await expect(RouterOsClient.connect({ ...base, commandTimeoutMillis: -1 })).rejects.toThrow(/commandTimeoutMillis/);
    await expect(RouterOsClient.connect({ ...base, idleProbeMillis: Number.NaN })).rejects.toThrow(/idleProbeMillis/);
    await expect(RouterOsClient.connect({ ...base, tls: { mode: 'pinned' } })).rejects.toThrow(/tls.fingerprint/);
    const error = (await caught(RouterOsClient.connect({ ...base, password: 42 as unknown as string }))) as Error;
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).not.toContain('42');
  });
});

describe('RouterOsClient commands', () => {
  it('print sends path, proplist, queries in order and attributes; returns the rows', async () => {
    const { client, connection } = await connected();
    const pending = client.print('/interface', {
      proplist: ['.id', 'name', 'type'],
      query: ['type=ether', 'type=vlan', '#|'],
      attributes: { stats: '' },
    });
    const request = await connection.read();
    expect(request).toEqual([
      '/interface/print',
      '=.proplist=.id,name,type',
      '?type=ether',
      '?type=vlan',
      '?#|',
      '=stats=',
      `.tag=${tagOf(request)}`,
    ]);
    connection.reply(request, ['!re', '=.id=*1', '=name=ether1', '=type=ether'], ['!re', '=.id=*2', '=name=v10', '=type=vlan'], [
      '!done',
    ]);
    expect(await pending).toEqual([
      { '.id': '*1', name: 'ether1', type: 'ether' },
      { '.id': '*2', name: 'v10', type: 'vlan' },
    ]);
  });

  it('print accepts the CLI path form', async () => {
    const { client, connection } = await connected();
    const pending = client.print('/ip address ');
    const request = await connection.read();
    expect(request[0]).toBe('/ip/address/print');
    connection.reply(request, ['!done']);
    expect(await pending).toEqual([]);
  });

  it('count sends =count-only= and returns ret as a number', async () => {
    const { client, connection } = await connected();
    const pending = client.count('/ip/firewall/connection', { query: ['protocol=tcp'] });
    const request = await connection.read();
    expect(request.slice(0, 3)).toEqual(['/ip/firewall/connection/print', '=count-only=', '?protocol=tcp']);
    connection.reply(request, ['!done', '=ret=123']);
    expect(await pending).toBe(123);
  });

  it('print with countOnly sends =count-only= (no proplist) and resolves with the ret row', async () => {
    const { client, connection } = await connected();
    const pending = client.print('/ip/firewall/connection', { countOnly: true, proplist: ['src-address'], query: ['protocol=udp'] });
    const request = await connection.read();
    expect(request.slice(0, -1)).toEqual(['/ip/firewall/connection/print', '=count-only=', '?protocol=udp']);
    connection.reply(request, ['!done', '=ret=42']);
    expect(await pending).toEqual([{ ret: '42' }]);
  });

  it.each([[[]], [['=ret=']], [['=ret=12x']], [['=ret=-1']]])('count rejects a done of %j with ProtocolError', async (extra) => {
    const { client, connection } = await connected();
    const pending = caught(client.count('/ip/route'));
    const request = await connection.read();
    connection.reply(request, ['!done', ...extra]);
    const error = (await pending) as Error;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toMatch(/\/ip\/route\/print =count-only= .* expected an integer/);
    expect(client.isOpen).toBe(true);
  });

  it('execute sends the command with its attributes', async () => {
    const { client, connection } = await connected();
    const pending = client.execute('/interface/ethernet/monitor', { numbers: 'ether1,ether2', once: '' });
    const request = await connection.read();
    expect(request.slice(0, 3)).toEqual(['/interface/ethernet/monitor', '=numbers=ether1,ether2', '=once=']);
    connection.reply(request, ['!re', '=name=ether1', '=rate=1Gbps'], ['!re', '=name=ether2', '=status=no-link'], ['!done']);
    expect(await pending).toEqual([
      { name: 'ether1', rate: '1Gbps' },
      { name: 'ether2', status: 'no-link' },
    ]);
  });

  it('command returns the !done attributes', async () => {
    const { client, connection } = await connected();
    const pending = client.command(['/ip/address/add', '=address=10.0.0.1/24', '=interface=ether1']);
    const request = await connection.read();
    connection.reply(request, ['!done', '=ret=*A']);
    expect(await pending).toEqual({ rows: [], done: { ret: '*A' } });
  });

  it('rejects words that would break framing or tag routing', async () => {
    const { client, connection } = await connected();
    await expect(client.command(['/a', ''])).rejects.toThrow(TypeError);
    await expect(client.command(['/a', '.tag=5'])).rejects.toThrow(/\.tag is set by the client/);
    await expect(client.command(['print'])).rejects.toThrow(/starting with "\/"/);
    await expect(client.command([])).rejects.toThrow(TypeError);
    await expect(client.execute('/a', { 'x=y': '1' })).rejects.toThrow(/attribute name/);
    await expect(client.print('interface')).rejects.toThrow(/path/);
    await expect(client.command(['/a'], { timeoutMillis: 0 })).rejects.toThrow(/timeoutMillis/);
    expect(connection.unread).toBe(0);
  });

  it('turns a !trap into TrapError with its category, swallows its !done, and stays usable', async () => {
    const { client, connection } = await connected();
    const pending = caught(client.print('/ipv6/address'));
    const request = await connection.read();
    connection.reply(request, ['!trap', '=category=0', '=message=no such command prefix'], ['!done']);
    const error = (await pending) as TrapError;
    expect(error).toBeInstanceOf(TrapError);
    expect(error.category).toBe(0);
    expect(error.message).toBe('no such command prefix');
    expect(error.isMissingFeature).toBe(true);

    const next = client.print('/system/identity');
    const second = await connection.read();
    connection.reply(second, ['!re', '=name=r1'], ['!done']);
    expect(await next).toEqual([{ name: 'r1' }]);
    expect(client.isOpen).toBe(true);
  });

  it('treats !empty as zero rows and still waits for !done', async () => {
    const { client, connection } = await connected();
    const pending = client.print('/interface/pptp-server');
    const request = await connection.read();
    connection.reply(request, ['!empty']);
    expect(await state(pending)).toBe('pending');
    connection.reply(request, ['!done']);
    expect(await pending).toEqual([]);
  });

  it('routes interleaved replies of concurrent commands by tag', async () => {
    const { client, connection } = await connected();
    const paths = ['/interface', '/ip/address', '/ip/route', '/system/resource'];
    const results = paths.map((path) => client.print(path));
    expect(client.pendingCommands).toBe(4);
    const requests = await Promise.all(paths.map(() => connection.read()));
    expect(new Set(requests.map((request) => tagOf(request))).size).toBe(4);
    // Reverse order, rows of different commands interleaved, tag word first in some replies.
    for (let round = 0; round < 2; round++) {
      for (const [index, request] of [...requests.entries()].reverse()) {
        connection.send(['!re', `.tag=${tagOf(request)}`, `=path=${paths[index]}`, `=round=${round}`]);
      }
    }
    for (const request of requests) connection.reply(request, ['!done']);
    const rows = await Promise.all(results);
    rows.forEach((commandRows, index) => {
      expect(commandRows).toEqual([
        { path: paths[index], round: '0' },
        { path: paths[index], round: '1' },
      ]);
    });
    expect(client.pendingCommands).toBe(0);
  });

  it('ignores untagged replies, unknown tags and unknown reply words', async () => {
    const { client, connection } = await connected();
    const pending = client.print('/interface');
    const request = await connection.read();
    connection.send(['!re', '=stray=1'], ['!done'], ['!re', '.tag=999', '=x=y'], ['!trap', '=message=boom', '.tag=998']);
    connection.reply(request, ['!future-reply', '=a=b'], ['!re', '=name=ether1'], ['!done']);
    expect(await pending).toEqual([{ name: 'ether1' }]);
    expect(client.ignoredReplies).toBe(5);
    expect(client.isOpen).toBe(true);
  });
});

describe('RouterOsClient cancellation', () => {
  it('sends /cancel and rejects with TimeoutError on abort; late replies are ignored', async () => {
    const { client, connection } = await connected();
    const controller = new AbortController();
    const pending = caught(client.print('/interface', { signal: controller.signal }));
    const request = await connection.read();
    const tag = tagOf(request)!;
    controller.abort();
    const error = (await pending) as Error;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(/\/interface\/print on .* was aborted/);
    expect(await connection.read()).toEqual(['/cancel', `=tag=${tag}`]);

    // The router's late answer for the cancelled tag must not leak into the next command.
    connection.send(['!re', '=name=late', `.tag=${tag}`], ['!trap', '=category=2', '=message=interrupted', `.tag=${tag}`]);
    connection.send(['!done'], ['!done', `.tag=${tag}`]);
    const next = client.print('/interface');
    const second = await connection.read();
    connection.reply(second, ['!re', '=name=fresh'], ['!done']);
    expect(await next).toEqual([{ name: 'fresh' }]);
  });

  it('rejects at once for an already aborted signal without sending anything', async () => {
    const { client, connection } = await connected();
    await expect(client.print('/interface', { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(TimeoutError);
    await expect(connection.read(100)).rejects.toThrow(/no sentence from the client/);
    expect(connection.received).toHaveLength(1); // only the login
  });

  it('sends /cancel and rejects with TimeoutError at the per-command deadline', async () => {
    const { client, connection } = await connected({ commandTimeoutMillis: 5_000 });
    const started = Date.now();
    const pending = caught(client.print('/interface', { timeoutMillis: 100 }));
    const request = await connection.read();
    const error = (await pending) as Error;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(/timed out after 100 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await connection.read()).toEqual(['/cancel', `=tag=${tagOf(request)}`]);
    expect(client.isOpen).toBe(true);
  });

  it('applies the client-wide command deadline', async () => {
    const { client, connection } = await connected({ commandTimeoutMillis: 80 });
    const pending = caught(client.print('/interface'));
    await connection.read();
    expect(await pending).toBeInstanceOf(TimeoutError);
    expect((await connection.read())[0]).toBe('/cancel');
  });
});

describe('RouterOsClient connection failures', () => {
  it('!fatal rejects every in-flight command with FatalError and closes', async () => {
    const { client, connection } = await connected();
    const first = caught(client.print('/interface'));
    const second = caught(client.print('/ip/route'));
    await connection.read();
    await connection.read();
    connection.send(['!fatal', 'session terminated on request']);
    for (const error of [await first, await second]) {
      expect(error).toBeInstanceOf(FatalError);
      expect((error as FatalError).reason).toBe('session terminated on request');
    }
    const cause = await client.closed;
    expect(cause).toBeInstanceOf(FatalError);
    expect(client.isOpen).toBe(false);
    const after = (await caught(client.print('/interface'))) as Error;
    expect(after).toBeInstanceOf(ConnectionLostError);
    expect(after.message).toMatch(/cannot send \/interface\/print: connection to .* is closed/);
    await connection.closed;
  });

  it('accepts !fatal with =message=', async () => {
    const { client, connection } = await connected();
    connection.send(['!fatal', '=message=too many commands']);
    expect(((await client.closed) as FatalError).reason).toBe('too many commands');
  });

  it('peer closing mid-reply rejects with ConnectionLostError', async () => {
    const { client, connection } = await connected();
    const pending = caught(client.print('/interface'));
    const request = await connection.read();
    connection.reply(request, ['!re', '=name=ether1']);
    connection.writeRaw(Buffer.from([0x03, 0x21, 0x72])); // half of a word
    connection.socket.end();
    const error = (await pending) as Error;
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(error.message).toMatch(/closed by the peer/);
    expect(await client.closed).toBeInstanceOf(ConnectionLostError);
  });

  it('a reset connection rejects with ConnectionLostError', async () => {
    const { client, connection } = await connected();
    const pending = caught(client.print('/interface'));
    await connection.read();
    connection.socket.resetAndDestroy();
    expect(await pending).toBeInstanceOf(ConnectionLostError);
    expect(client.isOpen).toBe(false);
  });

  it('garbage bytes close only that connection with ProtocolError', async () => {
    const bad = await connected();
    const good = await connected();
    const badPending = caught(bad.client.print('/interface'));
    await bad.connection.read();
    bad.connection.writeRaw(Buffer.from([0x02, 0x21, 0x72, 0xf9, 0x00]));
    const error = (await badPending) as Error;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toMatch(/protocol error from 127\.0\.0\.1:\d+: control byte 0xf9/);
    expect(await bad.client.closed).toBeInstanceOf(ProtocolError);
    await bad.connection.closed;

    const goodPending = good.client.print('/system/identity');
    const request = await good.connection.read();
    good.connection.reply(request, ['!re', '=name=still-fine'], ['!done']);
    expect(await goodPending).toEqual([{ name: 'still-fine' }]);
  });

  it('a sentence without a reply word is a ProtocolError', async () => {
    const { client, connection } = await connected();
    const pending = caught(client.print('/interface'));
    await connection.read();
    connection.send(['=name=ether1', '.tag=1']);
    expect(await pending).toBeInstanceOf(ProtocolError);
  });

  it('a word above maxWordBytes is a ProtocolError', async () => {
    const { client, connection } = await connected({ maxWordBytes: 64 });
    const pending = caught(client.print('/file'));
    const request = await connection.read();
    connection.reply(request, ['!re', `=contents=${'x'.repeat(100)}`]);
    const error = (await pending) as Error;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toMatch(/exceeds the limit of 64/);
  });
});

describe('RouterOsClient reply budget', () => {
  it('cancels a command whose reply outgrows maxReplyBytes, and keeps the connection for the others', async () => {
    const { client, connection } = await connected({ maxReplyBytes: 4_096 });
    const flooded = caught(client.print('/ip/firewall/connection', { proplist: ['src-address'] }));
    const flood = await connection.read();
    const other = client.print('/system/identity', { proplist: ['name'] });
    const otherRequest = await connection.read();
    // Each row costs about 70 bytes against the budget: 100 rows are well past 4 KiB.
    for (let row = 0; row < 100; row++) connection.reply(flood, ['!re', `=src-address=10.0.${row >> 8}.${row & 255}`]);
    const error = (await flooded) as Error;
    expect(error).toBeInstanceOf(ReplyTooLargeError);
    expect(error.message).toMatch(/\/ip\/firewall\/connection\/print on 127\.0\.0\.1:\d+: reply exceeds 4096 bytes after \d+ rows/);
    const cancel = await connection.read();
    expect(cancel).toEqual(['/cancel', `=tag=${tagOf(flood)}`]);
    connection.reply(otherRequest, ['!re', '=name=core1']);
    connection.reply(otherRequest, ['!done']);
    expect(await other).toEqual([{ name: 'core1' }]);
    expect(client.isOpen).toBe(true);
  });

  it('rejects an invalid maxReplyBytes', async () => {
    const router = await startRouter();
    await expect(RouterOsClient.connect(router.clientOptions({ maxReplyBytes: 0 }))).rejects.toThrow(/maxReplyBytes must be a positive integer/);
  });
});

describe('RouterOsClient idle probing', () => {
  it('probes an idle connection and closes it when the peer is dead', async () => {
    const { client, connection } = await connected({ idleProbeMillis: 100, commandTimeoutMillis: 150 });
    const probe = await connection.read(2_000);
    expect(probe.slice(0, 2)).toEqual(['/system/identity/print', '=.proplist=name']);
    const cause = (await client.closed) as Error;
    expect(cause).toBeInstanceOf(ConnectionLostError);
    expect(cause.message).toMatch(/did not answer the idle probe within 150 ms/);
    expect(client.isOpen).toBe(false);
    await connection.closed;
  });

  it('keeps a connection whose peer answers the probe (even with a trap)', async () => {
    const { client, connection } = await connected({ idleProbeMillis: 60, commandTimeoutMillis: 500 });
    const first = await connection.read(2_000);
    connection.reply(first, ['!re', '=name=r1'], ['!done']);
    const second = await connection.read(2_000);
    expect(second[0]).toBe('/system/identity/print');
    connection.reply(second, ['!trap', '=message=not enough permissions (9)'], ['!done']);
    await connection.read(2_000); // a third probe proves the loop continues
    expect(client.isOpen).toBe(true);
  });

  it('does not probe while replies keep arriving', async () => {
    const { client, connection } = await connected({ idleProbeMillis: 400 });
    for (let index = 0; index < 8; index++) {
      const pending = client.print('/interface');
      const request = await connection.read();
      expect(request[0]).toBe('/interface/print');
      await new Promise((resolve) => setTimeout(resolve, 60));
      connection.reply(request, ['!done']);
      await pending;
    }
    expect(connection.received.filter((sentence) => sentence[0] === '/system/identity/print')).toEqual([]);
  });
});

describe('RouterOsClient close', () => {
  it('sends /quit, rejects in-flight commands, resolves closed with undefined, and is idempotent', async () => {
    const { client, connection } = await connected();
    const pending = caught(client.print('/interface'));
    await connection.read();
    await Promise.all([client.close(), client.close()]);
    const error = (await pending) as Error;
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(error.message).toMatch(/closed by the client/);
    expect(await client.closed).toBeUndefined();
    expect(client.isOpen).toBe(false);
    await connection.closed;
    expect(connection.received.at(-1)).toEqual(['/quit']);
    await client.close();
  });

  it('close() finishes even when the peer never reads', async () => {
    const { client, connection } = await connected();
    connection.socket.pause();
    const started = Date.now();
    await client.close();
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('RouterOsClient process safety', () => {
  it('lets no rejection or error escape, whatever the peer does', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
    try {
      // Fatal with commands whose promises the caller handles, garbage, resets, probe failures,
      // late replies: every failure path once.
      const a = await connected({ idleProbeMillis: 50, commandTimeoutMillis: 100 });
      const b = await connected();
      const c = await connected();
      const d = await connected({ commandTimeoutMillis: 50 });
      const handled = [
        caught(b.client.print('/interface')),
        caught(c.client.print('/interface')),
        caught(d.client.print('/interface')),
      ];
      await b.connection.read();
      b.connection.send(['!fatal', 'bye']);
      b.connection.send(['!re', '.tag=1']);
      await c.connection.read();
      c.connection.writeRaw(Buffer.from([0xff, 0xff, 0xff]));
      c.connection.socket.resetAndDestroy();
      const late = await d.connection.read();
      await handled[2];
      d.connection.reply(late, ['!trap', '=message=interrupted'], ['!done']);
      d.connection.send(['!unknown'], ['!done']);
      await Promise.all(handled);
      await a.client.closed;
      await Promise.all([b.client.closed, c.client.closed]);
      // Login failure and connect timeout on top.
      const router = await startRouter();
      const loginFailure = caught(RouterOsClient.connect(router.clientOptions()));
      const loginConnection = await router.nextConnection();
      loginConnection.reply(await loginConnection.read(), ['!trap', '=message=cannot log in'], ['!done']);
      loginConnection.send(['!fatal', 'closing']);
      expect(await loginFailure).toBeInstanceOf(AuthenticationError);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      process.off('unhandledRejection', onUnhandled);
      process.off('uncaughtException', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});
