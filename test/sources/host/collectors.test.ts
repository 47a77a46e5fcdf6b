/**
 * Each host collector on the fixture trees (test/fixtures/host/), in both namings: what it reads, what it
 * filters out, and what one bad file costs. Permission denied is simulated two ways, because the tests run as
 * root, where a chmod 000 file is still readable: a directory where a file is expected (EISDIR: the fixture's
 * /proc/pressure/io and hwmon4's temp9_input) and an injected reader that throws EACCES for chosen paths.
 */
import { rmSync } from 'node:fs';
import { machine } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cpuCollector } from '../../../src/sources/host/collectors/cpu.js';
import { diskCollector } from '../../../src/sources/host/collectors/disk.js';
import { filesystemCollector } from '../../../src/sources/host/collectors/filesystem.js';
import { loadCollector } from '../../../src/sources/host/collectors/load.js';
import { memoryCollector } from '../../../src/sources/host/collectors/memory.js';
import { networkCollector } from '../../../src/sources/host/collectors/network.js';
import { pressureCollector } from '../../../src/sources/host/collectors/pressure.js';
import { temperatureCollector } from '../../../src/sources/host/collectors/temperature.js';
import { uptimeCollector } from '../../../src/sources/host/collectors/uptime.js';
import { defaultHostConfig, type HostConfig } from '../../../src/sources/host/config.js';
import { NODE_IO, type HostIo } from '../../../src/sources/host/fs.js';
import { attributeValues, collectorRunner, denying, fixedStatfs, fixtureRoot, hostConfig, valuesOf, type FixtureRoot } from './helpers.js';

let fixture: FixtureRoot | undefined;
function tree(...overlays: string[]): FixtureRoot {
  fixture = fixtureRoot(...overlays);
  return fixture;
}
afterEach(() => {
  fixture?.cleanup();
  fixture = undefined;
});

describe('cpu', () => {
  it('reads every CPU of a 64-core /proc/stat as counters in seconds, per OTel state', async () => {
    const { root } = tree();
    const samples = await collectorRunner(cpuCollector, hostConfig(root))();
    const times = samples.filter((sample) => sample.metric.name === 'system.cpu.time');
    expect(times).toHaveLength(64 * 8);
    expect(times[0]?.metric.kind).toBe('counter');
    expect(attributeValues(samples, 'system.cpu.time', 'state')).toEqual(['user', 'nice', 'system', 'idle', 'wait', 'interrupt', 'softirq', 'steal']);
    const values = valuesOf(samples);
    expect(values.get('system.cpu.time{cpu="cpu63",state="user"}')).toBeCloseTo((1_500_000 + 63 * 1013) / 100, 6);
    expect(values.get('system.cpu.time{cpu="cpu0",state="wait"}')).toBeCloseTo(120, 6);
    expect(values.get('system.processes.created{}')).toBe(4_567_890);
    // Utilisation needs two of the collector's own samples: none on the first.
    expect(samples.some((sample) => sample.metric.name === 'system.cpu.utilization')).toBe(false);
  });

  it('computes utilisation between its own samples', async () => {
    const fixtureTree = tree();
    const run = collectorRunner(cpuCollector, hostConfig(fixtureTree.root));
    await run();
    fixtureTree.overlay('step2');
    const values = valuesOf(await run());
    // step2 adds 1500 ticks per CPU: 600 user, 150 system, 700 idle, 50 iowait.
    expect(values.get('system.cpu.utilization{cpu="cpu7",state="user"}')).toBeCloseTo(0.4, 9);
    expect(values.get('system.cpu.utilization{cpu="cpu7",state="system"}')).toBeCloseTo(0.1, 9);
    expect(values.get('system.cpu.utilization{cpu="cpu7",state="idle"}')).toBeCloseTo(700 / 1500, 9);
    expect(values.get('system.cpu.utilization{cpu="cpu7",state="wait"}')).toBeCloseTo(50 / 1500, 9);
    expect(values.get('system.cpu.utilization{cpu="cpu7",state="steal"}')).toBe(0);
  });

  it("uses node_exporter's names, modes and CPU numbers", async () => {
    const { root } = tree();
    const values = valuesOf(await collectorRunner(cpuCollector, hostConfig(root, { names: 'node_exporter' }))());
    expect(values.get('node_cpu_seconds_total{cpu="0",mode="iowait"}')).toBeCloseTo(120, 6);
    expect(values.get('node_cpu_seconds_total{cpu="63",mode="softirq"}')).toBeCloseTo((4000 + 63 * 11) / 100, 6);
    expect(values.get('node_cpu_guest_seconds_total{cpu="5",mode="user"}')).toBe(0);
    expect(values.get('node_context_switches_total{}')).toBe(123_456_789_012);
    expect(values.get('node_intr_total{}')).toBe(9_876_543_210);
    expect(values.get('node_forks_total{}')).toBe(4_567_890);
    expect(values.get('node_procs_running{}')).toBe(3);
    expect(values.get('node_procs_blocked{}')).toBe(0);
    expect([...values.keys()].filter((key) => key.startsWith('node_cpu_seconds_total'))).toHaveLength(512);
  });

  it('keeps the whole CPU lines of a truncated /proc/stat and drops the cut one', async () => {
    const { root } = tree('truncated');
    const samples = await collectorRunner(cpuCollector, hostConfig(root))();
    expect(attributeValues(samples, 'system.cpu.time', 'cpu')).toEqual(Array.from({ length: 33 }, (_, index) => `cpu${index}`));
  });
});

