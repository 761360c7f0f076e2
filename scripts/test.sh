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
mkdir -p .data && rm -f "$RESULTS"
info "jest: npx jest --runInBand $*"
started=$SECONDS
status=0
npx jest --runInBand --json --outputFile="$RESULTS" "$@" || status=$?
if [[ $status -eq 0 ]]; then ok "jest ($((SECONDS - started)) s)"; else echo "jest failed ($((SECONDS - started)) s)" >&2; fi
# One plain closing line that any CI log reader understands, whatever jest printed above it.
if [[ -s "$RESULTS" ]]; then
  node -e 'const r = require(process.argv[1]); console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));' "$PWD/$RESULTS"
fi
exit "$status"
