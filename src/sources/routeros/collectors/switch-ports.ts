/**
 * `switch_ports`: what only the switch chip counts per port (`/interface/ethernet/switch/port print stats`):
 * FCS, alignment and fragment errors of a bad cable or duplex mismatch, pause frames, collisions,
 * underruns, deferrals, overflows, drops, and broadcast and multicast frames. One print per cycle;
 * a board without a switch chip has no menu and the engine marks the family unsupported. Counters a
 * chip reports per CPU lane (`12,34`) are summed, as akpw/mktxp does.
 * https://help.mikrotik.com/docs/spaces/ROS/pages/15302988/Switch+Chip+Features#SwitchChipFeatures-Statistics
 */
import type { Row } from '../client/api.js';
import type { CollectContext, CollectOutput, Collector, CollectorOptions, MetricDefinition, Sample } from './collector.js';
import { capSeriesGroups } from './support/cap.js';
import { counter } from './support/define.js';
import { printRows } from './support/fetch.js';
import { createNameFilter, type NameFilter } from './support/filter.js';
import { readCount } from './support/options.js';
import { filterOptions, maxSeriesOption } from './support/option-specs.js';
import { readCounter, readText } from './support/rows.js';
import { SampleList } from './support/samples.js';

const BY_PORT = ['interface', 'switch'] as const;

function port(name: string, unit: string, description: string): MetricDefinition {
  return counter(`routeros.switch.port.${name}`, unit, description, BY_PORT);
}

/** Metric → `print stats` field, in docs order. */
export const SWITCH_PORT_COUNTERS: readonly (readonly [MetricDefinition, string])[] = [
  [port('receive.bytes', 'By', 'Bytes the switch chip received on the port.'), 'rx-bytes'],
  [port('transmit.bytes', 'By', 'Bytes the switch chip sent on the port.'), 'tx-bytes'],
  [port('receive.broadcast.frames', '{frame}', 'Broadcast frames received on the port.'), 'rx-broadcast'],
  [port('transmit.broadcast.frames', '{frame}', 'Broadcast frames sent on the port.'), 'tx-broadcast'],
  [port('receive.multicast.frames', '{frame}', 'Multicast frames received on the port.'), 'rx-multicast'],
  [port('transmit.multicast.frames', '{frame}', 'Multicast frames sent on the port.'), 'tx-multicast'],
  [port('receive.pause.frames', '{frame}', 'Pause (flow control) frames received on the port.'), 'rx-pause'],
  [port('transmit.pause.frames', '{frame}', 'Pause (flow control) frames sent on the port.'), 'tx-pause'],
  [port('receive.fcs.errors', '{error}', 'Frames received with a bad checksum (FCS): cabling, optics or a duplex mismatch.'), 'rx-fcs-error'],
  [port('receive.align.errors', '{error}', 'Frames received with an alignment error.'), 'rx-align-error'],
  [port('receive.fragment.frames', '{frame}', 'Runt frames with a bad checksum received on the port.'), 'rx-fragment'],
  [port('receive.overflow.frames', '{frame}', 'Received frames lost to a full receive buffer.'), 'rx-overflow'],
  [port('receive.drop.frames', '{frame}', 'Received frames the switch chip dropped.'), 'rx-drop'],
  [port('transmit.drop.frames', '{frame}', 'Frames the switch chip dropped before sending.'), 'tx-drop'],
  [port('transmit.underrun.frames', '{frame}', 'Frames aborted on transmit by a buffer underrun.'), 'tx-underrun'],
  [port('transmit.collision.frames', '{frame}', 'Frames sent that met a collision (half duplex).'), 'tx-collision'],
  [port('transmit.deferred.frames', '{frame}', 'Frames whose first transmission was deferred because the medium was busy.'), 'tx-deferred'],
];

export const SWITCH_PORT_PATH = '/interface/ethernet/switch/port';
export const SWITCH_PORT_PROPLIST: readonly string[] = ['name', 'switch', ...SWITCH_PORT_COUNTERS.map(([, field]) => field)];

/** Ports per router before the cap drops the rest (17 series each). */
export const SWITCH_PORTS_DEFAULT_MAX = 200;

/** Settings from `collectors.switch_ports.*`. */
export interface SwitchPortSettings {
  readonly names: NameFilter;
  readonly maxPorts: number | undefined;
}

/** Reads the options; a bad value throws CollectorOptionError naming the key. */
export function switchPortSettings(options: CollectorOptions): SwitchPortSettings {
  return { names: createNameFilter(options), maxPorts: readCount(options, 'max_series', SWITCH_PORTS_DEFAULT_MAX) };
}

/** A counter, or the sum of a per-lane list (`12,34`); undefined when any part is no counter. */
function readLanes(row: Row, field: string): number | undefined {
  const text = readText(row, field);
  if (text === undefined || !text.includes(',')) return readCounter(row, field);
  let sum = 0;
  for (const part of text.split(',')) {
    const value = readCounter({ part: part.trim() }, 'part');
    if (value === undefined) return undefined;
    sum += value;
  }
  return sum;
}

/** Maps port rows to samples, filtered by name and capped. Pure. */
export function mapSwitchPorts(rows: readonly Row[], settings: SwitchPortSettings): CollectOutput {
  const groups: Sample[][] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const name = readText(row, 'name');
    const chip = readText(row, 'switch') ?? '';
    if (name === undefined || seen.has(`${chip}/${name}`) || !settings.names.matches(name)) continue;
    seen.add(`${chip}/${name}`);
    const list = new SampleList();
    for (const [metric, field] of SWITCH_PORT_COUNTERS) list.add(metric, { interface: name, switch: chip }, readLanes(row, field));
    if (list.samples.length > 0) groups.push(list.samples);
  }
  return capSeriesGroups(groups, settings.maxPorts);
}

export const switchPortsCollector: Collector = {
  name: 'switch_ports',
  defaultEnabled: true,
  summary: `Switch-chip port statistics: FCS, alignment and fragment errors, pause, collision, underrun, deferred, overflow and drop counts, broadcast and multicast frames, bytes; one command; options include/exclude (port regexes), max_series (ports, default ${SWITCH_PORTS_DEFAULT_MAX}).`,
  paths: [SWITCH_PORT_PATH],
  metrics: SWITCH_PORT_COUNTERS.map(([metric]) => metric),
  options: [...filterOptions('the port name'), maxSeriesOption('ports', SWITCH_PORTS_DEFAULT_MAX)],
  checkOptions: switchPortSettings,
  async collect(context: CollectContext): Promise<CollectOutput> {
    const settings = switchPortSettings(context.options);
    // `=stats=` asks for the counters, as the CLI's `print stats`.
    const rows = await printRows(context, SWITCH_PORT_PATH, SWITCH_PORT_PROPLIST, { attributes: { stats: '' } });
    return mapSwitchPorts(rows, settings);
  },
};