describe('load, memory, uptime', () => {
  it('reads load averages in both namings', async () => {
    const { root } = tree();
    expect(valuesOf(await collectorRunner(loadCollector, hostConfig(root))())).toEqual(
      new Map([
        ['system.cpu.load_average.1m{}', 1.25],
        ['system.cpu.load_average.5m{}', 0.98],
        ['system.cpu.load_average.15m{}', 0.73],
      ]),
    );
    const node = valuesOf(await collectorRunner(loadCollector, hostConfig(root, { names: 'node_exporter' }))());
    expect([...node.keys()]).toEqual(['node_load1{}', 'node_load5{}', 'node_load15{}']);
  });

  it('splits memory into states that add up to MemTotal, in bytes', async () => {
    const { root } = tree();
    const values = valuesOf(await collectorRunner(memoryCollector, hostConfig(root))());
    const kib = 1024;
    expect(values.get('system.memory.limit{}')).toBe(65_536_000 * kib);
    expect(values.get('system.memory.usage{state="used"}')).toBe((65_536_000 - 20_480_000 - 512_000 - 16_384_000 - 1_200_000) * kib);
    const summed = ['used', 'free', 'buffered', 'cached', 'slab_reclaimable'].reduce((sum, state) => sum + (values.get(`system.memory.usage{state="${state}"}`) ?? 0), 0);
    expect(summed).toBe(65_536_000 * kib);
    expect(values.get('system.linux.memory.available{}')).toBe(40_960_000 * kib);
    expect(values.get('system.memory.linux.shared{}')).toBe(400_000 * kib);
    expect(values.get('system.paging.usage{state="used"}')).toBe((8_388_604 - 8_000_000) * kib);
  });

  it('exports every meminfo field under node_exporter names', async () => {
    const { root } = tree();
    const values = valuesOf(await collectorRunner(memoryCollector, hostConfig(root, { names: 'node_exporter' }))());
    expect(values.get('node_memory_MemAvailable_bytes{}')).toBe(40_960_000 * 1024);
    expect(values.get('node_memory_Active_anon_bytes{}')).toBe(6_000_000 * 1024);
    expect(values.get('node_memory_HugePages_Total{}')).toBe(0);
    expect(values.get('node_memory_Hugepagesize_bytes{}')).toBe(2048 * 1024);
    expect(values.size).toBe(40);
  });

  it('loses only the cut line of a truncated /proc/meminfo', async () => {
    const { root } = tree('truncated');
    const node = valuesOf(await collectorRunner(memoryCollector, hostConfig(root, { names: 'node_exporter' }))());
    expect(node.get('node_memory_MemTotal_bytes{}')).toBe(65_536_000 * 1024);
    expect(node.has('node_memory_SwapTotal_bytes{}')).toBe(false);
    expect(node.has('node_memory_SwapTotal{}')).toBe(false); // "SwapTotal:  83" without its unit must not pass as a count
    const otel = valuesOf(await collectorRunner(memoryCollector, hostConfig(root))());
    expect(otel.has('system.memory.limit{}')).toBe(true);
    expect([...otel.keys()].some((key) => key.startsWith('system.paging.usage'))).toBe(false);
  });

  it('declares system.uptime as the uptime, and gives the boot time under node_exporter names', async () => {
    const { root } = tree();
    const [uptime] = await collectorRunner(uptimeCollector, hostConfig(root))();
    expect(uptime?.metric.role).toBe('uptime');
    expect(uptime?.value).toBe(2_345_678.91);
    const node = valuesOf(await collectorRunner(uptimeCollector, hostConfig(root, { names: 'node_exporter' }))());
    expect(node.get('node_boot_time_seconds{}')).toBe(1_765_000_000);
    expect(node.get('node_time_seconds{}')).toBeGreaterThan(1_765_000_000);
    const uname = `node_uname_info{domainname="(none)",machine="${machine()}",nodename="edge-box",release="6.12.48+deb13-amd64",sysname="Linux",version="#1 SMP PREEMPT_DYNAMIC Debian 6.12.48-1 (2025-09-20)"}`;
    expect(node.get(uname)).toBe(1);
  });
});

