#!/usr/bin/env bash
# The local stack: Temporal, the AWS endpoint and one worker, in the background, tracked by pid
# files under .data/pids and logs under .data/logs (STACK_DATA_DIR moves both).
#   bash scripts/stack.sh up|down|status
# STACK_ENGINE=dev (default): the Temporal CLI's dev server (SQLite in .data/temporal.db).
# STACK_ENGINE=cluster: the Temporal server itself on PostgreSQL, STACK_CLUSTER_NODES (default 3)
#   nodes in one ring, and its Web UI (scripts/lib/cluster.sh). Clients use 127.0.0.1:7233 either way.
# AWS on http://127.0.0.1:5000 (scripts/lib/aws.sh): moto behind the AWS-faithful layer;
#   STACK_AWS=raw-moto: moto itself; STACK_AWS=real: leave the AWS environment alone, no moto.
# STACK_ONLY=aws: only the AWS endpoint (moto, and the layer), with the tools already installed.
# `down` stops whatever either engine started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/postgres.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-tools.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/cluster.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/aws.sh"
cd "$ROOT"

# Without STACK_ENGINE, a running cluster stack stays the engine (`npm run demo` reuses it).
if [[ -n "${STACK_ENGINE:-}" ]]; then
  ENGINE="$STACK_ENGINE"
elif pid_matches "$(read_pid temporal-node-1 || true)" "temporal-server --root"; then
  ENGINE=cluster
else
  ENGINE=dev
fi
[[ "$ENGINE" == dev || "$ENGINE" == cluster ]] || die "STACK_ENGINE must be dev or cluster (got '$ENGINE')"

TEMPORAL_PORT=7233
TEMPORAL_UI_PORT=8233
TEMPORAL_ADDRESS_LOCAL="127.0.0.1:$TEMPORAL_PORT"
TEMPORAL_UI_URL="http://127.0.0.1:$TEMPORAL_UI_PORT"

ONLY_AWS=false
case "${STACK_ONLY:-}" in
  "") ;;
  aws) ONLY_AWS=true ;;
  *) die "STACK_ONLY must be unset or aws (got '$STACK_ONLY')" ;;
esac

if $ONLY_AWS; then
  SERVICES=(moto aws-layer)
elif [[ "$ENGINE" == cluster ]]; then
  mapfile -t SERVICES < <(cluster_services)
  SERVICES+=(moto aws-layer worker)
else
  SERVICES=(temporal moto aws-layer worker)
fi

# Everything either engine may have started, in start order; `down` stops them in reverse.
all_services() {
  local f extra=()
  for f in "$PID_DIR"/temporal-node-*.pid; do [[ -e "$f" ]] && extra+=("$(basename "$f" .pid)"); done
  printf '%s\n' postgres temporal "${extra[@]}" temporal-ui moto aws-layer worker | awk '!seen[$0]++'
}

# What /proc/<pid>/cmdline must contain for a pid file to count as ours.
cmd_pattern() {
  case "$1" in
    temporal) echo "server start-dev" ;;
    postgres) echo "postgres -D $PG_DATA" ;;
    temporal-node-*) echo "temporal-server --root" ;;
    temporal-ui) echo "temporal-ui-server" ;;
    moto) echo "moto_server" ;;
    aws-layer) echo "harness/fault-proxy/cli.ts" ;;
    worker) echo "run worker" ;;
  esac
}

timeout_for() {
  case "$1" in
    temporal | worker | aws-layer) echo 60 ;;
    temporal-node-*) echo 90 ;;
    *) echo 30 ;;
  esac
}

wanted() {
  case "$1" in
    moto) ! aws_mode_real ;;
    aws-layer) aws_layer_wanted ;;
    worker) [[ -f src/worker.ts ]] ;;
    # The Web UI server is optional: ensure-tools says so plainly when it does not build.
    temporal-ui) [[ -x "$TEMPORAL_UI_BIN" ]] ;;
    *) true ;;
  esac
}

# --- readiness -------------------------------------------------------------------------------

temporal_ready() {
  "$TEMPORAL_BIN" operator cluster health --address "$TEMPORAL_ADDRESS_LOCAL" \
    --disable-config-env --disable-config-file --command-timeout 3s 2>/dev/null | grep -q SERVING &&
    http_ok "$TEMPORAL_UI_URL/"
}

worker_ready() { grep -q "Worker ready" "$(log_file worker)" 2>/dev/null; }

