/**
 * The normalised configuration with every secret replaced, for `check-config`: the file-shaped
 * document of document.ts, where the sources' credentials, the bearer token, basic-auth hashes, OTLP header
 * values and credentials in the OTLP endpoint URL read `<redacted>`.
 */
import { type ConfigDocument, configDocument } from './document.js';
import type { ConfigSection } from './sections.js';
import type { AgentConfig } from './types.js';

/** What replaces a secret value. */
export const REDACTED = '<redacted>';

/** An empty value is not a secret and stays empty, so "no password" remains visible. */
function redactValue(value: string): string {
  return value === '' ? '' : REDACTED;
}

/** The config document (file keys and formats) with each non-empty secret replaced by {@link REDACTED}. */
export function redactedConfigDocument(config: AgentConfig, sections: readonly ConfigSection[] = []): ConfigDocument {
  return configDocument(config, { secret: redactValue, sections });
}
