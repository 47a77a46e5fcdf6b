/**
 * The simulated Mist organisation: sites with access points and wireless clients whose counters
 * grow and whose signal wanders, plus the scenario events the source must cope with (a client
 * roams, a client leaves and another joins, a device is renamed, a site is removed). Objects have
 * the fields of Mist's device-stat and client-stat objects as mistclient decodes them.
 */
import { seededRandom } from '../../../engine/seeded-random.js';

export interface SimSite {
  readonly id: string;
  name: string;
  readonly country_code: string;
  readonly timezone: string;
  readonly lat: number;
  readonly lng: number;
  modified_time: number;
}

export interface SimDevice {
  readonly mac: string;
  name: string;
  readonly siteId: string;
  readonly model: string;
  readonly version: string;
  readonly bootedAt: number;
  rxBytes: number;
  txBytes: number;
  rxPkts: number;
  txPkts: number;
  radios: Record<string, { rxBytes: number; txBytes: number; rxPkts: number; txPkts: number; channel: number; power: number; bandwidth: number }>;
  portRx: number;
  portTx: number;
  cpu: number;
  temp: number;
}

export interface SimClient {
  readonly mac: string;
  readonly siteId: string;
  apMac: string;
  band: '24' | '5' | '6';
  proto: string;
  rssi: number;
  readonly joinedAt: number;
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
  rxRetries: number;
  txRetries: number;
  readonly hostname: string;
  readonly username: string;
}

const COUNTRIES: readonly [string, string, number, number][] = [
  ['GB', 'Europe/London', 51.5072, -0.1276],
  ['US', 'America/New_York', 40.7128, -74.006],
  ['DE', 'Europe/Berlin', 52.52, 13.405],
  ['JP', 'Asia/Tokyo', 35.6762, 139.6503],
];

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}

export interface WorldOptions {
  readonly sites: number;
  readonly apsPerSite: number;
  readonly clientsPerSite: number;
  readonly seed?: number;
  readonly clock?: () => number;
}

export class SimWorld {
  readonly orgId = '6b1e4d2a-0000-4000-8000-0000000000aa';
  readonly sites: SimSite[] = [];
  readonly devices: SimDevice[] = [];
  readonly clients = new Map<string, SimClient>();
  private readonly _random: () => number;
  private readonly _clock: () => number;
  private _nextClient = 0;
  private _nextSite = 0;
  ticks = 0;
  alarms: Record<string, number> = { device_down: 1, rogue_ap: 3, infra_dhcp_failure: 0 };
  tickets: Record<string, number> = { open: 2, pending: 1, solved: 5, closed: 9 };

  constructor(private readonly _options: WorldOptions) {
    this._random = seededRandom(_options.seed ?? 7);
    this._clock = _options.clock ?? Date.now;
    for (let s = 0; s < _options.sites; s += 1) this.addSite();
  }

  /** A new site with its access points and clients, as if just created in the organisation. */
  addSite(): SimSite {
    const s = this._nextSite;
    this._nextSite += 1;
    const now = this._clock() / 1000;
    const [country, timezone, lat, lng] = COUNTRIES[s % COUNTRIES.length]!;
    const site: SimSite = {
      id: `6b1e4d2a-0000-4000-8000-${hex(s + 1, 12)}`,
      name: `site-${String(s + 1).padStart(2, '0')}`,
      country_code: country,
      timezone,
      lat: lat + s * 0.001,
      lng: lng - s * 0.001,
      // Fixed, and one mistexporter's float32 rendered as 1.609459328e+09: float64 keeps it exact.
      modified_time: 1_609_459_300 + s,
    };
    this.sites.push(site);
    for (let a = 0; a < this._options.apsPerSite; a += 1) {
      const index = s * 100 + a + 1;
      this.devices.push({
        mac: `5c5b35${hex(index, 6)}`,
        name: `ap-${String(s + 1).padStart(2, '0')}-${a + 1}`,
        siteId: site.id,
        model: a % 2 === 0 ? 'AP43' : 'AP45',
        version: '0.14.29313',
        bootedAt: now - 3_600 * (index % 97) - 600,
        rxBytes: 1e9 * (a + 1),
        txBytes: 2e9 * (a + 1),
        rxPkts: 1e6,
        txPkts: 2e6,
        radios: {
          band_24: { rxBytes: 1e8, txBytes: 2e8, rxPkts: 1e5, txPkts: 2e5, channel: [1, 6, 11][a % 3]!, power: 12, bandwidth: 20 },
          band_5: { rxBytes: 5e8, txBytes: 9e8, rxPkts: 5e5, txPkts: 9e5, channel: [36, 52, 100, 149][a % 4]!, power: 17, bandwidth: 80 },
        },
        portRx: 3e9,
        portTx: 4e9,
        cpu: 10 + a,
        temp: 48 + a,
      });
    }
    for (let c = 0; c < this._options.clientsPerSite; c += 1) this.addClient(site.id);
    return site;
  }

