#!/usr/bin/env bash
# Installs whatever the local stack and the tests need and is missing: node_modules, the Temporal
# CLI (built from the Go module proxy into .tools/bin) and moto; for the cluster engine
# (STACK_ENGINE=cluster, and always for the tests) also the Temporal server, its SQL tool, the Web
# UI server and PostgreSQL. Safe to run any number of times.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/postgres.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/system-packages.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-tools.sh"
cd "$ROOT"

ensure_node_modules() {
  have node || die "Node.js is not installed; this project needs Node >= 20.3 (see package.json engines)."
  have npm || die "npm is not on PATH; it ships with Node.js >= 20.3."
  # Installed from exactly this lock file? Compared by content: a fresh checkout or a git worktree
  # has a newer package-lock.json than an install made from the same file.
  local stamp=node_modules/.vpc-peering-lock.sha256 want
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [[ -f node_modules/.package-lock.json ]] &&
    { [[ "$(cat "$stamp" 2>/dev/null)" == "$want" ]] || [[ ! -f "$stamp" && ! package-lock.json -nt node_modules/.package-lock.json ]]; }; then
    ok "node_modules up to date"
  elif [[ -L node_modules ]]; then
    # npm ci empties the directory a symlink points to before replacing the link: never through one.
    warn "node_modules is a symlink to $(readlink -f node_modules) and may not match package-lock.json; not running npm ci through it (run it where it points)"
  else
    info "installing node_modules (npm ci)"
    npm ci --no-audit --no-fund
    echo "$want" >"$stamp"
  fi
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
  ensure_temporal_cli
  if [[ "${STACK_AWS:-}" == real ]]; then
    ok "STACK_AWS=real: skipping moto"
  else
    ensure_moto
  fi
  # The tests run on both engines, so they need the cluster's tools as well.
  if [[ "${STACK_ENGINE:-}" == cluster || "${SKIP_TEST_TOOLS:-}" != 1 ]]; then
    ensure_cluster_binaries
    ensure_postgresql
  fi
  if [[ "${SKIP_TEST_TOOLS:-}" != 1 ]]; then
    ensure_chromium
    ensure_docker_compose
  fi
}

main "$@"
