#!/usr/bin/env bash
# Fault scenarios with counts (tests/faults.rs): starts the 3-node KRaft cluster
# (scripts/cluster/start.sh), runs every scenario (real cluster and mock cluster), always stops
# the cluster, and exits non-zero on any failure. Each scenario prints a per-partition table:
# sent, acknowledged, consumed, duplicated, lost, out of order.
#   scripts/faults.sh          short run for CI (2000 messages per scenario at 500/s)
#   scripts/faults.sh --long   long run (50000 messages per scenario at 1000/s)
# KAFKAFFI_FAULTS_MESSAGES / KAFKAFFI_FAULTS_RATE override either; extra arguments go to the
# test binary (e.g. a test name filter).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
long=0
if [[ "${1:-}" == --long ]]; then long=1; shift; fi
if ((long)); then
  export KAFKAFFI_FAULTS_MESSAGES="${KAFKAFFI_FAULTS_MESSAGES:-50000}" KAFKAFFI_FAULTS_RATE="${KAFKAFFI_FAULTS_RATE:-1000}"
  limit=3600
else
  export KAFKAFFI_FAULTS_MESSAGES="${KAFKAFFI_FAULTS_MESSAGES:-2000}" KAFKAFFI_FAULTS_RATE="${KAFKAFFI_FAULTS_RATE:-500}"
  limit=900
fi
cd "$ROOT"
# Build first, so the cluster does not idle while cargo compiles.
cargo test --release --locked --test faults --no-run
trap '"$ROOT/scripts/cluster/stop.sh"' EXIT
"$ROOT/scripts/cluster/start.sh"
# shellcheck disable=SC1091
. "${KAFKAFFI_CLUSTER_DIR:-/tmp/kafkaffi-cluster}/env"
start=$SECONDS
# --nocapture: the tables are the point. Real-cluster scenarios take turns inside the binary.
# --include-ignored: the exactly-once scenario that is ignored in scripts/test.sh (see tests/faults.rs).
timeout "$limit" cargo test --release --locked --test faults -- --nocapture --include-ignored "$@"
echo "faults: all scenarios passed in $((SECONDS - start)) s (messages per scenario: $KAFKAFFI_FAULTS_MESSAGES, rate $KAFKAFFI_FAULTS_RATE/s)"
