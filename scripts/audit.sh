#!/usr/bin/env bash
# Release check (SECURITY.md): npm audit of the runtime dependencies.
# Exit 0: no high or critical advisory; 1: at least one; 2: no verdict. Some registry mirrors do
# not serve npm's advisory endpoint (HTTP 405 on /-/npm/v1/security/advisories/bulk); a release
# must not pass on an audit that never ran, so that is a failure of its own, not a pass.
set -uo pipefail
cd "$(dirname "$0")/.."

out=$(npm audit --omit=dev --audit-level=high --json 2>/dev/null)
status=$?
if printf '%s' "$out" | grep -q '"statusCode": *[45][0-9][0-9]\|audit endpoint returned an error\|"code": *"E[A-Z0-9]*"'; then
  echo "npm audit: the registry did not answer the advisory query; no audit verdict (use a registry that serves advisories)" >&2
  exit 2
fi
printf '%s\n' "$out" | node -e '
  let text = ""; process.stdin.on("data", (c) => (text += c)).on("end", () => {
    const report = JSON.parse(text || "{}");
    const v = report.metadata?.vulnerabilities ?? {};
    console.log(`npm audit (runtime dependencies): ${v.critical ?? 0} critical, ${v.high ?? 0} high, ${v.moderate ?? 0} moderate, ${v.low ?? 0} low`);
  });'
exit "$status"