describe('disk', () => {
  it('keeps whole disks and device-mapper volumes, not partitions or loop devices, by default', async () => {
    const { root } = tree();
    const samples = await collectorRunner(diskCollector, hostConfig(root))();
    expect(attributeValues(samples, 'system.disk.io', 'device')).toEqual(['nvme0n1', 'sda', 'dm-0', 'dm-1']);
    const values = valuesOf(samples);
    expect(values.get('system.disk.io{device="nvme0n1",direction="read"}')).toBe(98_123_456 * 512);
    expect(values.get('system.disk.operations{device="nvme0n1",direction="write"}')).toBe(2_345_678);
    expect(values.get('system.disk.io_time{device="nvme0n1"}')).toBeCloseTo(1234.567, 9);
    expect(values.get('system.disk.operation_time{device="sda",direction="read"}')).toBeCloseTo(23.456, 9);
    expect(values.get('system.disk.pending_operations{device="nvme0n1"}')).toBe(2);
    expect(samples.find((sample) => sample.metric.name === 'system.disk.pending_operations')?.metric.kind).toBe('gauge');
  });

  it("uses node_exporter's names, and include overrides the default exclude", async () => {
    const { root } = tree();
    const config = hostConfig(root, { names: 'node_exporter', disk: { include: /^(nvme0n1p\d|loop0)$/ } });
    const samples = await collectorRunner(diskCollector, config)();
    expect(attributeValues(samples, 'node_disk_read_bytes_total', 'device')).toEqual(['loop0', 'nvme0n1p1', 'nvme0n1p2']);
    const values = valuesOf(samples);
    expect(values.get('node_disk_read_bytes_total{device="nvme0n1p1"}')).toBe(12_345 * 512);
    expect(values.get('node_disk_flush_requests_time_seconds_total{device="loop0"}')).toBe(0);
  });

  it('reports a wrapped counter as read (downstream starts a new series) and drops a vanished device', async () => {
    const fixtureTree = tree();
    const run = collectorRunner(diskCollector, hostConfig(fixtureTree.root));
    await run();
    fixtureTree.overlay('step2');
    const samples = await run();
    expect(valuesOf(samples).get('system.disk.io{device="nvme0n1",direction="read"}')).toBe(1234 * 512);
    expect(attributeValues(samples, 'system.disk.io', 'device')).toEqual(['nvme0n1', 'sda', 'dm-0']);
  });
});

