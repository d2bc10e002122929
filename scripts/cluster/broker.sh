#!/usr/bin/env bash
# Fault injection on one node of the cluster started by start.sh:
#   broker.sh kill N     SIGKILL node N (no clean shutdown)
#   broker.sh start N    start node N again (same data dir) and wait until it is up
#   broker.sh restart N  kill then start
#   broker.sh pause N    SIGSTOP node N (the JVM freezes; connections stay open)
#   broker.sh resume N   SIGCONT node N
#   broker.sh pid N      print node N's pid (empty when down)
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
cmd=${1:?usage: broker.sh kill|start|restart|pause|resume|pid N}
n=${2:?usage: broker.sh $cmd N}
if ! [[ "$n" =~ ^[1-9]$ ]] || ((n > CLUSTER_SIZE)); then echo "ERROR: no node $n (1..$CLUSTER_SIZE)" >&2; exit 2; fi
[[ -f "$(node_dir "$n")/server.properties" ]] || { echo "ERROR: cluster not started (no $(node_dir "$n"))" >&2; exit 2; }
pid() { cat "$(node_pid_file "$n")"; }
do_kill() {
  if node_running "$n"; then
    local p; p=$(pid)
    kill -KILL "$p"
    while kill -0 "$p" 2>/dev/null; do sleep 0.05; done
  fi
}
do_start() {
  node_running "$n" && { echo "ERROR: node $n is running" >&2; exit 1; }
  local before; before=$(node_started_count "$n")
  node_launch "$n"
  node_wait_started "$n" "$before"
}
case "$cmd" in
  kill) do_kill ;;
  start) do_start ;;
  restart) do_kill; do_start ;;
  pause) node_running "$n" || { echo "ERROR: node $n is down" >&2; exit 1; }; kill -STOP "$(pid)" ;;
  resume) node_running "$n" || { echo "ERROR: node $n is down" >&2; exit 1; }; kill -CONT "$(pid)" ;;
  pid) if node_running "$n"; then pid; fi ;;
  *) echo "ERROR: unknown command $cmd" >&2; exit 2 ;;
esac
