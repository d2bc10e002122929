#!/usr/bin/env bash
# Stop the registry started by start.sh (SIGTERM, up to 20 s, then SIGKILL) and remove its
# directory. Never fails when nothing is running.
set -uo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

if registry_running; then
  pid=$(cat "$REGISTRY_PID_FILE")
  echo "Stopping the registry (pid $pid)"
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "The registry did not stop within 20 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null
    sleep 0.5
  fi
fi
rm -rf "$REGISTRY_DIR"
exit 0
