# shellcheck shell=bash disable=SC2034
# Shared defaults for scripts/kafka/*.sh (sourced, not executed).
# Every value can be overridden from the environment.
KAFKA_VERSION="${KAFKAFFI_KAFKA_VERSION:-4.3.1}"
# log4j2 version Kafka $KAFKA_VERSION itself depends on; the slf4j binding must match it.
LOG4J_VERSION="${KAFKAFFI_LOG4J_VERSION:-2.25.4}"
KAFKA_HOME="${KAFKAFFI_CACHE:-$HOME/.cache/kafkaffi}/kafka-$KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_HOME/libs"
KAFKA_DIR="${KAFKAFFI_KAFKA_DIR:-/tmp/kafkaffi-kafka}"
PLAINTEXT_PORT="${KAFKAFFI_PLAINTEXT_PORT:-9092}"
SASL_PORT="${KAFKAFFI_SASL_PORT:-9093}"
CONTROLLER_PORT="${KAFKAFFI_CONTROLLER_PORT:-9094}"
# TLS listeners (certificates made by start.sh into $TLS_DIR): SSL with mutual TLS, SASL_SSL
# with SCRAM-SHA-512, and an SSL listener whose certificate names another host (for the
# host-name verification tests).
SSL_PORT="${KAFKAFFI_SSL_PORT:-9095}"
SASL_SSL_PORT="${KAFKAFFI_SASL_SSL_PORT:-9096}"
SSL_BADNAME_PORT="${KAFKAFFI_SSL_BADNAME_PORT:-9097}"
TLS_DIR="$KAFKA_DIR/tls"
PID_FILE="$KAFKA_DIR/kafka.pid"
# 1 (default): run Kafka's StandardAuthorizer, so ACLs are enforced for the ACL user (see
# start.sh); 0 turns it off.
AUTHORIZER="${KAFKAFFI_KAFKA_AUTHORIZER:-1}"

# True if the broker recorded in $PID_FILE is alive (and that pid really is Kafka).
kafka_running() {
  [[ -f "$PID_FILE" ]] && { tr '\0' ' ' <"/proc/$(cat "$PID_FILE")/cmdline"; } 2>/dev/null | grep -q kafka.Kafka
}
