#!/bin/sh
# Creates and migrates Temporal's two PostgreSQL databases with the server's own SQL tool
# (temporal-sql-tool): create-database, setup-schema -v 0.0, then update-schema to the newest
# version. Every step is idempotent: a re-run only applies versions that are missing.
# Runs in the temporalio/admin-tools image (docker-compose.yml) and on this machine for
# `STACK_ENGINE=cluster npm run stack:up` and the cluster tests, with the tool on PATH.
#   SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD   read by the tool itself (compose: postgresql:5432)
#   TEMPORAL_SCHEMA_DIR   schema/postgresql/v12 of the server module (the image has it in /etc/temporal)
set -eu

: "${SQL_HOST:=postgresql}" "${SQL_PORT:=5432}" "${SQL_USER:=temporal}"
: "${TEMPORAL_SCHEMA_DIR:=/etc/temporal/schema/postgresql/v12}"
export SQL_HOST SQL_PORT SQL_USER

if command -v nc >/dev/null 2>&1; then
  until nc -z "$SQL_HOST" "$SQL_PORT"; do echo "Waiting for PostgreSQL at $SQL_HOST:$SQL_PORT"; sleep 2; done
fi
for db in temporal temporal_visibility; do
  schema=temporal
  [ "$db" = temporal_visibility ] && schema=visibility
  temporal-sql-tool --plugin postgres12 --db "$db" create-database
  temporal-sql-tool --plugin postgres12 --db "$db" setup-schema -v 0.0
  temporal-sql-tool --plugin postgres12 --db "$db" update-schema -d "$TEMPORAL_SCHEMA_DIR/$schema/versioned"
done
echo "PostgreSQL schema ready"
