#!/usr/bin/env bash
# Long fuzzing run: the CI fuzz properties of test/reliability/fuzz-*.test.ts with many more runs.
# FUZZ_RUNS sets the number of runs of every property (default here 100000; CI uses each file's small
# default); the tests scale their own timeouts with it. Extra arguments go to vitest, e.g. a file filter:
#
#   scripts/fuzz-long.sh                         # all four fuzz files, 100000 runs each property
#   FUZZ_RUNS=20000 scripts/fuzz-long.sh config  # only fuzz-config, 20000 runs
#
# A failing property prints its seed and shrunk counterexample; rerun that file to reproduce.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export FUZZ_RUNS=${FUZZ_RUNS:-100000}
filter=("${@:-}")
if [[ ${#filter[@]} -eq 1 && -z ${filter[0]} ]]; then
  files=(test/reliability/fuzz-*.test.ts)
else
  files=()
  for name in "${filter[@]}"; do files+=("test/reliability/fuzz-${name%.test.ts}.test.ts"); done
fi
echo "fuzzing with FUZZ_RUNS=$FUZZ_RUNS: ${files[*]}"
# One file at a time: the HTTP fuzzer and the others should not compete for the two cores.
exec npx vitest run --no-file-parallelism --reporter=verbose "${files[@]}"
