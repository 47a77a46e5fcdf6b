import { describe, expect, it } from 'vitest';
import { encodeSentence } from '../../../../src/sources/routeros/protocol/codec.js';
import { attributesOf, md5Response, rowsOf } from './helpers/raw-client.js';
import { connect, FakeClock, loggedIn, startRouter } from './helpers/routers.js';

describe('framing', () => {
  it('reads sentences written one byte at a time and ignores empty sentences', async () => {
    const router = await startRouter('hex-v7');
    const client = await connect(router);
    const bytes = Buffer.concat([
      Buffer.from([0, 0]),
      encodeSentence(['/login', '=name=admin', '=password=admin', '.tag=a']),
      Buffer.from([0]),
      encodeSentence(['/system/identity/print', '.tag=b']),
    ]);
    for (const byte of bytes) {
      client.sendBytes(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await client.untilDone('a')).toEqual([['!done', '.tag=a']]);
    expect(await client.untilDone('b')).toEqual([['!re', '=name=test-hex-v7', '.tag=b'], ['!done', '.tag=b']]);
  });

  it('closes only the connection that sends a control byte, and keeps serving others', async () => {
    const router = await startRouter('hex-v7');
    const good = await loggedIn(router);
    const bad = await loggedIn(router);
    bad.sendBytes(Buffer.from([0xf8, 0x01, 0x02]));
    await bad.closed;
    const reply = await good.command('/system/identity/print');
    expect(reply[0]).toEqual(['!re', '=name=test-hex-v7']);
    expect(router.connectionCount).toBe(1);
  });

  it('closes a connection that announces an oversized word without buffering it', async () => {
    const router = await startRouter('hex-v7');
    const client = await connect(router);
    client.sendBytes(Buffer.from([0xe1, 0x00, 0x00, 0x00, 0x41]));
    await client.closed;
    expect(client.received.length).toBe(0);
  });

  it('closes a connection that floods the router with running commands', async () => {
    const router = await startRouter('hex-v7');
    const client = await loggedIn(router);
    const flood = Array.from({ length: 1100 }, (_, index) =>
      encodeSentence(['/interface/ethernet/monitor', '=numbers=ether1', '=interval=10s', `.tag=${index}`]),
    );
    client.sendBytes(Buffer.concat(flood));
    await client.closed;
    const other = await loggedIn(router);
    expect((await other.command('/system/identity/print'))[0]).toEqual(['!re', '=name=test-hex-v7']);
  });

  it('survives random bytes from many clients', async () => {
    const router = await startRouter('hap-ac2-v6');
    for (let round = 0; round < 20; round += 1) {
      const client = await connect(router);
      const noise = Buffer.alloc(200);
      for (let index = 0; index < noise.length; index += 1) noise[index] = (index * 37 + round * 11) % 256;
      client.sendBytes(noise);
      client.close();
    }
    const client = await loggedIn(router);
    expect((await client.command('/system/identity/print'))[0]).toEqual(['!re', '=name=test-hap-ac2-v6']);
  });
});

describe('tags and concurrency', () => {
  it('replies untagged to untagged commands and tags every reply of tagged ones', async () => {
    const router = await startRouter('hex-v7');
    const client = await loggedIn(router);
    const untagged = await client.command('/system/health/print');
    expect(untagged.every((sentence) => !sentence.some((word) => word.startsWith('.tag=')))).toBe(true);
    client.send('/system/health/print', '.tag=h');
    const tagged = await client.untilDone('h');
    expect(tagged.length).toBe(untagged.length);
    expect(tagged.every((sentence) => sentence.at(-1) === '.tag=h')).toBe(true);
  });

  it('interleaves the replies of concurrent tagged commands and keeps each complete', async () => {
    const router = await startRouter('ccr2004-v7');
    const client = await loggedIn(router);
    client.sendBytes(
      Buffer.concat([
        encodeSentence(['/interface/print', '=.proplist=name', '?type=vlan', '.tag=v']),
        encodeSentence(['/interface/print', '=.proplist=name', '?type=ether', '.tag=e']),
      ]),
    );
    const sentences: string[][] = [];
    let done = 0;
    while (done < 2) {
      const sentence = await client.next();
      sentences.push(sentence);
      if (sentence[0] === '!done') done += 1;
    }
    const tags = sentences.map((sentence) => attributesOf(sentence)['.tag']);
    // Interleaved: the first two sentences belong to different commands.
    expect(tags[0]).not.toBe(tags[1]);
    const vlans = sentences.filter((sentence) => sentence.includes('.tag=v'));
    const ethers = sentences.filter((sentence) => sentence.includes('.tag=e'));
    expect(vlans.at(-1)![0]).toBe('!done');
    expect(ethers.at(-1)![0]).toBe('!done');
    expect(rowsOf(vlans)).toHaveLength(48);
    expect(rowsOf(ethers)).toHaveLength(18);
  });
});

describe('print', () => {
  it('returns only the .proplist properties that a row has', async () => {
    const router = await startRouter('hex-v7');
    const client = await loggedIn(router);
    const reply = await client.command('/interface/print', '=.proplist=name,type,comment,.id', '?name=ether1');
    expect(rowsOf(reply)).toEqual([{ name: 'ether1', type: 'ether', comment: 'uplink', '.id': '*2' }]);
    const noComment = await client.command('/interface/print', '=.proplist=name,comment', '?name=ether2');
    expect(rowsOf(noComment)).toEqual([{ name: 'ether2' }]);
  });

  it('accepts getall, =stats= and =detail=', async () => {
    const router = await startRouter('hex-v7');
    const client = await loggedIn(router);
    const print = rowsOf(await client.command('/interface/print', '=stats=', '=.proplist=name'));
    const getall = rowsOf(await client.command('/interface/getall', '=detail=', '=.proplist=name'));
    expect(getall).toEqual(print);
    expect(print.length).toBeGreaterThan(5);
  });

  it('answers =count-only= with !done =ret=N and no rows, queries included', async () => {
    const router = await startRouter('ccr2004-v7');
    const client = await loggedIn(router);
    expect(await client.command('/interface/print', '=count-only=')).toEqual([['!done', '=ret=68']]);
    expect(await client.command('/interface/print', '=count-only=', '?type=vlan')).toEqual([['!done', '=ret=48']]);
    expect(await client.command('/interface/print', '=count-only=', '?type=nothing')).toEqual([['!done', '=ret=0']]);
  });

  describe('queries', () => {
    async function names(profile: string, ...queries: string[]): Promise<string[]> {
      const router = await startRouter(profile);
      const client = await loggedIn(router);
      const reply = await client.command('/interface/print', '=.proplist=name', ...queries);
      return rowsOf(reply).map((row) => row.name!);
    }

    it('?name=x matches equal values (and ?=name=x is the same)', async () => {
      expect(await names('hex-v7', '?type=vlan')).toEqual(['vlan10', 'vlan20', 'vlan30']);
      expect(await names('hex-v7', '?=type=bridge')).toEqual(['bridge']);
    });

    it('?name and ?-name test presence', async () => {
      expect(await names('hex-v7', '?comment', '?type=ether')).toEqual(['ether1']);
      expect(await names('hex-v7', '?-default-name', '?-comment')).toEqual(['lo', 'bridge']);
    });

    it('?< and ?> compare numbers numerically', async () => {
      const router = await startRouter('ccr2004-v7');
      const client = await loggedIn(router);
      const big = rowsOf(await client.command('/interface/print', '=.proplist=name', '?>rx-byte=9007199254740992'));
      expect(big.map((row) => row.name)).toEqual(['sfp-sfpplus1']);
      const small = rowsOf(await client.command('/interface/print', '=.proplist=name', '?<actual-mtu=1500'));
      expect(small).toEqual([]);
      const large = rowsOf(await client.command('/interface/print', '=.proplist=name', '?>actual-mtu=1500'));
      expect(large.map((row) => row.name)).toEqual(['lo']);
    });

    it('?# combines with | & ! and stack indexes', async () => {
      expect(await names('hex-v7', '?type=bridge', '?type=loopback', '?#|')).toEqual(['lo', 'bridge']);
      expect(await names('hex-v7', '?type=ether', '?comment', '?#&!', '?type=ether')).toEqual([
        'ether2',
        'ether3',
        'ether4',
        'ether5',
      ]);
      expect(await names('hex-v7', '?type=vlan', '?name=vlan20', '?#!&')).toEqual(['vlan10', 'vlan30']);
    });

    it('traps an unknown ?# operation with category 1', async () => {
      const router = await startRouter('hex-v7');
      const client = await loggedIn(router);
      const reply = await client.command('/interface/print', '?#x');
      expect(reply[0]![0]).toBe('!trap');
      expect(reply[0]).toContain('=category=1');
      expect(reply[1]).toEqual(['!done']);
    });
  });

  describe('!empty', () => {
    it('precedes !done for a print without rows on 7.18+', async () => {
      const router = await startRouter('chr-v7-18');
      const client = await loggedIn(router);
      expect(await client.command('/system/health/print')).toEqual([['!empty'], ['!done']]);
      client.send('/interface/print', '?type=vlan', '.tag=x');
      expect(await client.untilDone('x')).toEqual([['!empty', '.tag=x'], ['!done', '.tag=x']]);
      expect(await client.command('/interface/print', '?type=vlan', '=count-only=')).toEqual([['!done', '=ret=0']]);
    });

    it.each(['hap-ac2-v6', 'rb750-v6-legacy', 'hex-v7', 'rb4011-v7-9'])('is never sent by %s', async (profile) => {
      const router = await startRouter(profile);
      const client = profile === 'rb750-v6-legacy' ? await legacyLogin(router) : await loggedIn(router);
      expect(await client.command('/interface/print', '?type=nothing')).toEqual([['!done']]);
    });
  });
});

async function legacyLogin(router: Awaited<ReturnType<typeof startRouter>>) {
  const client = await connect(router);
  const challenge = attributesOf((await client.command('/login'))[0]!).ret!;
  await client.command('/login', '=name=admin', `=response=${md5Response('admin', challenge)}`);
  return client;
}

describe('errors', () => {
  it('traps an unknown path word with category 0', async () => {
    const router = await startRouter('hex-v7');
    const client = await loggedIn(router);
    expect(await client.command('/ip/adress/print')).toEqual([
      ['!trap', '=category=0', '=message=no such command or directory (adress)'],
      ['!done'],
    ]);
    expect(await client.command('/interface/frobnicate')).toEqual([
      ['!trap', '=category=0', '=message=no such command or directory (frobnicate)'],
      ['!done'],
    ]);
    client.send('/nonsense', '.tag=9');
    expect(await client.untilDone('9')).toEqual([
      ['!trap', '=category=0', '=message=no such command or directory (nonsense)', '.tag=9'],
      ['!done', '.tag=9'],
    ]);
  });

  it('answers "no such command prefix" for a RouterOS menu the profile lacks', async () => {
    const router = await startRouter('hex-v7');
    const client = await loggedIn(router);
    expect(await client.command('/interface/lte/print')).toEqual([
      ['!trap', '=message=no such command prefix'],
      ['!done'],
    ]);
    expect(await client.command('/interface/wireless/monitor', '=numbers=wlan1', '=once=')).toEqual([
      ['!trap', '=message=no such command prefix'],
      ['!done'],
    ]);
  });

  it('answers /quit with !fatal and a bare reason, then closes', async () => {
    const router = await startRouter('hex-v7');
    const client = await loggedIn(router);
    client.send('/quit', '.tag=q');
    expect(await client.next()).toEqual(['!fatal', 'session terminated on request']);
    await client.closed;
    expect(router.connectionCount).toBe(0);
  });
});

describe('/cancel', () => {
  it('with =tag= interrupts that command: trap, the cancel !done, then the cancelled !done', async () => {
    const router = await startRouter('hex-v7');
    const client = await loggedIn(router);
    client.send('/interface/ethernet/monitor', '=numbers=ether1', '.tag=2');
    const first = await client.next();
    expect(first[0]).toBe('!re');
    expect(first).toContain('.tag=2');
    client.send('/cancel', '=tag=2', '.tag=7');
    const tail = (await client.untilDone('2')).filter((sentence) => sentence[0] !== '!re');
    expect(tail).toEqual([
      ['!trap', '=category=2', '=message=interrupted', '.tag=2'],
      ['!done', '.tag=7'],
      ['!done', '.tag=2'],
    ]);
    expect(await client.drain(1300)).toEqual([]);
  });

  it('without =tag= interrupts every running command', async () => {
    const router = await startRouter('hex-v7');
    const client = await loggedIn(router);
    client.send('/interface/ethernet/monitor', '=numbers=ether1', '.tag=a');
    client.send('/interface/ethernet/monitor', '=numbers=ether2,ether3', '.tag=b');
    await client.next();
    client.send('/cancel', '.tag=c');
    const sentences = (await client.untilDone('b', 3000)).concat();
    const control = sentences.filter((sentence) => sentence[0] !== '!re');
    // Both were interrupted; !done of a and b may come in either order, the cancel's own first.
    expect(control.filter((sentence) => sentence[0] === '!trap').map((sentence) => sentence.at(-1)).sort()).toEqual([
      '.tag=a',
      '.tag=b',
    ]);
    expect(control.find((sentence) => sentence[0] === '!done')).toEqual(['!done', '.tag=c']);
    if (!control.some((sentence) => sentence.includes('.tag=a') && sentence[0] === '!done')) {
      expect(await client.untilDone('a')).toEqual([['!done', '.tag=a']]);
    }
    expect(await client.drain(1300)).toEqual([]);
  });

  it('with nothing running only answers !done', async () => {
    const router = await startRouter('hex-v7');
    const client = await loggedIn(router);
    expect(await client.command('/cancel')).toEqual([['!done']]);
  });
});

describe('monitor', () => {
  it('with =once= answers one row per named item (by name or .id), then !done', async () => {
    const router = await startRouter('ccr2004-v7');
    const client = await loggedIn(router);
    const reply = await client.command('/interface/ethernet/monitor', '=numbers=ether1,sfp-sfpplus1,*E', '=once=');
    const rows = rowsOf(reply);
    expect(reply.at(-1)).toEqual(['!done']);
    expect(rows.map((row) => row.name)).toEqual(['ether1', 'sfp-sfpplus1', 'ether13']);
    expect(rows[0]).toMatchObject({ status: 'link-ok', rate: '1Gbps', 'full-duplex': 'true' });
    expect(rows[1]).toMatchObject({ rate: '10Gbps', 'sfp-module-present': 'true' });
    expect(rows[2]).toMatchObject({ status: 'no-link' });
    expect(rows[2]!.rate).toBeUndefined();
  });

  it('applies .proplist to monitor rows', async () => {
    const router = await startRouter('hex-v7');
    const client = await loggedIn(router);
    const reply = await client.command('/interface/ethernet/monitor', '=numbers=ether1', '=once=', '=.proplist=name,status');
    expect(reply).toEqual([['!re', '=name=ether1', '=status=link-ok'], ['!done']]);
  });

  it('traps an unknown item with category 1 and a missing =numbers=', async () => {
    const router = await startRouter('hex-v7');
    const client = await loggedIn(router);
    expect(await client.command('/interface/ethernet/monitor', '=numbers=ether9', '=once=')).toEqual([
      ['!trap', '=category=1', '=message=input does not match any value of interface'],
      ['!done'],
    ]);
    const missing = await client.command('/interface/ethernet/monitor', '=once=');
    expect(missing[0]![0]).toBe('!trap');
  });

  it('answers the v6 single-item form (`=number=`) of /interface/lte/info', async () => {
    const router = await startRouter('hap-ac2-v6');
    const client = await loggedIn(router);
    const reply = await client.command('/interface/lte/info', '=number=lte1', '=once=', '=.proplist=name,registration-status,rssi');
    expect(reply).toEqual([['!re', '=name=lte1', '=registration-status=roaming', '=rssi=-79dBm'], ['!done']]);
  });

  it('refuses a command whose policy the user lacks with `not enough permissions (9)`, and serves the rest', async () => {
    const router = await startRouter('hap-ac2-v6', { policies: ['api', 'read'] });
    const client = await loggedIn(router);
    expect(await client.command('/interface/lte/info', '=number=lte1', '=once=')).toEqual([
      ['!trap', '=message=not enough permissions (9)'],
      ['!done'],
    ]);
    expect(rowsOf(await client.command('/interface/lte/print', '=.proplist=name'))).toEqual([{ name: 'lte1' }]);
    const full = await loggedIn(await startRouter('hap-ac2-v6', { policies: ['api', 'read', 'test'] }));
    expect(rowsOf(await full.command('/interface/lte/info', '=number=lte1', '=once=', '=.proplist=name'))).toEqual([{ name: 'lte1' }]);
  });

  it('without =once= streams the rows every interval until cancelled', async () => {
    const router = await startRouter('hex-v7');
    const client = await loggedIn(router);
    client.send('/interface/ethernet/monitor', '=numbers=ether1,ether2', '=interval=200ms', '.tag=m');
    const started = Date.now();
    const rows: string[][] = [];
    while (rows.length < 6) rows.push(await client.next());
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(rows.every((sentence) => sentence[0] === '!re' && sentence.includes('.tag=m'))).toBe(true);
    expect(rows.map((sentence) => attributesOf(sentence).name)).toEqual(['ether1', 'ether2', 'ether1', 'ether2', 'ether1', 'ether2']);
    client.send('/cancel', '=tag=m');
    const tail = (await client.untilDone('m')).filter((sentence) => sentence[0] !== '!re');
    expect(tail).toEqual([['!trap', '=category=2', '=message=interrupted', '.tag=m'], ['!done'], ['!done', '.tag=m']]);
  });
});

describe('system menus', () => {
  it('/system/identity answers the router name', async () => {
    const router = await startRouter('ccr2004-v7', { name: 'edge-7' });
    const client = await loggedIn(router);
    expect(await client.command('/system/identity/print')).toEqual([['!re', '=name=edge-7'], ['!done']]);
  });

  it('/system/resource uptime ticks with the clock', async () => {
    const clock = new FakeClock();
    const router = await startRouter('chr-v7-18', { clock: clock.read });
    const client = await loggedIn(router);
    const uptime = async () => rowsOf(await client.command('/system/resource/print', '=.proplist=uptime'))[0]!.uptime;
    expect(await uptime()).toBe('42m53s');
    clock.advance(7_000);
    expect(await uptime()).toBe('43m');
    clock.advance(2 * 86_400_000 + 3_600_000);
    expect(await uptime()).toBe('2d1h43m');
  });

  it('reports the profile version, v6 dates and v7 health rows', async () => {
    const v6 = await loggedIn(await startRouter('hap-ac2-v6'));
    const resource = rowsOf(await v6.command('/system/resource/print'))[0]!;
    expect(resource.version).toBe('6.49.17 (long-term)');
    expect(resource['build-time']).toBe('jan/02/2025 10:00:00');
    expect(rowsOf(await v6.command('/system/health/print'))).toEqual([
      { voltage: '24.1', temperature: '35', 'cpu-temperature': '45' },
    ]);
    const v7 = await loggedIn(await startRouter('hex-v7'));
    expect(rowsOf(await v7.command('/system/health/print'))).toEqual([
      { '.id': '*D', name: 'voltage', value: '24.2', type: 'V' },
      { '.id': '*E', name: 'cpu-temperature', value: '51', type: 'C' },
    ]);
    expect(rowsOf(await v7.command('/system/resource/print', '=.proplist=build-time'))[0]).toEqual({
      'build-time': '2024-12-11 09:04:52',
    });
  });
});
