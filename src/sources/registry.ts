/**
 * Every source the agent knows, in the order their targets appear in /health and on /metrics.
 * Adding a source is one line here; nothing in engine/, telemetry/, exposition/, server/ or config/
 * names a source.
 */
import type { SourcePlugin } from '../engine/source.js';
import { hostPlugin } from './host/plugin.js';
import { mistPlugin } from './mist/plugin.js';
import { relayPlugin } from './relay/plugin.js';
import { routerosPlugin } from './routeros/plugin.js';

export const SOURCES: readonly SourcePlugin[] = Object.freeze([routerosPlugin(), hostPlugin(), mistPlugin(), relayPlugin()]);
