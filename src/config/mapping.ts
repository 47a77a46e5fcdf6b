/** The one test for "a YAML/JSON mapping": an object that is neither null nor a list. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