service_ready() {
  case "$1" in
    temporal-node-*) cluster_node_ready "${1#temporal-node-}" ;;
    *) "${1//-/_}_ready" ;;
  esac
}

# --- start -----------------------------------------------------------------------------------

running_pid() {
  local pid
  pid="$(read_pid "$1")" || return 1
  pid_matches "$pid" "$(cmd_pattern "$1")" && echo "$pid"
}

require_free_port() {
  local name="$1" port="$2" host="${3:-127.0.0.1}"
  if port_open "$port" "$host"; then
    local owner
    owner="$(port_owner "$port")"
    die "port $host:$port (for $name) is already taken by something stack.sh did not start${owner:+: $owner}. Stop it, or stop the stack that owns it."
  fi
}

# Runs "$@" in its own session so `down` can kill the whole process group (npm -> ts-node -> node).
launch() {
  local name="$1"
  shift
  local log
  log="$(log_file "$name")"
  [[ -f "$log" ]] && mv -f "$log" "$log.prev"
  printf '=== %s started %s: %s\n' "$name" "$(date -Is)" "$*" >"$log"
  setsid "$@" </dev/null >>"$log" 2>&1 &
  echo $! >"$(pid_file "$name")"
}

start_temporal() {
  require_free_port temporal "$TEMPORAL_PORT"
  require_free_port "temporal web UI" "$TEMPORAL_UI_PORT"
  local args=(server start-dev --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT"
    --db-filename "$DATA_DIR/temporal.db" --namespace default --log-level warn)
  local sa
  for sa in "${SEARCH_ATTRIBUTES[@]}"; do args+=(--search-attribute "$sa=Keyword"); done
  launch temporal "$TEMPORAL_BIN" "${args[@]}"
}

start_worker() {
  (
    # The local stack talks to the local server, whatever Temporal Cloud settings the shell has.
    unset TEMPORAL_API_KEY TEMPORAL_PROFILE "${!TEMPORAL_TLS@}"
    export TEMPORAL_ADDRESS="$TEMPORAL_ADDRESS_LOCAL" TEMPORAL_NAMESPACE=default
    if ! aws_mode_real; then
      # Every AWS call goes to the stack's endpoint; per-service endpoints or a session token would leak past it.
      unset AWS_PROFILE AWS_SESSION_TOKEN "${!AWS_ENDPOINT_URL_@}"
      export AWS_ENDPOINT_URL="$AWS_URL" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
    fi
    launch worker npm run --silent worker
  )
}

ensure_up() {
  local name="$1" pid started=$SECONDS
  if pid="$(running_pid "$name")"; then
    [[ "$name" == moto ]] && check_moto_port "$pid"
    info "$name already running (pid $pid)"
  else
    rm -f "$(pid_file "$name")"
    info "starting $name"
    case "$name" in
      temporal-node-*) start_cluster_node "${name#temporal-node-}" ;;
      *) "start_${name//-/_}" ;;
    esac
    pid="$(read_pid "$name")"
  fi
  local rc=0
  wait_until "$(timeout_for "$name")" "$pid" service_ready "$name" || rc=$?
  case "$rc" in
    0) ok "$name ready (pid $pid, $((SECONDS - started)) s)" ;;
    2)
      show_log_tail "$name"
      rm -f "$(pid_file "$name")"
      die "$name exited during startup; log: $(log_file "$name")"
      ;;
    *)
      show_log_tail "$name"
      die "$name did not become ready within $(timeout_for "$name") s (pid $pid still running; 'bash scripts/stack.sh down' stops it); log: $(log_file "$name")"
      ;;
  esac
}

# The other engine's Temporal must not be running: it holds the same client port.
refuse_other_engine() {
  local other pid
  if [[ "$ENGINE" == cluster ]]; then other=temporal; else other=temporal-node-1; fi
  if pid="$(running_pid "$other")"; then
    die "the $( [[ "$ENGINE" == cluster ]] && echo dev-server || echo cluster ) stack is running ($other, pid $pid); stop it first with: npm run stack:down"
  fi
}

# What a service needs once it is ready and before the next one starts.
after_up() {
  case "$1" in
    postgres) cluster_schema ;;
    "temporal-node-$CLUSTER_NODES") cluster_namespace ;;
  esac
}

