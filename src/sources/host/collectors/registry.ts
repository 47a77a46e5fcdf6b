/** Every host collector, in docs and run order. */
import type { HostCollector } from './collector.js';
import { cpuCollector } from './cpu.js';
import { diskCollector } from './disk.js';
import { filesystemCollector } from './filesystem.js';
import { loadCollector } from './load.js';
import { memoryCollector } from './memory.js';
import { networkCollector } from './network.js';
import { pressureCollector } from './pressure.js';
import { temperatureCollector } from './temperature.js';
import { uptimeCollector } from './uptime.js';

export const HOST_COLLECTORS: readonly HostCollector[] = Object.freeze([
  cpuCollector,
  loadCollector,
  memoryCollector,
  diskCollector,
  filesystemCollector,
  networkCollector,
  temperatureCollector,
  uptimeCollector,
  pressureCollector,
]);