describe('filesystem', () => {
  it('statfs each mount the filters keep; one that cannot be read reports its error alone', async () => {
    const { root } = tree();
    const config = hostConfig(root, { names: 'node_exporter' });
    const samples = await collectorRunner(filesystemCollector, config, fixedStatfs(root))();
    // /proc, /sys, /dev, cgroup2, squashfs and overlay filtered out; the second "/" line (a bind mount seen twice) once.
    expect(attributeValues(samples, 'node_filesystem_readonly', 'mountpoint')).toEqual(['/', '/boot/efi', '/mnt/backup disk', '/run', '/srv/nfs']);
    const values = valuesOf(samples);
    const root1 = 'device="/dev/mapper/vg0-root",device_error="",fstype="ext4",mountpoint="/"';
    expect(values.get(`node_filesystem_size_bytes{${root1}}`)).toBe(4096 * 1_000_000);
    expect(values.get(`node_filesystem_avail_bytes{${root1}}`)).toBe(4096 * 350_000);
    expect(values.get('node_filesystem_readonly{device="/dev/sda1",device_error="",fstype="ext4",mountpoint="/mnt/backup disk"}')).toBe(1);
    // /srv/nfs is not there under the root: statfs fails, only its own values go.
    expect(values.get('node_filesystem_device_error{device="fileserver:/export",device_error="ENOENT",fstype="nfs4",mountpoint="/srv/nfs"}')).toBe(1);
    expect([...values.keys()].some((key) => key.startsWith('node_filesystem_size_bytes') && key.includes('/srv/nfs'))).toBe(false);
    expect(values.get('node_filesystem_mount_info{device="/dev/nvme0n1p1",major="259",minor="1",mountpoint="/boot/efi"}')).toBe(1);
  });

  it('keeps by include_fstypes and include_mountpoints, and drops by exclude_mountpoints', async () => {
    const { root } = tree();
    const mountpoints = async (filesystem: HostConfig['filesystem']): Promise<string[]> =>
      attributeValues(
        await collectorRunner(filesystemCollector, hostConfig(root, { names: 'node_exporter', filesystem }), fixedStatfs(root))(),
        'node_filesystem_readonly',
        'mountpoint',
      );
    const defaults = defaultHostConfig().filesystem;
    // An include alone keeps what the default exclude drops: squashfs and /sys/fs/cgroup here.
    expect(await mountpoints({ ...defaults, fstypes: { include: /^(ext4|squashfs)$/ } })).toEqual(['/', '/mnt/backup disk', '/snap/core/123']);
    expect(await mountpoints({ ...defaults, mountpoints: { include: /^\/(run|boot)/ } })).toEqual(['/boot/efi', '/run']);
    // An exclude of its own replaces the default one; the type filter still drops /proc, /sys and /dev.
    expect(await mountpoints({ ...defaults, mountpoints: { exclude: /^\/mnt\// } })).toEqual(['/', '/boot/efi', '/run', '/srv/nfs']);
  });

  it('gives used, free and reserved bytes and inodes under OTel names', async () => {
    const { root } = tree();
    const samples = await collectorRunner(filesystemCollector, hostConfig(root), fixedStatfs(root))();
    const values = valuesOf(samples);
    const base = 'device="/dev/mapper/vg0-root",mountpoint="/",type="ext4"';
    expect(values.get(`system.filesystem.usage{${base},state="used"}`)).toBe(4096 * 600_000);
    expect(values.get(`system.filesystem.usage{${base},state="free"}`)).toBe(4096 * 350_000);
    expect(values.get(`system.filesystem.usage{${base},state="reserved"}`)).toBe(4096 * 50_000);
    expect(values.get(`system.filesystem.inodes.usage{${base},state="used"}`)).toBe(5_536);
    expect(attributeValues(samples, 'system.filesystem.usage', 'mountpoint')).not.toContain('/srv/nfs');
  });
});

describe('network', () => {
  it('keeps counters per interface, without lo and veth by default', async () => {
    const { root } = tree();
    const samples = await collectorRunner(networkCollector, hostConfig(root))();
    expect(attributeValues(samples, 'system.network.io', 'device')).toEqual(['eth0', 'eth1', 'wlan0', 'docker0']);
    const values = valuesOf(samples);
    expect(values.get('system.network.io{device="eth0",direction="receive"}')).toBe(4_294_967_000);
    expect(values.get('system.network.io{device="eth0",direction="transmit"}')).toBe(123_456_789_012);
    expect(values.get('system.network.dropped{device="eth0",direction="receive"}')).toBe(15);
    expect(values.get('system.network.errors{device="eth1",direction="transmit"}')).toBe(1);
    expect(samples.every((sample) => sample.metric.kind === 'counter')).toBe(true);
  });

  it('keeps only the interfaces an include names, less those its exclude drops', async () => {
    const { root } = tree();
    const devices = async (network: HostConfig['network']): Promise<string[]> =>
      attributeValues(await collectorRunner(networkCollector, hostConfig(root, { network }))(), 'system.network.io', 'device');
    expect(await devices({ include: /^(lo|eth\d+)$/ })).toEqual(['lo', 'eth0', 'eth1']);
    expect(await devices({ include: /^(lo|eth\d+)$/, exclude: /^eth1$/ })).toEqual(['lo', 'eth0']);
    expect(await devices({ exclude: /^(eth|wlan)/ })).toEqual(['lo', 'veth1a2b3c', 'docker0']);
  });

  it("uses node_exporter's names; a truncated line loses only its interface", async () => {
    const { root } = tree('truncated');
    const samples = await collectorRunner(networkCollector, hostConfig(root, { names: 'node_exporter', network: {} }))();
    expect(attributeValues(samples, 'node_network_receive_bytes_total', 'device')).toEqual(['lo', 'eth0', 'eth1']);
    expect(valuesOf(samples).get('node_network_transmit_carrier_total{device="eth1"}')).toBe(0);
    expect(valuesOf(samples).get('node_network_receive_multicast_total{device="eth0"}')).toBe(12_345);
  });

  it('reports a wrapped counter as read and drops a vanished interface', async () => {
    const fixtureTree = tree();
    const run = collectorRunner(networkCollector, hostConfig(fixtureTree.root));
    await run();
    fixtureTree.overlay('step2');
    const samples = await run();
    expect(attributeValues(samples, 'system.network.io', 'device')).toEqual(['eth0', 'wlan0', 'docker0']);
    expect(valuesOf(samples).get('system.network.io{device="eth0",direction="receive"}')).toBe(296);
  });
});

describe('temperature', () => {
  it('keeps chips and sensors with equal names apart; an unreadable sensor loses only itself', async () => {
    const { root } = tree();
    const values = valuesOf(await collectorRunner(temperatureCollector, hostConfig(root))());
    expect(values).toEqual(
      new Map([
        ['hw.temperature{chip="acpitz",sensor="temp1"}', 27.8],
        ['hw.temperature{chip="acpitz",sensor="temp2"}', 29.8],
        ['hw.temperature{chip="coretemp",sensor="Package id 0"}', 45],
        ['hw.temperature{chip="coretemp",sensor="Core 0"}', 43],
        ['hw.temperature{chip="coretemp",sensor="Core 1"}', 44],
        ['hw.temperature{chip="coretemp",sensor="Core 8"}', 41],
        ['hw.temperature{chip="nvme (nvme_nvme0)",sensor="Composite"}', 38.85],
        ['hw.temperature{chip="nvme (nvme_nvme0)",sensor="Sensor 1"}', 38.85],
        ['hw.temperature{chip="nvme (nvme_nvme1)",sensor="Composite"}', 41.85],
        ['hw.temperature{chip="nvme (nvme_nvme1)",sensor="Sensor 1"}', 41.85],
        ['hw.temperature{chip="nct6798",sensor="SYSTIN (temp1)"}', 36],
        ['hw.temperature{chip="nct6798",sensor="CPUTIN"}', 40],
        ['hw.temperature{chip="nct6798",sensor="SYSTIN (temp7)"}', 35.5],
        // temp9_input is a directory (unreadable): nothing for AUXTIN3. it8728 keeps its sensors in device/.
        ['hw.temperature{chip="it8728",sensor="temp1"}', 52],
      ]),
    );
  });

  it("uses node_exporter's stable chip names, sensor labels and thermal zones", async () => {
    const { root } = tree();
    const values = valuesOf(await collectorRunner(temperatureCollector, hostConfig(root, { names: 'node_exporter' }))());
    expect(values.get('node_hwmon_temp_celsius{chip="platform_coretemp_0",sensor="temp2"}')).toBe(43);
    expect(values.get('node_hwmon_temp_crit_celsius{chip="platform_coretemp_0",sensor="temp2"}')).toBe(100);
    expect(values.get('node_hwmon_temp_celsius{chip="nvme_nvme0",sensor="temp1"}')).toBe(38.85);
    expect(values.get('node_hwmon_temp_celsius{chip="nvme_nvme1",sensor="temp1"}')).toBe(41.85);
    expect(values.get('node_hwmon_temp_celsius{chip="thermal_thermal_zone0",sensor="temp1"}')).toBe(27.8);
    expect(values.get('node_hwmon_temp_celsius{chip="platform_it87_2608",sensor="temp1"}')).toBe(52);
    expect(values.get('node_hwmon_sensor_label{chip="platform_nct6775_656",sensor="temp7",label="SYSTIN"}')).toBe(1);
    expect(values.get('node_hwmon_chip_names{chip="nvme_nvme1",chip_name="nvme"}')).toBe(1);
    expect(values.has('node_hwmon_temp_celsius{chip="platform_nct6775_656",sensor="temp9"}')).toBe(false);
    // Zone 1 has no temp file and zone 3 is a dangling link: only zones 0 and 2.
    expect([...values.keys()].filter((key) => key.startsWith('node_thermal_zone_temp'))).toEqual([
      'node_thermal_zone_temp{type="acpitz",zone="0"}',
      'node_thermal_zone_temp{type="x86_pkg_temp",zone="2"}',
    ]);
  });

  it('falls back to thermal zones without hwmon, skipping a zone without a temperature', async () => {
    const { root } = tree();
    rmSync(join(root, 'sys/class/hwmon'), { recursive: true });
    const values = valuesOf(await collectorRunner(temperatureCollector, hostConfig(root))());
    expect(values).toEqual(
      new Map([
        ['hw.temperature{chip="acpitz",sensor="thermal_zone0"}', 27.8],
        ['hw.temperature{chip="x86_pkg_temp",sensor="thermal_zone2"}', 45],
      ]),
    );
  });

  it('loses only the sensor whose file is denied (EACCES from an injected reader)', async () => {
    const { root } = tree();
    const io = denying(root, ['/sys/class/hwmon/hwmon1/temp2_input', '/sys/class/hwmon/hwmon2/temp1_label']);
    const values = valuesOf(await collectorRunner(temperatureCollector, hostConfig(root), io)());
    expect(values.has('hw.temperature{chip="coretemp",sensor="Core 0"}')).toBe(false);
    expect(values.get('hw.temperature{chip="coretemp",sensor="Core 1"}')).toBe(44);
    // Without its label, the sensor keeps its value under its file name.
    expect(values.get('hw.temperature{chip="nvme (nvme_nvme0)",sensor="temp1"}')).toBe(38.85);
    expect(values.size).toBe(13);
  });
});

describe('pressure', () => {
  it('reads stall totals; an unreadable resource (a directory: EISDIR) loses only itself', async () => {
    const { root } = tree();
    const values = valuesOf(await collectorRunner(pressureCollector, hostConfig(root))());
    expect(values).toEqual(
      new Map([
        ['system.linux.pressure.stall.time{resource="cpu",kind="some"}', 123.456789],
        ['system.linux.pressure.stall.time{resource="cpu",kind="full"}', 0],
        ['system.linux.pressure.stall.time{resource="memory",kind="some"}', 2.345678],
        ['system.linux.pressure.stall.time{resource="memory",kind="full"}', 1.234567],
      ]),
    );
    const node = valuesOf(await collectorRunner(pressureCollector, hostConfig(root, { names: 'node_exporter' }), denying(root, ['/proc/pressure/memory']))());
    expect(node).toEqual(
      new Map([
        ['node_pressure_cpu_waiting_seconds_total{}', 123.456789],
        ['node_pressure_cpu_stalled_seconds_total{}', 0],
      ]),
    );
  });

  it('is unsupported on a kernel without /proc/pressure', async () => {
    const { root } = tree();
    rmSync(join(root, 'proc/pressure'), { recursive: true });
    await expect(collectorRunner(pressureCollector, hostConfig(root))()).rejects.toThrow(/no pressure stall information/);
    await expect(collectorRunner(pressureCollector, hostConfig(root))()).rejects.toMatchObject({ name: 'UnsupportedError' });
  });
});

describe('defaults', () => {
  it('are those of the issue and node_exporter', () => {
    const config = defaultHostConfig();
    expect(config.disk.exclude?.test('nvme0n1p1')).toBe(true);
    expect(config.disk.exclude?.test('nvme0n1')).toBe(false);
    expect(config.network.exclude?.test('veth12')).toBe(true);
    expect(config.collectors.pressure).toBe(false);
  });
});

describe('temperature discovery', () => {
  it('finds the chips once, and looks again when one goes away', async () => {
    const fixtureTree = tree();
    const run = collectorRunner(temperatureCollector, hostConfig(fixtureTree.root, { names: 'node_exporter' }));
    expect(attributeValues(await run(), 'node_hwmon_temp_celsius', 'chip')).toContain('nvme_nvme1');
    // The drive is removed: its hwmon directory goes with it.
    rmSync(join(fixtureTree.root, 'sys/devices/pci0000:00/0000:00:1d.4/0000:3e:00.0/nvme/nvme1'), { recursive: true });
    rmSync(join(fixtureTree.root, 'sys/class/hwmon/hwmon3'));
    const during = await run();
    expect(attributeValues(during, 'node_hwmon_temp_celsius', 'chip')).not.toContain('nvme_nvme1');
    const after = await run();
    expect(attributeValues(after, 'node_hwmon_chip_names', 'chip')).not.toContain('nvme_nvme1');
    expect(attributeValues(after, 'node_hwmon_temp_celsius', 'chip')).toContain('nvme_nvme0');
  });

  it('reads a chip whose sensor answered slowly off the event loop from then on', async () => {
    const { root } = tree();
    const reads: { path: string; blocking: boolean }[] = [];
    const slowPath = join(root, '/sys/class/hwmon/hwmon2/temp1_input');
    // The collector's clock advances only where a driver is slow, so a busy machine cannot make other reads look slow.
    let clock = 0;
    const io: HostIo = {
      ...NODE_IO,
      now: () => clock,
      readFile: (path, options) => {
        reads.push({ path, blocking: options.blocking });
        // A driver reading the drive over its bus: 5 ms.
        if (path === slowPath) clock += 5;
        return NODE_IO.readFile(path, options);
      },
    };
    const run = collectorRunner(temperatureCollector, hostConfig(root), io);
    await run();
    reads.length = 0;
    await run();
    const hwmon2 = reads.filter((read) => read.path.startsWith(join(root, '/sys/class/hwmon/hwmon2/')));
    expect(hwmon2.length).toBeGreaterThan(0);
    expect(hwmon2.every((read) => !read.blocking)).toBe(true);
    const hwmon1 = reads.filter((read) => read.path.startsWith(join(root, '/sys/class/hwmon/hwmon1/')));
    expect(hwmon1.every((read) => read.blocking)).toBe(true);
  });
});
