/**
 * Space and inodes of mounted filesystems: the mounts of /proc/1/mountinfo (the host's init, so a
 * container sharing the host's PID namespace sees the host's mounts, as node_exporter reads them;
 * /proc/self/mountinfo when that is unreadable), filtered by type and mount point, then statfs(2) on
 * each mount point under the root. A mount that cannot be stat'ed (a stale NFS handle, permission
 * denied) loses only its own values and reports its error; the others are unaffected. statfs on a
 * hung network filesystem can block: the run gives up on it at the collection deadline.
 */
import { untilAborted } from '../../../engine/deadline.js';
import { passes } from '../config.js';
import { errorCode, type FsStats } from '../fs.js';
import { byNaming, completeLines, fields, metric, Samples, type HostCollector } from './collector.js';

const OTEL_ATTRIBUTES = ['device', 'mountpoint', 'type', 'state'];
const OTEL = {
  usage: metric('system.filesystem.usage', 'gauge', 'By', 'Bytes used, free (to unprivileged users) and reserved (for root) on each filesystem.', OTEL_ATTRIBUTES),
  inodes: metric('system.filesystem.inodes.usage', 'gauge', '{inode}', 'Inodes used and free on each filesystem.', OTEL_ATTRIBUTES),
};

const labels = ['device', 'device_error', 'fstype', 'mountpoint'];
const NODE = {
  size: metric('node_filesystem_size_bytes', 'gauge', 'By', 'Filesystem size in bytes.', labels),
  free: metric('node_filesystem_free_bytes', 'gauge', 'By', 'Filesystem free space in bytes.', labels),
  avail: metric('node_filesystem_avail_bytes', 'gauge', 'By', 'Filesystem space available to non-root users in bytes.', labels),
  files: metric('node_filesystem_files', 'gauge', '', 'Filesystem total file nodes.', labels),
  filesFree: metric('node_filesystem_files_free', 'gauge', '', 'Filesystem total free file nodes.', labels),
  readonly: metric('node_filesystem_readonly', 'gauge', '', 'Filesystem read-only status.', labels),
  deviceError: metric('node_filesystem_device_error', 'gauge', '', 'Whether an error occurred while getting statistics for the given device.', labels),
  mountInfo: metric('node_filesystem_mount_info', 'gauge', '', 'Filesystem mount information.', ['device', 'major', 'minor', 'mountpoint']),
};

export interface Mount {
  readonly device: string;
  readonly mountpoint: string;
  readonly fstype: string;
  readonly major: string;
  readonly minor: string;
  readonly readonly: boolean;
}

/** `\040` and the other octal escapes the kernel writes for spaces, tabs, newlines and backslashes. */
function unescape(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** Lines of /proc/<pid>/mountinfo (proc(5)); a line without the ` - ` separator is left out. */
export function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of completeLines(text)) {
    const parts = fields(line);
    const separator = parts.indexOf('-');
    if (separator < 6 || parts.length < separator + 3) continue;
    const [major = '', minor = ''] = (parts[2] ?? '').split(':');
    mounts.push({
      device: unescape(parts[separator + 2] ?? ''),
      mountpoint: unescape(parts[4] ?? ''),
      fstype: parts[separator + 1] ?? '',
      major,
      minor,
      readonly: (parts[5] ?? '').split(',').includes('ro'),
    });
  }
  return mounts;
}

export const filesystemCollector: HostCollector = {
  name: 'filesystem',
  reads: '/proc/1/mountinfo (else /proc/self/mountinfo), then statfs(2) of each mount point',
  metrics: byNaming(OTEL, NODE),
  create({ fs, config }) {
    return async (run) => {
      const text = (await fs.tryRead('/proc/1/mountinfo')) ?? (await fs.read('/proc/self/mountinfo'));
      const seen = new Set<string>();
      const mounts = parseMountinfo(text).filter((mount) => {
        const key = `${mount.device}\u0000${mount.mountpoint}\u0000${mount.fstype}`;
        if (seen.has(key) || !passes(config.filesystem.fstypes, mount.fstype) || !passes(config.filesystem.mountpoints, mount.mountpoint)) return false;
        seen.add(key);
        return true;
      });
      const stats = await Promise.all(
        mounts.map((mount) =>
          untilAborted(fs.statfs(mount.mountpoint), run.signal).then(
            (value): FsStats | Error => value,
            (error: unknown): FsStats | Error => new Error(errorCode(error) ?? (error instanceof Error ? error.message : 'statfs failed')),
          ),
        ),
      );
      const out = new Samples();
      mounts.forEach((mount, index) => {
        const stat = stats[index];
        if (stat === undefined) return;
        if (config.names === 'otel') {
          if (stat instanceof Error) return;
          const base = { device: mount.device, mountpoint: mount.mountpoint, type: mount.fstype };
          out.add(OTEL.usage, (stat.blocks - stat.bfree) * stat.bsize, { ...base, state: 'used' });
          out.add(OTEL.usage, stat.bavail * stat.bsize, { ...base, state: 'free' });
          out.add(OTEL.usage, (stat.bfree - stat.bavail) * stat.bsize, { ...base, state: 'reserved' });
          out.add(OTEL.inodes, stat.files - stat.ffree, { ...base, state: 'used' });
          out.add(OTEL.inodes, stat.ffree, { ...base, state: 'free' });
          return;
        }
        const error = stat instanceof Error ? stat.message : '';
        const attributes = { device: mount.device, device_error: error, fstype: mount.fstype, mountpoint: mount.mountpoint };
        out.add(NODE.mountInfo, 1, { device: mount.device, major: mount.major, minor: mount.minor, mountpoint: mount.mountpoint });
        out.add(NODE.deviceError, error === '' ? 0 : 1, attributes);
        out.add(NODE.readonly, mount.readonly ? 1 : 0, attributes);
        if (stat instanceof Error) return;
        out.add(NODE.size, stat.blocks * stat.bsize, attributes);
        out.add(NODE.free, stat.bfree * stat.bsize, attributes);
        out.add(NODE.avail, stat.bavail * stat.bsize, attributes);
        out.add(NODE.files, stat.files, attributes);
        out.add(NODE.filesFree, stat.ffree, attributes);
      });
      return out.output();
    };
  },
};
