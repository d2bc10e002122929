# shellcheck shell=bash disable=SC2034
# Shared defaults for scripts/cluster/*.sh (sourced, not executed): a 3-node KRaft cluster
# (every node broker + controller) on 127.0.0.1 for the fault tests (scripts/faults.sh).
# Every value can be overridden from the environment. The Kafka jars are the single broker's
# (scripts/kafka/common.sh resolves and caches them).
CLUSTER_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../kafka/common.sh
. "$CLUSTER_HERE/../kafka/common.sh"
CLUSTER_DIR="${KAFKAFFI_CLUSTER_DIR:-/tmp/kafkaffi-cluster}"
CLUSTER_SIZE=3
# Client (PLAINTEXT) ports BASE..BASE+2, controller ports CBASE..CBASE+2: away from the single
# broker's 9092-9094 and the registry's 8081-8082.
CLUSTER_PORT_BASE="${KAFKAFFI_CLUSTER_PORT_BASE:-19192}"
CLUSTER_CONTROLLER_PORT_BASE="${KAFKAFFI_CLUSTER_CONTROLLER_PORT_BASE:-19292}"
CLUSTER_HEAP="${KAFKAFFI_CLUSTER_HEAP:--Xmx384m -Xms128m}"
CLUSTER_ID=ZmF1bHRzLWNsdXN0ZXItMQ

node_port() { echo $((CLUSTER_PORT_BASE + $1 - 1)); }
node_controller_port() { echo $((CLUSTER_CONTROLLER_PORT_BASE + $1 - 1)); }
node_dir() { echo "$CLUSTER_DIR/node$1"; }
node_pid_file() { echo "$(node_dir "$1")/pid"; }

# True if node N recorded in its pid file is alive (and that pid really is Kafka).
node_running() {
  local f; f=$(node_pid_file "$1")
  [[ -f "$f" ]] && { tr '\0' ' ' <"/proc/$(cat "$f")/cmdline"; } 2>/dev/null | grep -q kafka.Kafka
}

cluster_bootstrap() {
  local n out=""
  for n in $(seq "$CLUSTER_SIZE"); do out+="${out:+,}127.0.0.1:$(node_port "$n")"; done
  echo "$out"
}

# Launches node N in the background (its data dir must be formatted), detached from this shell.
node_launch() {
  local n=$1 d; d=$(node_dir "$1")
  # shellcheck disable=SC2086  # CLUSTER_HEAP holds several JVM options
  nohup setsid java $CLUSTER_HEAP -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Djava.awt.headless=true -Dkafka.logs.dir="$d/logs" \
    -Dlog4j2.configurationFile="$KAFKA_HOME/log4j2.properties" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$d/server.properties" \
    >>"$d/kafka.out" 2>&1 </dev/null &
  echo $! >"$(node_pid_file "$n")"
}

# Waits until node N logs its (count+1)-th "Kafka Server started" line; fails after 90 s.
node_wait_started() {
  local n=$1 before=$2 d deadline=$((SECONDS + 90)); d=$(node_dir "$1")
  until (( $(node_started_count "$n") > before )); do
    node_running "$n" || { echo "ERROR: node $n exited during start-up" >&2; tail -n 30 "$d/logs/server.log" "$d/kafka.out" >&2 2>/dev/null; return 1; }
    ((SECONDS < deadline)) || { echo "ERROR: node $n did not start within 90 s" >&2; return 1; }
    sleep 0.5
  done
}

node_started_count() {
  local c; c=$(grep -c "Kafka Server started" "$(node_dir "$1")/logs/server.log" 2>/dev/null) || true
  echo "${c:-0}"
}
