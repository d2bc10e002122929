#!/usr/bin/env bash
# Start a 3-node KRaft Kafka cluster on 127.0.0.1 for the fault tests: every node is broker and
# controller (3 voters), a small-heap JVM; replication factor 3 and min.insync.replicas 2 by
# default, internal topics too. Ports and dir: KAFKAFFI_CLUSTER_PORT_BASE (19192: nodes listen on
# 19192-19194), KAFKAFFI_CLUSTER_CONTROLLER_PORT_BASE (19292), KAFKAFFI_CLUSTER_DIR
# (/tmp/kafkaffi-cluster), KAFKAFFI_CLUSTER_HEAP ("-Xmx384m -Xms128m").
# Writes $KAFKAFFI_CLUSTER_DIR/env (KAFKA_CLUSTER_BOOTSTRAP_SERVERS, the pids, the broker.sh path).
# Stop with scripts/cluster/stop.sh; kill/restart/pause/resume a node with scripts/cluster/broker.sh.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=common.sh
. "$HERE/common.sh"

for n in $(seq "$CLUSTER_SIZE"); do
  if node_running "$n"; then echo "ERROR: cluster node $n already running; run $HERE/stop.sh first" >&2; exit 1; fi
done
# When the cache is missing, resolve the jars (and write the log4j2 configs) with the single
# broker's script: it starts and stops a throw-away broker on spare ports.
if [[ ! -f "$KAFKA_HOME/.resolved" || ! -f "$KAFKA_HOME/log4j2.properties" ]]; then
  echo "Kafka jars not cached: resolving them (scripts/kafka/start.sh does it; it starts a throw-away broker)" >&2
  KAFKAFFI_KAFKA_DIR="$CLUSTER_DIR-resolve" KAFKAFFI_PLAINTEXT_PORT=$((CLUSTER_PORT_BASE + 10)) \
    KAFKAFFI_SASL_PORT=$((CLUSTER_PORT_BASE + 11)) KAFKAFFI_CONTROLLER_PORT=$((CLUSTER_PORT_BASE + 12)) \
    KAFKAFFI_SSL_PORT=$((CLUSTER_PORT_BASE + 13)) KAFKAFFI_SASL_SSL_PORT=$((CLUSTER_PORT_BASE + 14)) \
    KAFKAFFI_SSL_BADNAME_PORT=$((CLUSTER_PORT_BASE + 15)) \
    "$HERE/../kafka/start.sh" >/dev/null
  KAFKAFFI_KAFKA_DIR="$CLUSTER_DIR-resolve" "$HERE/../kafka/stop.sh" >/dev/null
fi

trap 'echo "ERROR: cluster start failed; stopping it" >&2; "$HERE/stop.sh" >&2' ERR
rm -rf "$CLUSTER_DIR"
voters=""
for n in $(seq "$CLUSTER_SIZE"); do voters+="${voters:+,}$n@127.0.0.1:$(node_controller_port "$n")"; done
for n in $(seq "$CLUSTER_SIZE"); do
  d=$(node_dir "$n"); mkdir -p "$d/data" "$d/logs"
  cat >"$d/server.properties" <<PROPS
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$(node_port "$n"),CONTROLLER://127.0.0.1:$(node_controller_port "$n")
advertised.listeners=PLAINTEXT://127.0.0.1:$(node_port "$n")
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$d/data
num.partitions=3
default.replication.factor=3
min.insync.replicas=2
auto.create.topics.enable=false
# One partition each: the group and transaction coordinators are the leaders of
# __consumer_offsets-0 and __transaction_state-0.
offsets.topic.num.partitions=1
offsets.topic.replication.factor=3
transaction.state.log.num.partitions=1
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
group.initial.rebalance.delay.ms=0
# Faults are detected within seconds: a dead or paused node is fenced after 6 s and a lagging
# follower leaves the ISR after 5 s (defaults 9 s and 30 s).
broker.session.timeout.ms=6000
broker.heartbeat.interval.ms=1000
replica.lag.time.max.ms=5000
controller.quorum.election.timeout.ms=2000
controller.quorum.fetch.timeout.ms=4000
unclean.leader.election.enable=false
# Small footprint: few threads, small buffers.
num.network.threads=2
num.io.threads=2
num.replica.fetchers=1
background.threads=2
log.segment.bytes=16777216
log.cleaner.enable=false
PROPS
  "$HERE/../kafka/cli.sh" kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$d/server.properties" \
    >"$d/format.log"
done
for n in $(seq "$CLUSTER_SIZE"); do node_launch "$n"; done
for n in $(seq "$CLUSTER_SIZE"); do node_wait_started "$n" 0; done

# Wait until all three brokers are registered and serve metadata.
deadline=$((SECONDS + 90))
until [[ $(timeout 30 "$HERE/../kafka/cli.sh" org.apache.kafka.tools.BrokerApiVersionsCommand \
    --bootstrap-server "$(cluster_bootstrap)" 2>/dev/null | grep -c '^127.0.0.1:') == "$CLUSTER_SIZE" ]]; do
  ((SECONDS < deadline)) || { echo "ERROR: the cluster did not serve metadata within 90 s" >&2; false; }
  sleep 1
done
trap - ERR

{
  echo "export KAFKA_VERSION=$KAFKA_VERSION"
  echo "export KAFKA_CLUSTER_BOOTSTRAP_SERVERS=$(cluster_bootstrap)"
  echo "export KAFKA_CLUSTER_DIR=$CLUSTER_DIR"
  echo "export KAFKA_CLUSTER_BROKER_SCRIPT=$HERE/broker.sh"
  for n in $(seq "$CLUSTER_SIZE"); do
    echo "export KAFKA_CLUSTER_BROKER_${n}=127.0.0.1:$(node_port "$n")"
    echo "export KAFKA_CLUSTER_BROKER_${n}_PID=$(cat "$(node_pid_file "$n")")"
  done
} >"$CLUSTER_DIR/env"
echo "Kafka $KAFKA_VERSION 3-node cluster up: $(cluster_bootstrap) (controllers $voters)"
echo "env file: $CLUSTER_DIR/env"
