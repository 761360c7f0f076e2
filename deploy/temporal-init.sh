#!/bin/sh
# Runs once in the temporalio/admin-tools image after the server is up: makes sure the namespace
# exists and registers the project's search attributes (src/domain/search-attributes.ts). Safe to
# run again: it only adds what is missing.
set -eu

ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
SEARCH_ATTRIBUTES="PeeringConnectionId RequesterRegion AccepterRegion DrillOutcome SetupId"

echo "Waiting for Temporal at $ADDRESS"
until temporal operator cluster health --address "$ADDRESS" >/dev/null 2>&1; do sleep 2; done

if ! temporal operator namespace describe --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; then
  echo "Creating namespace $NAMESPACE"
  temporal operator namespace create --address "$ADDRESS" --namespace "$NAMESPACE" --retention 72h
fi

# A new namespace can take a moment before it accepts search attributes.
until temporal operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; do sleep 2; done
existing="$(temporal operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE")"
for name in $SEARCH_ATTRIBUTES; do
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "Search attribute $name: already registered"
  else
    echo "Search attribute $name: registering as Keyword"
    temporal operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" --name "$name" --type Keyword
  fi
done
echo "Temporal is ready for the vpc-peering worker"
