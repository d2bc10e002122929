#!/usr/bin/env bash
# Start a real single-node Apache Kafka (KRaft, broker+controller in one JVM) on
# 127.0.0.1 for tests. Jars come from Maven Central via mvn and are cached.
# Idempotent: if the broker is already running it only prints its addresses.
# Stop it with scripts/kafka/stop.sh. Tests: `source "$KAFKAFFI_KAFKA_DIR/env"`.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=common.sh
. "$HERE/common.sh"

PLAIN_USER=plainuser PLAIN_PASSWORD=plain-secret
SCRAM_USER=scramuser SCRAM_PASSWORD=scram-secret
ADMIN_USER=admin ADMIN_PASSWORD=admin-secret
# The one principal that is not a super user: the ACL tests grant and revoke its rights.
ACL_USER=acluser ACL_PASSWORD=acl-secret
# Any valid 22-char base64 UUID; the data dir is always formatted fresh.
CLUSTER_ID=MkU3OEVBNTcwNTJENDM2Qk

print_env() {
  echo "Kafka $KAFKA_VERSION up: PLAINTEXT 127.0.0.1:$PLAINTEXT_PORT, SASL_PLAINTEXT 127.0.0.1:$SASL_PORT (PLAIN, SCRAM-SHA-512, OAUTHBEARER)$([[ "$AUTHORIZER" == 1 ]] && echo ', StandardAuthorizer')"
  echo "env file: $KAFKA_DIR/env"
}

if kafka_running; then
  echo "Kafka already running (pid $(cat "$PID_FILE"))"; print_env; exit 0
fi

# --- 1. Resolve the broker + CLI tools + log4j2 slf4j binding into the cache.
if [[ ! -f "$KAFKA_HOME/.resolved" ]]; then
  echo "Resolving Kafka $KAFKA_VERSION jars with Maven into $KAFKA_LIBS ..."
  mkdir -p "$KAFKA_HOME"
  dep() { echo "<dependency><groupId>$1</groupId><artifactId>$2</artifactId><version>$3</version></dependency>"; }
  # Kafka 4 uses slf4j-api 1.7.x, so the binding is log4j-slf4j-impl (not log4j-slf4j2-impl).
  cat > "$KAFKA_HOME/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>kafkaffi</groupId><artifactId>kafka-libs</artifactId><version>0</version>
  <dependencies>
    $(dep org.apache.kafka kafka_2.13 "$KAFKA_VERSION")
    $(dep org.apache.kafka kafka-tools "$KAFKA_VERSION")
    $(dep org.apache.logging.log4j log4j-api "$LOG4J_VERSION")
    $(dep org.apache.logging.log4j log4j-core "$LOG4J_VERSION")
    $(dep org.apache.logging.log4j log4j-slf4j-impl "$LOG4J_VERSION")
  </dependencies>
</project>
EOF
  rm -rf "$KAFKA_LIBS.tmp"
  mvn -B -f "$KAFKA_HOME/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS.tmp" >"$KAFKA_HOME/mvn.log" 2>&1 ||
    { tail -n 30 "$KAFKA_HOME/mvn.log" >&2; echo "ERROR: Maven resolution failed" >&2; exit 1; }
  rm -rf "$KAFKA_LIBS" && mv "$KAFKA_LIBS.tmp" "$KAFKA_LIBS"
  ls "$KAFKA_LIBS"/slf4j-api-1.* >/dev/null  # guard: binding above assumes slf4j 1.x
  touch "$KAFKA_HOME/.resolved"
fi

# log4j2 configs: broker logs INFO to $KAFKA_DIR/logs/server.log, tools WARN to stderr.
cat > "$KAFKA_HOME/log4j2.properties" <<'EOF'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = ${sys:kafka.logs.dir}/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
EOF
cat > "$KAFKA_HOME/tools-log4j2.properties" <<'EOF'
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
EOF

# --- 2. Fresh data dir + broker config.
rm -rf "$KAFKA_DIR"
mkdir -p "$KAFKA_DIR/data" "$KAFKA_DIR/logs"
cat > "$KAFKA_DIR/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$PLAINTEXT_PORT,SASL_PLAINTEXT://127.0.0.1:$SASL_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PLAINTEXT_PORT,SASL_PLAINTEXT://127.0.0.1:$SASL_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
# Inter-broker and controller traffic stay on PLAINTEXT, so no inter-broker SASL user is needed.
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_DIR/data

