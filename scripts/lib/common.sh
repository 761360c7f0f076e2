# shellcheck shell=bash
# Helpers shared by scripts/*.sh. Source it; it sets no shell options of its own.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ROOT

TEMPORAL_CLI_VERSION="1.5.1"
# The server the CLI's dev server embeds, and its Web UI: the cluster engine builds these.
TEMPORAL_SERVER_VERSION="1.29.1"
TEMPORAL_UI_VERSION="2.42.1"
MOTO_VERSION="5.2.1"
TOOLS_DIR="$ROOT/.tools"
TEMPORAL_BIN="$TOOLS_DIR/bin/temporal"
TEMPORAL_SERVER_BIN="$TOOLS_DIR/bin/temporal-server"
TEMPORAL_SQL_TOOL_BIN="$TOOLS_DIR/bin/temporal-sql-tool"
TEMPORAL_UI_BIN="$TOOLS_DIR/bin/temporal-ui-server"
MOTO_VENV="$TOOLS_DIR/moto-venv"
# STACK_DATA_DIR moves the stack's state, pid files and logs (a test's stack of its own uses one).
DATA_DIR="${STACK_DATA_DIR:-$ROOT/.data}"
PID_DIR="$DATA_DIR/pids"
LOG_DIR="$DATA_DIR/logs"

# The project's custom search attributes; the dev server only knows them if registered at start.
SEARCH_ATTRIBUTES=(PeeringConnectionId RequesterRegion AccepterRegion DrillOutcome SetupId)

if [[ -t 1 ]]; then
  _c_bold=$'\e[1m' _c_red=$'\e[31m' _c_yellow=$'\e[33m' _c_green=$'\e[32m' _c_reset=$'\e[0m'
else
  _c_bold='' _c_red='' _c_yellow='' _c_green='' _c_reset=''
fi

info() { printf '%s==>%s %s\n' "$_c_bold" "$_c_reset" "$*"; }
ok()   { printf '%s  ok%s %s\n' "$_c_green" "$_c_reset" "$*"; }
warn() { printf '%swarning:%s %s\n' "$_c_yellow" "$_c_reset" "$*" >&2; }
die()  { printf '%serror:%s %s\n' "$_c_red" "$_c_reset" "$*" >&2; exit 1; }

have() { command -v "$1" >/dev/null 2>&1; }

# moto_server from PATH, else from the private venv that ensure-tools may have created.
moto_bin() {
  if [[ -x "$MOTO_VENV/bin/moto_server" ]]; then
    echo "$MOTO_VENV/bin/moto_server"
  elif have moto_server && python3 -c 'import moto' >/dev/null 2>&1; then
    command -v moto_server
  elif [[ -x "$HOME/.local/bin/moto_server" ]]; then
    echo "$HOME/.local/bin/moto_server"
  else
    return 1
  fi
}

pid_file() { echo "$PID_DIR/$1.pid"; }
log_file() { echo "$LOG_DIR/$1.log"; }

read_pid() {
  local f
  f="$(pid_file "$1")"
  [[ -s "$f" ]] && tr -dc '0-9' <"$f"
}

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

# A pid file can outlive its process and the pid be reused; only trust it if the command matches.
pid_matches() {
  local pid="$1" pattern="$2"
  pid_alive "$pid" || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$pattern"
}

# port_open PORT [HOST]: something listens there (HOST defaults to 127.0.0.1).
port_open() { (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null; }

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

# Who listens on a port, for error messages.
port_owner() {
  if have ss; then
    ss -ltnpH "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -1
  fi
}

# Polls "$@" every half second until it succeeds, the timeout passes, or pid dies.
# Returns 0 ready, 1 timeout, 2 process exited.
wait_until() {
  local timeout="$1" pid="$2"
  shift 2
  local deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    if "$@"; then return 0; fi
    if [[ -n "$pid" ]] && ! pid_alive "$pid"; then return 2; fi
    sleep 0.5
  done
  "$@" && return 0
  return 1
}

show_log_tail() {
  local f
  f="$(log_file "$1")"
  if [[ -f "$f" ]]; then
    printf -- '--- last 30 lines of %s ---\n' "$f" >&2
    tail -n 30 "$f" >&2
    printf -- '---\n' >&2
  fi
}
