# shellcheck shell=bash
# A private PostgreSQL for the cluster engine: Debian's package, a data directory under .data/ and
# a loopback port, with password authentication only. PostgreSQL refuses to run as root, so as root
# it runs as the `postgres` user that the package creates. Source after lib/common.sh.

# PG_DIR and PG_PORT may be set by the caller (the cluster tests use a temporary directory).
PG_DIR="${PG_DIR:-$DATA_DIR/cluster}"
PG_DATA="$PG_DIR/postgres"
PG_PASSWORD_FILE="$PG_DIR/db-password"
PG_PORT="${PG_PORT:-${STACK_PG_PORT:-55432}}"
PG_USER=temporal

# The newest installed server's bin directory (Debian keeps initdb and postgres out of PATH).
pg_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [[ -x "$dir/initdb" && -x "$dir/postgres" ]] && { echo "$dir"; return; }
  done
  if have initdb && have postgres; then
    dirname "$(command -v postgres)"
    return
  fi
  return 1
}

# Runs "$@" as the user that owns the database files: postgres when we are root, else ourselves.
# setpriv execs (no extra process), so a pid recorded for the command is the program's own.
pg_as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    setpriv --reuid postgres --regid postgres --init-groups -- "$@"
  else
    "$@"
  fi
}

# The database password: random, made once, kept in .data/ (mode 600), never in the repo.
pg_password() {
  if [[ ! -s "$PG_PASSWORD_FILE" ]]; then
    mkdir -p "$PG_DIR"
    (umask 077 && head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$PG_PASSWORD_FILE")
  fi
  cat "$PG_PASSWORD_FILE"
}

# initdb once, with `temporal` as the superuser and scram-sha-256 for every connection.
pg_init() {
  [[ -s "$PG_DATA/PG_VERSION" ]] && return
  local bindir pwfile
  bindir="$(pg_bindir)" || die "PostgreSQL is not installed (bash scripts/ensure-tools.sh installs it with apt)"
  mkdir -p "$PG_DATA"
  pwfile="$(mktemp)"
  pg_password >"$pwfile"
  if [[ "$(id -u)" == 0 ]]; then
    id postgres >/dev/null 2>&1 || die "no 'postgres' user to run PostgreSQL as (Debian's postgresql package creates it)"
    chown postgres:postgres "$PG_DATA" "$pwfile"
    chmod 700 "$PG_DATA"
    # The postgres user must be able to reach its data directory through .data/.
    local d="$PG_DATA"
    while d="$(dirname "$d")" && [[ "$d" != / ]]; do
      setpriv --reuid postgres --regid postgres --init-groups -- test -x "$d" || chmod o+x "$d"
    done
  fi
  info "initdb $PG_DATA (PostgreSQL $("$bindir/postgres" --version | awk '{print $3}'))"
  pg_as_owner "$bindir/initdb" -D "$PG_DATA" -U "$PG_USER" --pwfile="$pwfile" --auth=scram-sha-256 \
    --encoding=UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1 ||
    { rm -f "$pwfile"; tail -n 20 "$PG_DIR/initdb.log" >&2; die "initdb failed; log: $PG_DIR/initdb.log"; }
  rm -f "$pwfile"
}

# The postmaster's command line, in the foreground (launch() gives it its own session), on loopback
# only, its socket in the data directory rather than /var/run/postgresql. max_connections: each
# server node opens up to 22 connections per service (4 services), so 3 nodes need more than 100.
pg_server_argv() {
  local bindir
  bindir="$(pg_bindir)" || die "PostgreSQL is not installed (bash scripts/ensure-tools.sh installs it with apt)"
  PG_SERVER_ARGV=()
  [[ "$(id -u)" == 0 ]] && PG_SERVER_ARGV=(setpriv --reuid postgres --regid postgres --init-groups --)
  PG_SERVER_ARGV+=("$bindir/postgres" -D "$PG_DATA" -c listen_addresses=127.0.0.1 -c port="$PG_PORT"
    -c unix_socket_directories="$PG_DATA" -c max_connections=300)
}

pg_ready() {
  local bindir
  bindir="$(pg_bindir)" || return 1
  "$bindir/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2
}
