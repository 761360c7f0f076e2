# shellcheck shell=bash
# The cluster engine of the local stack (STACK_ENGINE=cluster): PostgreSQL under .data/cluster,
# the schema applied with the server's SQL tool, STACK_CLUSTER_NODES (default 3) Temporal server
# processes in one membership ring, node N on 127.0.0.N, all running every service, and the Web
# UI server. Clients use node 1's frontend, 127.0.0.1:7233, as with the dev server; any other
# node can be killed without losing a run. Every node reads deploy/temporal/cluster.yaml, as
# docker-compose.yml's do. Source after lib/common.sh and lib/postgres.sh; stack.sh calls these.

CLUSTER_NODES="${STACK_CLUSTER_NODES:-3}"
[[ "$CLUSTER_NODES" =~ ^[2-9]$ ]] || die "STACK_CLUSTER_NODES must be 2 to 9 (got '$CLUSTER_NODES')"

node_ip() { echo "127.0.0.$1"; }

# The ports every node binds on its own address (deploy/temporal/cluster.yaml's defaults).
CLUSTER_NODE_PORTS=(7233 7234 7235 7239 7243 6933 6934 6935 6939)

cluster_services() {
  local i
  echo postgres
  for ((i = 1; i <= CLUSTER_NODES; i++)); do echo "temporal-node-$i"; done
  echo temporal-ui
}

start_postgres() {
  require_free_port postgres "$PG_PORT"
  pg_init
  pg_server_argv
  launch postgres "${PG_SERVER_ARGV[@]}"
}

postgres_ready() { pg_ready; }

# Node settings, as environment for the config template; the password never reaches a log.
start_cluster_node() {
  local i="$1" ip port
  ip="$(node_ip "$i")"
  for port in "${CLUSTER_NODE_PORTS[@]}"; do require_free_port "temporal node $i" "$port" "$ip"; done
  (
    export TEMPORAL_BIND_IP="$ip" TEMPORAL_DB_HOST=127.0.0.1 TEMPORAL_DB_PORT="$PG_PORT" TEMPORAL_DB_USER="$PG_USER"
    TEMPORAL_DB_PASSWORD="$(pg_password)"
    export TEMPORAL_DB_PASSWORD TEMPORAL_FRONTEND_ADDRESS="$TEMPORAL_ADDRESS_LOCAL"
    export TEMPORAL_DYNAMIC_CONFIG_FILE="$ROOT/deploy/temporal/dynamicconfig/cluster.yaml"
    launch "temporal-node-$i" "$TEMPORAL_SERVER_BIN" --root "$ROOT/deploy" --config temporal --env cluster \
      --allow-no-auth start
  )
}

cluster_node_ready() {
  "$TEMPORAL_BIN" operator cluster health --address "$(node_ip "$1"):7233" \
    --disable-config-env --disable-config-file --command-timeout 3s 2>/dev/null | grep -q SERVING
}

start_temporal_ui() {
  require_free_port "temporal web UI" "$TEMPORAL_UI_PORT"
  TEMPORAL_ADDRESS="$TEMPORAL_ADDRESS_LOCAL" TEMPORAL_UI_PORT="$TEMPORAL_UI_PORT" \
    launch temporal-ui "$TEMPORAL_UI_BIN" --root "$ROOT/deploy" --config temporal-ui --env cluster start
}

temporal_ui_ready() { http_ok "$TEMPORAL_UI_URL/"; }

# Runs a deploy/ script (the ones compose's one-shot jobs run) against this machine's cluster, with
# .tools/bin first on PATH and no Temporal Cloud settings from the shell.
run_deploy_script() {
  local script="$1" log
  shift
  log="$(log_file "${script%.sh}")"
  if ! (
    unset TEMPORAL_API_KEY TEMPORAL_PROFILE "${!TEMPORAL_TLS@}"
    env PATH="$TOOLS_DIR/bin:$PATH" "$@" sh "$ROOT/deploy/$script"
  ) >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "deploy/$script failed; log: $log"
  fi
}

# After PostgreSQL: the two databases and their schema (idempotent; a re-run applies what is missing).
cluster_schema() {
  local started=$SECONDS
  run_deploy_script temporal-schema.sh SQL_HOST=127.0.0.1 SQL_PORT="$PG_PORT" SQL_USER="$PG_USER" \
    SQL_PASSWORD="$(pg_password)" TEMPORAL_SCHEMA_DIR="$(temporal_schema_dir)"
  ok "schema applied with temporal-sql-tool ($((SECONDS - started)) s)"
}

# After the nodes: the default namespace (a new cluster has none) and the search attributes.
cluster_namespace() {
  local started=$SECONDS
  run_deploy_script temporal-init.sh TEMPORAL_ADDRESS="$TEMPORAL_ADDRESS_LOCAL" TEMPORAL_NAMESPACE=default
  ok "namespace default and search attributes ${SEARCH_ATTRIBUTES[*]} registered ($((SECONDS - started)) s)"
}
