/**
 * Cross-check with an independent client (node-routeros, the RouterOS API manual (https://help.mikrotik.com/docs/spaces/ROS/pages/47579160/API)): if the simulator
 * and our own raw helper shared a misunderstanding, a third-party implementation would disagree.
 * node-routeros does not understand `!empty`, so only pre-7.18 profiles are used here.
 */
import { RouterOSAPI } from 'node-routeros';
import { describe, expect, it } from 'vitest';
import { startRouter } from './helpers/routers.js';

async function withClient<T>(port: number, password: string, work: (api: RouterOSAPI) => Promise<T>): Promise<T> {
  const api = new RouterOSAPI({ host: '127.0.0.1', port, user: 'admin', password, timeout: 3, keepalive: false });
  api.on('error', () => undefined);
  await api.connect();
  try {
    return await work(api);
  } finally {
    await api.close();
  }
}

describe('node-routeros against the simulator', () => {
  it('logs in with plaintext and reads prints, queries and monitors (7.16)', async () => {
    const router = await startRouter('hex-v7', { name: 'cross-hex', password: 'pw' });
    await withClient(router.port, 'pw', async (api) => {
      expect(await api.write('/system/identity/print')).toEqual([{ name: 'cross-hex' }]);
      const vlans = await api.write('/interface/print', ['?type=vlan', '=.proplist=name,type']);
      expect(vlans).toEqual([
        { name: 'vlan10', type: 'vlan' },
        { name: 'vlan20', type: 'vlan' },
        { name: 'vlan30', type: 'vlan' },
      ]);
      const monitor = await api.write('/interface/ethernet/monitor', ['=numbers=ether1', '=once=']);
      expect(monitor[0]).toMatchObject({ name: 'ether1', status: 'link-ok' });
      await expect(api.write('/ip/adress/print')).rejects.toThrow(/no such command or directory \(adress\)/);
    });
    expect(router.stats.logins).toBe(1);
  });

  it('logs in with the legacy challenge (6.40)', async () => {
    const router = await startRouter('rb750-v6-legacy', { password: 'old' });
    await withClient(router.port, 'old', async (api) => {
      const resource = await api.write('/system/resource/print', ['=.proplist=version,board-name']);
      expect(resource).toEqual([{ version: '6.40.9 (bugfix)', 'board-name': 'hEX' }]);
    });
    expect(router.stats.logins).toBe(1);
  });

  it('recognises the bad-credentials trap', async () => {
    const router = await startRouter('hap-ac2-v6');
    // node-routeros maps the exact text `invalid user name or password (6)` to its own message.
    await expect(withClient(router.port, 'wrong', async () => undefined)).rejects.toThrow(/Username or password is invalid/);
    expect(router.stats.failedLogins).toBe(1);
  });
});