  siteDevices(siteId: string): SimDevice[] {
    return this.devices.filter((device) => device.siteId === siteId);
  }

  siteClients(siteId: string): SimClient[] {
    return [...this.clients.values()].filter((client) => client.siteId === siteId);
  }

  site(id: string): SimSite | undefined {
    return this.sites.find((site) => site.id === id);
  }

  addClient(siteId: string): SimClient | undefined {
    const aps = this.siteDevices(siteId);
    if (aps.length === 0) return undefined;
    this._nextClient += 1;
    const n = this._nextClient;
    const client: SimClient = {
      mac: `a4c3f0${hex(n, 6)}`,
      siteId,
      apMac: aps[n % aps.length]!.mac,
      band: n % 3 === 0 ? '24' : '5',
      proto: ['ax', 'ac', 'n'][n % 3]!,
      rssi: -50 - (n % 20),
      joinedAt: this._clock() / 1000 - 60 * (n % 30),
      rxBytes: 1e6 * n,
      txBytes: 3e6 * n,
      rxPackets: 1e3 * n,
      txPackets: 2e3 * n,
      rxRetries: 10 * n,
      txRetries: 20 * n,
      hostname: `laptop-${n}`,
      username: `user${n}@example.com`,
    };
    this.clients.set(client.mac, client);
    return client;
  }

  removeClient(mac: string): boolean {
    return this.clients.delete(mac);
  }

  /** Moves a client to another AP of its site and another band. */
  roamClient(mac: string): SimClient | undefined {
    const client = this.clients.get(mac);
    if (client === undefined) return undefined;
    const aps = this.siteDevices(client.siteId);
    const index = aps.findIndex((ap) => ap.mac === client.apMac);
    client.apMac = aps[(index + 1) % aps.length]!.mac;
    client.band = client.band === '5' ? '24' : '5';
    return client;
  }

  renameDevice(mac: string, name: string): boolean {
    const device = this.devices.find((entry) => entry.mac === mac);
    if (device === undefined) return false;
    device.name = name;
    return true;
  }

  /** Removes a site with its devices and clients from every answer. */
  removeSite(id: string): boolean {
    const index = this.sites.findIndex((site) => site.id === id);
    if (index === -1) return false;
    this.sites.splice(index, 1);
    for (let i = this.devices.length - 1; i >= 0; i -= 1) if (this.devices[i]!.siteId === id) this.devices.splice(i, 1);
    for (const client of this.siteClients(id)) this.clients.delete(client.mac);
    return true;
  }

  /** One period: counters grow, signals wander; with `scenario`, the scripted events happen. */
  tick(scenario: boolean): void {
    this.ticks += 1;
    const r = this._random;
    for (const device of this.devices) {
      const grow = (base: number): number => Math.floor(base * (0.5 + r()));
      device.rxBytes += grow(200_000);
      device.txBytes += grow(500_000);
      device.rxPkts += grow(300);
      device.txPkts += grow(500);
      for (const radio of Object.values(device.radios)) {
        radio.rxBytes += grow(100_000);
        radio.txBytes += grow(250_000);
        radio.rxPkts += grow(150);
        radio.txPkts += grow(250);
      }
      device.portRx += grow(600_000);
      device.portTx += grow(300_000);
      device.cpu = Math.max(1, Math.min(95, device.cpu + Math.round((r() - 0.5) * 4)));
      device.temp = Math.max(35, Math.min(75, device.temp + (r() - 0.5)));
    }
    for (const client of this.clients.values()) {
      client.rssi = Math.max(-90, Math.min(-30, client.rssi + Math.round((r() - 0.5) * 4)));
      client.rxBytes += Math.floor(20_000 * r());
      client.txBytes += Math.floor(60_000 * r());
      client.rxPackets += Math.floor(30 * r());
      client.txPackets += Math.floor(60 * r());
      client.rxRetries += Math.floor(2 * r());
      client.txRetries += Math.floor(3 * r());
    }
    if (!scenario) return;
    const clients = [...this.clients.values()];
    if (this.ticks % 5 === 0 && clients.length > 0) this.roamClient(clients[this.ticks % clients.length]!.mac);
    if (this.ticks % 7 === 0 && clients.length > 0) {
      const leaving = clients[(this.ticks * 3) % clients.length]!;
      this.removeClient(leaving.mac);
      this.addClient(leaving.siteId);
    }
    if (this.ticks === 15 && this.devices.length > 0) this.renameDevice(this.devices[0]!.mac, `${this.devices[0]!.name}-renamed`);
    if (this.ticks === 30 && this.sites.length > 1) this.removeSite(this.sites[this.sites.length - 1]!.id);
  }

