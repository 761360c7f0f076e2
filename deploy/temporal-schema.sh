#!/bin/sh
# Creates and migrates Temporal's two PostgreSQL databases (the temporalio/server image does not do
# this itself). Runs in the temporalio/admin-tools image; re-running only applies missing versions.
set -eu

# The password comes from SQL_PASSWORD in the environment.
sql() { temporal-sql-tool --plugin postgres12 --ep postgresql -p 5432 -u "$POSTGRES_USER" --db "$@"; }

until nc -z postgresql 5432; do echo "Waiting for PostgreSQL"; sleep 2; done
for db in temporal temporal_visibility; do
  sql "$db" create || true # exists already on a re-run
  schema=temporal
  [ "$db" = temporal_visibility ] && schema=visibility
  sql "$db" setup-schema -v 0.0 || true # versioned already on a re-run
  sql "$db" update-schema -d "/etc/temporal/schema/postgresql/v12/$schema/versioned"
done
echo "PostgreSQL schema ready"
