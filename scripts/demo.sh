#!/usr/bin/env bash
# The main job on the embedded default: bring the local stack up, set up the ABC Corp peering
# (us-east-1 <-> eu-west-1) against moto, then show the result and where to see it in the Web UI;
# then protect a demo database across it (embedded stack only, never real AWS).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"

RESULT_FILE=".data/demo-result.json"
PROTECT_FILE=".data/demo-protect.json"
WEB_UI="http://127.0.0.1:8233"

# The client talks to the stack's server, not whatever the shell points at.
export TEMPORAL_ADDRESS="127.0.0.1:7233" TEMPORAL_NAMESPACE=default

json_get() { node -e "$1" "$RESULT_FILE"; }

# The client prints the full result itself; end with a short summary and the link.
show_result() {
  [[ -s "$RESULT_FILE" ]] || die "the client wrote no result to $RESULT_FILE"
  echo
  info "result (full JSON in $RESULT_FILE)"
  json_get '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    for (const [key, value] of Object.entries(r.result ?? r)) {
      if (value === null || typeof value !== "object") console.log(`  ${key}: ${value}`);
      else if (value.region && value.vpcId) console.log(`  ${key}: ${value.vpcId} in ${value.region}`);
      else if (Array.isArray(value)) console.log(`  ${key}: ${value.length} item(s)`);
    }'
  local workflow_id
  workflow_id="$(json_get '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    process.stdout.write(encodeURIComponent(r.workflowId ?? r.workflow?.workflowId ?? ""));')"
  echo
  echo "Web UI: $WEB_UI/namespaces/default/workflows${workflow_id:+/$workflow_id}"
}

bash scripts/stack.sh up
mkdir -p .data
rm -f "$RESULT_FILE"
echo
info "setting up the ABC Corp example: us-east-1 <-> eu-west-1 (examples/abc-corp.json)"
# --- the demo run itself ---
# A fixed id: the setup's tag is its workflow id, so running the demo again finds and reuses
# everything the last run made (no new VPCs), and examples/drill.json can refer to it.
npm run --silent client -- setup --file examples/abc-corp.json --id abc-corp-peering --wait --json-out "$RESULT_FILE"
show_result

# --- the data: a demo source in us-east-1, protected into the setup's eu-west-1 VPC ---
# The source and the lag datapoint are made on the embedded stack only: STACK_AWS=real means your
# own AWS, where the demo makes no database.
if [[ "${STACK_AWS:-}" == real ]]; then
  echo
  warn "STACK_AWS=real: the demo makes no database on real AWS; protect your own with examples/protect.json"
  exit 0
fi
echo
info "protecting a demo database: abc-db (us-east-1) -> abc-db-replica in the setup's eu-west-1 VPC (examples/protect.json)"
npx ts-node --transpile-only scripts/demo-database.ts "http://127.0.0.1:${STACK_AWS_PORT:-5000}"
rm -f "$PROTECT_FILE"
# The default id comes from the replica (protect-eu-west-1-abc-db-replica): a second demo reuses it all.
npm run --silent client -- protect --file examples/protect.json --wait --json-out "$PROTECT_FILE" >/dev/null
[[ -s "$PROTECT_FILE" ]] || die "the client wrote no protection report to $PROTECT_FILE"
echo
info "replica (full report in $PROTECT_FILE)"
node -e '
  const { result: r } = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`  ${r.replica.dbInstanceIdentifier} (${r.replica.region}) replicates ${r.source.dbInstanceIdentifier} (${r.source.region}): ${r.replicationStatus}`);
  console.log(`  ReplicaLag: ${r.lagSeconds} s at ${r.lagMeasuredAt ?? "-"}`);
  console.log(`  endpoint ${r.replica.endpoint}:${r.source.port}, in ${r.replica.vpcId}, subnet group ${r.replica.dbSubnetGroupName}, group ${r.replica.securityGroupId}`);' "$PROTECT_FILE"
echo "Web UI: $WEB_UI/namespaces/default/workflows/protect-eu-west-1-abc-db-replica"