  deviceStat(device: SimDevice): Record<string, unknown> {
    const now = this._clock() / 1000;
    const clients = [...this.clients.values()].filter((client) => client.apMac === device.mac);
    const onBand = (band: string): number => clients.filter((client) => client.band === band).length;
    const radio = (key: string, band: string): Record<string, unknown> => {
      const stat = device.radios[key]!;
      return {
        bandwidth: stat.bandwidth,
        channel: stat.channel,
        mac: `${device.mac.slice(0, 10)}${key === 'band_24' ? '10' : '20'}`,
        num_clients: onBand(band),
        power: stat.power,
        rx_bytes: stat.rxBytes,
        rx_pkts: stat.rxPkts,
        tx_bytes: stat.txBytes,
        tx_pkts: stat.txPkts,
      };
    };
    return {
      mac: device.mac,
      name: device.name,
      type: 'ap',
      model: device.model,
      site_id: device.siteId,
      version: device.version,
      ip: `10.0.0.${(parseInt(device.mac.slice(-2), 16) % 250) + 2}`,
      ext_ip: '203.0.113.10',
      power_src: 'PoE 802.3at',
      uptime: now - device.bootedAt,
      last_seen: now,
      num_clients: clients.length,
      rx_bps: Math.floor(1_600_000 + 100_000 * device.cpu),
      tx_bps: Math.floor(4_000_000 + 100_000 * device.cpu),
      rx_bytes: device.rxBytes,
      tx_bytes: device.txBytes,
      rx_pkts: device.rxPkts,
      tx_pkts: device.txPkts,
      cpu_stat: { system: Math.floor(device.cpu / 2), idle: 100 - device.cpu, interrupt: 1, user: Math.ceil(device.cpu / 2) - 1, load_avg: [0.12, 0.2, 0.18] },
      memory_stat: { usage: 41.5 },
      radio_stat: { band_24: radio('band_24', '24'), band_5: radio('band_5', '5') },
      port_stat: {
        eth0: { up: true, speed: 1000, full_duplex: true, rx_bytes: device.portRx, tx_bytes: device.portTx, rx_pkts: Math.floor(device.portRx / 800), tx_pkts: Math.floor(device.portTx / 800), rx_errors: 0, tx_errors: 0 },
        eth1: { up: false, speed: 0, full_duplex: false, rx_bytes: 0, tx_bytes: 0, rx_pkts: 0, tx_pkts: 0, rx_errors: 0, tx_errors: 0 },
      },
      lldp_stat: {
        system_name: `sw-${device.siteId.slice(-2)}`,
        port_id: `ge-0/0/${parseInt(device.mac.slice(-2), 16) % 48}`,
        chassis_id: '00:11:22:33:44:55',
        power_draw: 12_500,
        power_allocated: 25_500,
        power_requested: 25_500,
      },
      env_stat: { cpu_temp: Math.round(device.temp), ambient_temp: Math.round(device.temp - 15) },
    };
  }

  clientStat(client: SimClient): Record<string, unknown> {
    const now = this._clock() / 1000;
    const ap = this.devices.find((device) => device.mac === client.apMac);
    return {
      mac: client.mac,
      site_id: client.siteId,
      // Fractional seconds, as Mist sends them: the agent must keep them (float64).
      last_seen: Math.round(now * 1000) / 1000,
      username: client.username,
      hostname: client.hostname,
      os: 'Windows 11',
      manufacture: 'Intel',
      family: 'Windows',
      model: 'AX211',
      ip: `10.1.0.${parseInt(client.mac.slice(-2), 16) % 250}`,
      ap_mac: client.apMac,
      ap_id: `00000000-0000-0000-1000-${client.apMac}`,
      ssid: 'corp',
      wlan_id: 'f1d2c3b4-0000-4000-8000-000000000001',
      uptime: now - client.joinedAt,
      idle_time: 3.5,
      power_saving: true,
      band: client.band,
      proto: client.proto,
      key_mgmt: 'WPA2-PSK/CCMP',
      dual_band: true,
      channel: client.band === '24' ? ap?.radios['band_24']?.channel ?? 6 : ap?.radios['band_5']?.channel ?? 36,
      vlan_id: 10,
      rssi: client.rssi,
      snr: client.rssi + 95,
      tx_rate: 866.7,
      rx_rate: 585,
      tx_bytes: client.txBytes,
      tx_bps: 48_000,
      tx_packets: client.txPackets,
      tx_retries: client.txRetries,
      rx_bytes: client.rxBytes,
      rx_bps: 16_000,
      rx_packets: client.rxPackets,
      rx_retries: client.rxRetries,
      num_locating_aps: 2,
      is_guest: false,
      _ttl: 300,
    };
  }

  siteStats(site: SimSite): Record<string, unknown> {
    const aps = this.siteDevices(site.id).length;
    return {
      ...site,
      org_id: this.orgId,
      msp_id: '',
      tzoffset: 0,
      num_ap: aps,
      num_ap_connected: aps,
      num_clients: this.siteClients(site.id).length,
      num_devices: aps + 1,
      num_devices_connected: aps,
      num_gateway: 1,
      num_gateway_connected: 0,
      num_switch: 0,
      num_switch_connected: 0,
    };
  }
}
