/**
 * A small deterministic PRNG (mulberry32, https://gist.github.com/tommyettinger/46a874533244883189143505d203312c):
 * the same seed gives the same draws, for simulators, jittered schedules in tests and benchmark churn.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