# SASL on the SASL_PLAINTEXT listener. PLAIN users are user_<name>="<password>";
# SCRAM credentials live in the metadata log (added by 'format --add-scram' below);
# OAUTHBEARER uses Kafka's default unsecured JWS validator (no server callback handler set).
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-512,OAUTHBEARER
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$ADMIN_USER" password="$ADMIN_PASSWORD" user_$ADMIN_USER="$ADMIN_PASSWORD" user_$PLAIN_USER="$PLAIN_PASSWORD" user_$ACL_USER="$ACL_PASSWORD";
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="$ADMIN_USER";

# Authorization: on unless KAFKAFFI_KAFKA_AUTHORIZER=0 (appended below).

# Single-node settings.
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# Few internal partitions: the first group join / transaction is much faster.
offsets.topic.num.partitions=1
transaction.state.log.num.partitions=1
# KIP-848 (group.protocol=consumer) is on by default in Kafka 4: 'format' sets the
# group.version feature to its latest level; group.coordinator.rebalance.protocols
# is deprecated in 4.3, so it is left at its default (all protocols).
EOF

# Kafka's StandardAuthorizer, for the ACL tests. Every principal the other tests use is a super
# user: ANONYMOUS (the PLAINTEXT and CONTROLLER listeners, so inter-broker and controller traffic
# and PLAINTEXT clients keep full access), admin, plainuser and scramuser. Only acluser gets no
# more than what ACLs grant it.
if [[ "$AUTHORIZER" == 1 ]]; then
  cat >> "$KAFKA_DIR/server.properties" <<EOF
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:ANONYMOUS;User:$ADMIN_USER;User:$PLAIN_USER;User:$SCRAM_USER
EOF
fi

# --- 3. Format KRaft storage (standalone controller quorum) with the SCRAM users.
"$HERE/cli.sh" kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$KAFKA_DIR/server.properties" --standalone \
  --add-scram "SCRAM-SHA-512=[name=$SCRAM_USER,password=$SCRAM_PASSWORD]" \
  --add-scram "SCRAM-SHA-512=[name=$ADMIN_USER,password=$ADMIN_PASSWORD]" >"$KAFKA_DIR/format.log"

# --- 4. Start the broker in the background, detached from this shell's session.
# SerialGC + C1 only: fastest start-up and small footprint for a test broker.
nohup setsid java -Xms256m -Xmx768m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -Djava.awt.headless=true -Dkafka.logs.dir="$KAFKA_DIR/logs" \
  -Dlog4j2.configurationFile="$KAFKA_HOME/log4j2.properties" \
  -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_DIR/server.properties" \
  >"$KAFKA_DIR/kafka.out" 2>&1 </dev/null &
echo $! >"$PID_FILE"

# --- 5. Wait for "Kafka Server started" and for the broker to answer metadata requests.
fail() {
  echo "ERROR: $1; last log lines:" >&2
  tail -n 40 "$KAFKA_DIR/logs/server.log" "$KAFKA_DIR/kafka.out" >&2 2>/dev/null || true
  kafka_running && kill -KILL "$(cat "$PID_FILE")"  # don't leave a half-started broker behind
  exit 1
}
deadline=$((SECONDS + 90))
until grep -q "Kafka Server started" "$KAFKA_DIR/logs/server.log" 2>/dev/null; do
  kafka_running || fail "Kafka exited during start-up"
  ((SECONDS < deadline)) || fail "Kafka did not start within 90 s"
  sleep 0.5
done
until timeout 30 "$HERE/cli.sh" topics \
    --bootstrap-server "127.0.0.1:$PLAINTEXT_PORT" --list >/dev/null 2>&1; do
  kafka_running || fail "Kafka exited during start-up"
  ((SECONDS < deadline)) || fail "Kafka did not serve metadata within 90 s"
  sleep 1
done

cat >"$KAFKA_DIR/env" <<EOF
export KAFKA_VERSION=$KAFKA_VERSION
export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$PLAINTEXT_PORT
export KAFKA_SASL_BOOTSTRAP_SERVERS=127.0.0.1:$SASL_PORT
export KAFKA_SASL_PLAIN_USER=$PLAIN_USER
export KAFKA_SASL_PLAIN_PASSWORD=$PLAIN_PASSWORD
export KAFKA_SCRAM_USER=$SCRAM_USER
export KAFKA_SCRAM_PASSWORD=$SCRAM_PASSWORD
export KAFKA_ADMIN_USER=$ADMIN_USER
export KAFKA_ADMIN_PASSWORD=$ADMIN_PASSWORD
export KAFKA_OAUTHBEARER_SUB=$ADMIN_USER
export KAFKA_AUTHORIZER=$AUTHORIZER
export KAFKA_ACL_USER=$ACL_USER
export KAFKA_ACL_PASSWORD=$ACL_PASSWORD
EOF
print_env
