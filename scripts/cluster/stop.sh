#!/usr/bin/env bash
# Stop the cluster started by start.sh: resume paused nodes, SIGTERM, up to 15 s, then SIGKILL;
# remove its dir. Never fails when nothing is running.
set -uo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

pids=()
for n in $(seq "$CLUSTER_SIZE"); do
  if node_running "$n"; then
    pid=$(cat "$(node_pid_file "$n")")
    echo "Stopping cluster node $n (pid $pid)"
    kill -CONT "$pid" 2>/dev/null  # a SIGSTOPped JVM would never act on SIGTERM
    kill -TERM "$pid" 2>/dev/null
    pids+=("$pid")
  fi
done
for _ in $(seq 30); do
  alive=0
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
  ((alive)) || break
  sleep 0.5
done
for pid in "${pids[@]}"; do
  if kill -0 "$pid" 2>/dev/null; then echo "node pid $pid did not stop within 15 s; sending SIGKILL"; kill -KILL "$pid" 2>/dev/null; fi
done
sleep 0.2
rm -rf "$CLUSTER_DIR"
exit 0