cmd_up() {
  if $ONLY_AWS; then
    moto_bin >/dev/null || die "moto is not installed; run npm run stack:up (or scripts/ensure-tools.sh) once"
  else
    # The stack needs no browser or docker-compose; only the tests do.
    SKIP_TEST_TOOLS=1 STACK_ENGINE="$ENGINE" bash "$ROOT/scripts/ensure-tools.sh"
  fi
  mkdir -p "$PID_DIR" "$LOG_DIR"
  $ONLY_AWS || refuse_other_engine
  local name
  for name in "${SERVICES[@]}"; do
    if wanted "$name"; then
      ensure_up "$name"
      after_up "$name"
    elif [[ "$name" == worker ]]; then
      warn "src/worker.ts does not exist yet; not starting a worker"
    elif [[ "$name" == temporal-ui ]]; then
      warn "no Web UI: $TEMPORAL_UI_BIN did not build here (see .tools/temporal-ui-server-build.log)"
    fi
  done
  echo
  if $ONLY_AWS; then
    aws_summary
    echo "logs           $LOG_DIR/   stop with: npm run stack:down"
    return
  fi
  if [[ "$ENGINE" == cluster ]]; then
    local i nodes=()
    for ((i = 1; i <= CLUSTER_NODES; i++)); do nodes+=("$(node_ip "$i")"); done
    echo "Temporal       server v$TEMPORAL_SERVER_VERSION, $CLUSTER_NODES nodes (${nodes[*]}), PostgreSQL 127.0.0.1:$PG_PORT"
  fi
  echo "Temporal gRPC  $TEMPORAL_ADDRESS_LOCAL"
  if [[ "$ENGINE" == cluster && ! -x "$TEMPORAL_UI_BIN" ]]; then
    echo "Web UI         none (the UI server did not build here)"
  else
    echo "Web UI         $TEMPORAL_UI_URL"
  fi
  aws_summary
  echo "logs           .data/logs/   stop with: npm run stack:down"
}

# --- stop ------------------------------------------------------------------------------------

group_alive() { kill -0 -- "-$1" 2>/dev/null; }

stop_service() {
  local name="$1" pid
  local f
  f="$(pid_file "$name")"
  if ! pid="$(read_pid "$name")"; then
    echo "$name: not running"
    rm -f "$f"
    return
  fi
  # pgid == pid because launch() used setsid; a live group keeps its pgid from being reused.
  if pid_matches "$pid" "$(cmd_pattern "$name")" || group_alive "$pid"; then
    info "stopping $name (pid $pid)"
    if [[ "$name" == postgres ]]; then
      # SIGINT to the postmaster alone is PostgreSQL's fast shutdown: it stops its own backends.
      kill -INT "$pid" 2>/dev/null || true
    else
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    fi
    # The worker lets activities in flight finish first (WORKER_SHUTDOWN_GRACE, 60 s by default).
    local grace=10
    [[ "$name" == worker ]] && grace=75
    local deadline=$((SECONDS + grace))
    while { group_alive "$pid" || pid_alive "$pid"; } && ((SECONDS < deadline)); do sleep 0.2; done
    if group_alive "$pid" || pid_alive "$pid"; then
      warn "$name did not exit within $grace s; sending KILL"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  else
    echo "$name: stale pid file (pid $pid is gone or not ours); removing it"
  fi
  rm -f "$f"
}

cmd_down() {
  local all i
  mapfile -t all < <(all_services)
  for ((i = ${#all[@]} - 1; i >= 0; i--)); do
    # Quiet about services this machine never ran (the other engine's).
    [[ -f "$(pid_file "${all[i]}")" ]] || continue
    stop_service "${all[i]}"
  done
  echo "stack stopped"
}

# --- status ----------------------------------------------------------------------------------

cmd_status() {
  local name pid state
  # This engine's services, and any other one that has a pid file.
  for name in $(all_services); do
    [[ " ${SERVICES[*]} " == *" $name "* || -f "$(pid_file "$name")" ]] || continue
    if pid="$(running_pid "$name")"; then
      if service_ready "$name"; then state="running, ready (pid $pid)"; else state="running, not ready (pid $pid)"; fi
    elif [[ -f "$(pid_file "$name")" ]]; then
      state="stopped (stale pid file)"
    else
      state="stopped"
    fi
    printf '%-16s %s\n' "$name" "$state"
  done
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *)
    echo "usage: bash scripts/stack.sh up|down|status" >&2
    exit 2
    ;;
esac
