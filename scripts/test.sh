#!/usr/bin/env bash
# The whole suite from a fresh clone: tools, typecheck, lint, then jest (whose global setup starts
# its own Temporal dev server and moto on free ports). Extra arguments go to jest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"

step() {
  local name="$1" started=$SECONDS
  shift
  info "$name: $*"
  if ! "$@"; then
    die "$name failed ($((SECONDS - started)) s)"
  fi
  ok "$name ($((SECONDS - started)) s)"
}

# The tests always need moto, whatever STACK_AWS says.
step "tools" env -u STACK_AWS bash scripts/ensure-tools.sh
step "typecheck" npx tsc --noEmit -p tsconfig.json
# The formatter and eslint, with its size limits, exactly as `npm run lint` runs them.
step "lint" npm run --silent lint
RESULTS=.data/jest-results.json
mkdir -p .data/logs && rm -f "$RESULTS"
# Files that start their own servers (chaos runs, a Temporal cluster, the stack script) or kill
# workers, and share nothing with the rest: with no extra arguments they run in a second jest
# process beside the main --runInBand one. Each jest process's global setup starts its own Temporal,
# moto and layer on free ports and records them under its own pid (test/support/env.ts), and its
# tests read that record (TEST_ENV_FILE), so the two never share a server. With extra arguments
# (a file, a -t filter) everything runs in one process, as they select.
ISOLATED=(test/chaos/ test/database/worker-kill.test.ts test/stack/)
started=$SECONDS
status=0
if [[ $# -eq 0 ]]; then
  MAIN_RESULTS=.data/jest-results-main.json ISOLATED_RESULTS=.data/jest-results-isolated.json
  ISOLATED_LOG=.data/logs/jest-isolated.log
  rm -f "$MAIN_RESULTS" "$ISOLATED_RESULTS"
  info "jest: npx jest --runInBand ${ISOLATED[*]} (output in $ISOLATED_LOG, printed when done), beside"
  info "jest: npx jest --runInBand --testPathIgnorePatterns ${ISOLATED[*]}"
  npx jest --runInBand --json --outputFile="$ISOLATED_RESULTS" "${ISOLATED[@]}" >"$ISOLATED_LOG" 2>&1 &
  isolated_pid=$!
  # Interrupted, the second one stops too (its global setup then stops its servers).
  trap 'kill "$isolated_pid" 2>/dev/null || true' EXIT
  main_status=0 isolated_status=0
  npx jest --runInBand --json --outputFile="$MAIN_RESULTS" --testPathIgnorePatterns "${ISOLATED[@]}" ||
    main_status=$?
  wait "$isolated_pid" || isolated_status=$?
  info "jest (second process, exit $isolated_status): $ISOLATED_LOG"
  cat "$ISOLATED_LOG"
  status=$((main_status || isolated_status))
  # One results file, as one jest run would write it: both runs' file results, counts summed.
  node -e '
    const fs = require("fs");
    const [out, ...parts] = process.argv.slice(1);
    const runs = parts.map((f) => (fs.existsSync(f) && fs.statSync(f).size ? JSON.parse(fs.readFileSync(f, "utf8")) : null));
    if (runs.some((r) => !r)) console.error(`jest: missing results (${parts.filter((_, i) => !runs[i]).join(", ")})`);
    const ok = runs.filter(Boolean);
    if (!ok.length) process.exit(0);
    const merged = { ...ok[0], testResults: ok.flatMap((r) => r.testResults), success: runs.every((r) => r && r.success) };
    for (const k of Object.keys(ok[0]).filter((k) => /^num/.test(k))) merged[k] = ok.reduce((n, r) => n + r[k], 0);
    merged.startTime = Math.min(...ok.map((r) => r.startTime));
    fs.writeFileSync(out, JSON.stringify(merged));
  ' "$RESULTS" "$MAIN_RESULTS" "$ISOLATED_RESULTS"
  if [[ ! -s "$ISOLATED_RESULTS" || ! -s "$MAIN_RESULTS" ]] && [[ $status -eq 0 ]]; then status=1; fi
  rm -f "$MAIN_RESULTS" "$ISOLATED_RESULTS"
else
  info "jest: npx jest --runInBand $*"
  npx jest --runInBand --json --outputFile="$RESULTS" "$@" || status=$?
fi
if [[ $status -eq 0 ]]; then ok "jest ($((SECONDS - started)) s)"; else echo "jest failed ($((SECONDS - started)) s)" >&2; fi
# One plain closing line that any CI log reader understands, whatever jest printed above it.
if [[ -s "$RESULTS" ]]; then
  node -e 'const r = require(process.argv[1]); console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));' "$PWD/$RESULTS"
fi
exit "$status"
