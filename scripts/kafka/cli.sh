#!/usr/bin/env bash
# Run a Kafka CLI tool with the jars cached by start.sh, e.g.
#   scripts/kafka/cli.sh topics --bootstrap-server 127.0.0.1:9092 --list
#   scripts/kafka/cli.sh org.apache.kafka.tools.AclCommand ...   (any main class)
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
[[ -f "$KAFKA_HOME/.resolved" ]] || { echo "Kafka jars not resolved yet: run scripts/kafka/start.sh" >&2; exit 1; }
case "${1:?usage: cli.sh TOOL|MAIN_CLASS [args...]}" in
  topics)           main=org.apache.kafka.tools.TopicCommand ;;
  console-producer) main=org.apache.kafka.tools.ConsoleProducer ;;
  console-consumer) main=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  consumer-groups)  main=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  configs)          main=kafka.admin.ConfigCommand ;;
  acls)             main=org.apache.kafka.tools.AclCommand ;;
  features)         main=org.apache.kafka.tools.FeatureCommand ;;
  *)                main=$1 ;;
esac
shift
# Tools log WARN+ to stderr; C1-only JIT keeps these short-lived JVMs quick.
exec java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -Dlog4j2.configurationFile="$KAFKA_HOME/tools-log4j2.properties" \
  -cp "$KAFKA_LIBS/*" "$main" "$@"
