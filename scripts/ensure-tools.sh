#!/usr/bin/env bash
# Installs whatever the local stack and the tests need and is missing: node_modules, the Temporal
# CLI (built from the Go module proxy into .tools/bin) and moto. Safe to run any number of times.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/system-packages.sh"
cd "$ROOT"

ensure_node_modules() {
  have node || die "Node.js is not installed; this project needs Node >= 20.3 (see package.json engines)."
  have npm || die "npm is not on PATH; it ships with Node.js >= 20.3."
  if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    info "installing node_modules (npm ci)"
    npm ci --no-audit --no-fund
  else
    ok "node_modules up to date"
  fi
}

# `go install` skips goreleaser's ldflags, so `temporal --version` says 0.0.0-DEV; the module
# version is in the binary's build info instead.
temporal_version_ok() {
  [[ -x "$TEMPORAL_BIN" ]] && "$TEMPORAL_BIN" --version >/dev/null 2>&1 || return 1
  have go || return 0
  go version -m "$TEMPORAL_BIN" | grep -Eq "^[[:space:]]+mod[[:space:]]+github.com/temporalio/cli[[:space:]]+v$TEMPORAL_CLI_VERSION[[:space:]]"
}

check_go() {
  have go || die "Go is not installed. Building the Temporal CLI v$TEMPORAL_CLI_VERSION needs Go >= 1.25 (https://go.dev/dl/)."
  local v major minor
  v="$(go env GOVERSION)"
  [[ "$v" =~ ^go([0-9]+)\.([0-9]+) ]] || die "cannot parse Go version '$v'; need Go >= 1.25."
  major="${BASH_REMATCH[1]}" minor="${BASH_REMATCH[2]}"
  if ((major < 1 || (major == 1 && minor < 25))); then
    die "found $v, but the Temporal CLI v$TEMPORAL_CLI_VERSION needs Go >= 1.25 (https://go.dev/dl/)."
  fi
}

# go install -v names each package as it compiles; show a running count instead of ~1,400 lines.
show_build_progress() {
  local line downloads=0 packages=0 tty=0
  [[ -t 1 ]] && tty=1
  while IFS= read -r line; do
    if [[ "$line" == "go: downloading "* ]]; then
      downloads=$((downloads + 1))
    elif [[ "$line" =~ ^[a-zA-Z0-9._/~-]+$ ]]; then
      packages=$((packages + 1))
    else
      ((tty)) && printf '\n'
      printf '    %s\n' "$line"
      continue
    fi
    if ((tty)); then
      printf '\r    %d modules downloaded, %d packages compiled (%s)\e[K' "$downloads" "$packages" "${line#go: downloading }"
    elif (((downloads + packages) % 100 == 0)); then
      printf '    %d modules downloaded, %d packages compiled (%s)\n' "$downloads" "$packages" "${line#go: downloading }"
    fi
  done
  ((tty)) && printf '\n'
  printf '    done: %d modules downloaded, %d packages compiled\n' "$downloads" "$packages"
}

ensure_temporal() {
  if temporal_version_ok; then
    ok "Temporal CLI v$TEMPORAL_CLI_VERSION at .tools/bin/temporal"
    return
  fi
  mkdir -p "$TOOLS_DIR/bin"
  # Two callers (stack:up and jest, say) must not build at the same time.
  exec 9>"$TOOLS_DIR/.build.lock"
  if ! flock -n 9; then
    info "another ensure-tools is building the Temporal CLI; waiting for it"
    flock 9
  fi
  # A build started by hand into the same place: wait for it rather than racing it.
  local other
  while other="$(pgrep -f "go install .*github.com/temporalio/cli/cmd/temporal@" | head -1)" && [[ -n "$other" ]]; do
    info "a Temporal CLI build is already running (pid $other); waiting for it"
    while pid_alive "$other"; do sleep 5; done
  done
  if temporal_version_ok; then
    ok "Temporal CLI v$TEMPORAL_CLI_VERSION at .tools/bin/temporal"
    flock -u 9
    return
  fi

  check_go
  info "building Temporal CLI v$TEMPORAL_CLI_VERSION from the Go module proxy; first build takes several minutes on 2 cores"
  local build_log="$TOOLS_DIR/temporal-build.log" started=$SECONDS
  set +o pipefail
  CGO_ENABLED=0 GOBIN="$TOOLS_DIR/bin" \
    go install -v "github.com/temporalio/cli/cmd/temporal@v$TEMPORAL_CLI_VERSION" 2>&1 |
    tee "$build_log" | show_build_progress
  local rc="${PIPESTATUS[0]}"
  set -o pipefail
  if [[ "$rc" != 0 ]]; then
    tail -n 30 "$build_log" >&2
    die "go install of the Temporal CLI failed (exit $rc); full log in $build_log"
  fi
  temporal_version_ok ||
    die "built .tools/bin/temporal but it does not run or is not cli v$TEMPORAL_CLI_VERSION: $("$TEMPORAL_BIN" --version 2>&1 || true)"
  ok "Temporal CLI v$TEMPORAL_CLI_VERSION ($("$TEMPORAL_BIN" --version | sed 's/.*(\(.*\))/\1/')) built in $((SECONDS - started)) s"
  flock -u 9
}

ensure_moto() {
  if moto_bin >/dev/null; then
    ok "moto at $(moto_bin)"
    return
  fi
  have python3 || die "Python 3 is not installed; moto's server (moto[server]==$MOTO_VERSION) needs Python >= 3.9."
  info "installing moto[server]==$MOTO_VERSION with pip"
  # Plain pip first (pyenv/venv), then --user, then a private venv for PEP 668 system Pythons.
  if ! python3 -m pip install --quiet "moto[server]==$MOTO_VERSION" &&
    ! python3 -m pip install --quiet --user "moto[server]==$MOTO_VERSION"; then
    warn "pip install failed; trying a private virtualenv in .tools/moto-venv"
    python3 -m venv "$MOTO_VENV" ||
      die "cannot create a virtualenv (on Debian/Ubuntu: apt-get install python3-venv) and pip install failed."
    "$MOTO_VENV/bin/pip" install --quiet "moto[server]==$MOTO_VERSION" || die "pip install of moto[server]==$MOTO_VERSION failed."
  fi
  have pyenv && pyenv rehash || true
  moto_bin >/dev/null || die "moto installed but moto_server is not on PATH (looked in PATH, ~/.local/bin, .tools/moto-venv)."
  ok "moto at $(moto_bin)"
}

main() {
  ensure_node_modules
  ensure_temporal
  if [[ "${STACK_AWS:-}" == real ]]; then
    ok "STACK_AWS=real: skipping moto"
  else
    ensure_moto
  fi
  if [[ "${SKIP_TEST_TOOLS:-}" != 1 ]]; then
    ensure_chromium
    ensure_docker_compose
  fi
}

main "$@"
