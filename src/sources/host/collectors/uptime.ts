/**
 * How long the host has been up. `system.uptime` is declared as the target's uptime, so the engine
 * starts every counter of the host anew when it boots again. node_exporter has no uptime metric:
 * with its names, the boot time (btime of /proc/stat) and the current time are exported instead, as
 * its stat and time collectors do, with its uname collector's info series.
 */
import { machine } from 'node:os';
import type { HostFs } from '../fs.js';
import { byNaming, completeLines, fields, metric, num, Samples, type HostCollector } from './collector.js';
import { parseStat } from './cpu.js';

const OTEL = {
  uptime: metric('system.uptime', 'gauge', 's', 'Seconds since the host booted.', [], { role: 'uptime' }),
};

const NODE = {
  bootTime: metric('node_boot_time_seconds', 'gauge', 's', 'Node boot time, in unixtime.'),
  time: metric('node_time_seconds', 'gauge', 's', 'System time in seconds since epoch (1970).'),
  uname: metric('node_uname_info', 'gauge', '', 'Labeled system information as provided by the uname system call.', [
    'domainname',
    'machine',
    'nodename',
    'release',
    'sysname',
    'version',
  ]),
};

/** The uname(2) fields as /proc/sys/kernel shows them; the machine (architecture) is the kernel's, read by Node. */
async function uname(fs: HostFs): Promise<Record<string, string> | undefined> {
  const field = async (name: string): Promise<string | undefined> => (await fs.tryRead(`/proc/sys/kernel/${name}`))?.trim();
  const [sysname, release, version, nodename, domainname] = await Promise.all(['ostype', 'osrelease', 'version', 'hostname', 'domainname'].map(field));
  if (sysname === undefined || release === undefined || version === undefined || nodename === undefined) return undefined;
  return { domainname: domainname ?? '(none)', machine: machine(), nodename, release, sysname, version };
}

export const uptimeCollector: HostCollector = {
  name: 'uptime',
  reads: '/proc/uptime (OpenTelemetry names); btime of /proc/stat and /proc/sys/kernel/{ostype,osrelease,version,hostname,domainname} (node_exporter names)',
  metrics: byNaming(OTEL, NODE),
  create({ fs, config }) {
    return async () => {
      const out = new Samples();
      if (config.names === 'otel') {
        out.add(OTEL.uptime, num(fields(completeLines(await fs.read('/proc/uptime'))[0] ?? '')[0]));
      } else {
        const { scalars } = parseStat(await fs.read('/proc/stat'));
        out.add(NODE.bootTime, scalars.get('btime') ?? Number.NaN);
        out.add(NODE.time, Date.now() / 1000);
        // "Node Exporter Full" lists its hosts from this series: without it the dashboard has no instance to pick.
        const info = await uname(fs);
        if (info !== undefined) out.add(NODE.uname, 1, info);
      }
      if (out.samples.length === 0) throw new Error('no uptime in the file (truncated?)');
      return out.output();
    };
  },
};
