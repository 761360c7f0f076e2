# shellcheck shell=bash
# Debian packages: PostgreSQL (the cluster engine's store), and two only the tests drive: chromium
# (the Web UI browser test) and docker-compose (checks docker-compose.yml with `config`; no Docker
# engine is needed for that). Installed with apt only when missing and when we are root with apt;
# otherwise say so, and what needs the tool fails with that reason. Source after lib/common.sh and
# lib/postgres.sh.

_apt_updated=0

# apt-get install "$@", running `apt-get update` once first. Returns non-zero when apt is
# unavailable, we are not root, or the install fails.
apt_install() {
  if [[ "$(id -u)" != 0 ]]; then
    warn "not root: cannot apt-get install $*; install it yourself (sudo apt-get install -y $*)"
    return 1
  fi
  if ! have apt-get; then
    warn "apt-get is not available: install $* with your system's package manager"
    return 1
  fi
  if ((!_apt_updated)); then
    info "apt-get update (once, before installing $*)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || { warn "apt-get update failed"; return 1; }
    _apt_updated=1
  fi
  info "apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null ||
    { warn "apt-get install -y $* failed"; return 1; }
}

# /usr/bin/chromium, driven by playwright-core in test/ui/ui.test.ts (never a downloaded browser).
ensure_chromium() {
  if [[ -x /usr/bin/chromium ]]; then
    ok "chromium at /usr/bin/chromium"
    return
  fi
  if apt_install chromium && [[ -x /usr/bin/chromium ]]; then
    ok "chromium installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  else
    warn "chromium is missing: test/ui/ui.test.ts will fail until /usr/bin/chromium exists"
  fi
}

# docker-compose, for `docker-compose -f docker-compose.yml config` in test/stack/compose.test.ts.
ensure_docker_compose() {
  if have docker-compose; then
    ok "docker-compose at $(command -v docker-compose)"
    return
  fi
  if apt_install docker-compose && have docker-compose; then
    ok "docker-compose installed: $(docker-compose version --short 2>/dev/null || command -v docker-compose)"
  else
    warn "docker-compose is missing: test/stack/compose.test.ts will fail until it is on PATH"
  fi
}

# PostgreSQL server binaries (initdb, postgres), for STACK_ENGINE=cluster and the cluster tests.
ensure_postgresql() {
  local bindir
  if bindir="$(pg_bindir)"; then
    ok "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') at $bindir"
    return
  fi
  if apt_install postgresql && bindir="$(pg_bindir)"; then
    ok "PostgreSQL installed: $("$bindir/postgres" --version)"
  else
    die "PostgreSQL is missing and could not be installed: the cluster engine needs it (sudo apt-get install -y postgresql)"
  fi
}
