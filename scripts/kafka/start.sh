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
# TLS: the broker's PKCS#12 keystores' password and the (encrypted) client key's password.
STORE_PASSWORD=broker-store-secret
CLIENT_KEY_PASSWORD=client-key-secret
# Principals of the client certificates (CN, see ssl.principal.mapping.rules): the first is a
# super user, the second only gets what ACLs grant it.
TLS_CLIENT=kafkaffi-client TLS_LIMITED=kafkaffi-limited

print_env() {
  echo "Kafka $KAFKA_VERSION up: PLAINTEXT 127.0.0.1:$PLAINTEXT_PORT, SASL_PLAINTEXT 127.0.0.1:$SASL_PORT (PLAIN, SCRAM-SHA-512, OAUTHBEARER)$([[ "$AUTHORIZER" == 1 ]] && echo ', StandardAuthorizer')"
  echo "  SSL (mutual TLS) 127.0.0.1:$SSL_PORT, SASL_SSL (SCRAM-SHA-512) 127.0.0.1:$SASL_SSL_PORT, SSL with a wrong host name 127.0.0.1:$SSL_BADNAME_PORT; certificates in $TLS_DIR"
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

# Makes every certificate the TLS listeners and the TLS tests need, into $TLS_DIR (P-256 keys,
# fast to make): a CA and an unrelated CA; the broker's certificate (SAN localhost and 127.0.0.1)
# and one naming another host (wrong-host.invalid), both signed by the CA and in PKCS#12
# keystores; client certificates signed by the CA for $TLS_CLIENT (key encrypted with
# $CLIENT_KEY_PASSWORD) and $TLS_LIMITED; one for $TLS_CLIENT signed by the unrelated CA; and an
# expired one for $TLS_CLIENT signed by the CA (valid 2020-01-01 to 2020-01-02 only).
make_certs() (
  set -euo pipefail
  mkdir -p "$TLS_DIR" && cd "$TLS_DIR"
  key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
  ca() { # ca NAME CN: a self-signed CA.
    key "$1.key"
    openssl req -x509 -new -key "$1.key" -subj "/O=kafkaffi tests/CN=$2" -days 3650 \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
      -out "$1.pem"
  }
  leaf() { # leaf NAME CN ISSUER EXTENSION...: a key and a ten-year certificate signed by ISSUER.
    local name=$1 cn=$2 issuer=$3; shift 3
    key "$name.key"
    openssl req -new -key "$name.key" -subj "/O=kafkaffi tests/CN=$cn" -out "$name.csr"
    printf '%s\n' "$@" >"$name.ext"
    openssl x509 -req -in "$name.csr" -CA "$issuer.pem" -CAkey "$issuer.key" -CAcreateserial \
      -days 3650 -extfile "$name.ext" -out "$name.pem"
  }
  ca ca "kafkaffi test CA"
  ca other-ca "kafkaffi unrelated CA"
  leaf broker localhost ca "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    extendedKeyUsage=serverAuth,clientAuth
  leaf badname wrong-host.invalid ca "subjectAltName=DNS:wrong-host.invalid" \
    extendedKeyUsage=serverAuth
  leaf client "$TLS_CLIENT" ca extendedKeyUsage=clientAuth
  leaf limited "$TLS_LIMITED" ca extendedKeyUsage=clientAuth
  leaf other-ca-client "$TLS_CLIENT" other-ca extendedKeyUsage=clientAuth
  # The expired certificate: 'openssl ca' accepts explicit dates in the past.
  key expired.key
  openssl req -new -key expired.key -subj "/O=kafkaffi tests/CN=$TLS_CLIENT" -out expired.csr
  mkdir -p ca-db && : >ca-db/index.txt && echo 1000 >ca-db/serial
  cat >ca-db/ca.cnf <<EOF
[ca]
default_ca = test_ca
[test_ca]
dir = $TLS_DIR/ca-db
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
certificate = $TLS_DIR/ca.pem
private_key = $TLS_DIR/ca.key
default_md = sha256
policy = any
unique_subject = no
x509_extensions = client_ext
[any]
organizationName = optional
commonName = supplied
[client_ext]
extendedKeyUsage = clientAuth
EOF
  openssl ca -batch -config ca-db/ca.cnf -in expired.csr -startdate 20200101000000Z \
    -enddate 20200102000000Z -notext -out expired.pem
  # The client's key is encrypted (ssl.key.password); the other keys are plain PKCS#8 PEM.
  openssl pkcs8 -topk8 -in client.key -passout "pass:$CLIENT_KEY_PASSWORD" -v2 aes-256-cbc \
    -out client.key.enc
  mv client.key.enc client.key
  for n in broker badname; do
    openssl pkcs12 -export -in "$n.pem" -inkey "$n.key" -certfile ca.pem -name "$n" \
      -passout "pass:$STORE_PASSWORD" -out "$n.p12"
  done
  rm -f ./*.csr ./*.ext ./*.srl
)

# --- 2. Fresh data dir, certificates + broker config.
rm -rf "$KAFKA_DIR"
mkdir -p "$KAFKA_DIR/data" "$KAFKA_DIR/logs"
make_certs >"$KAFKA_DIR/certs.log" 2>&1 ||
  { cat "$KAFKA_DIR/certs.log" >&2; echo "ERROR: making the TLS certificates failed" >&2; exit 1; }
cat > "$KAFKA_DIR/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$PLAINTEXT_PORT,SASL_PLAINTEXT://127.0.0.1:$SASL_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT,SSL://127.0.0.1:$SSL_PORT,SASL_SSL://127.0.0.1:$SASL_SSL_PORT,BADNAME://127.0.0.1:$SSL_BADNAME_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PLAINTEXT_PORT,SASL_PLAINTEXT://127.0.0.1:$SASL_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT,SSL://127.0.0.1:$SSL_PORT,SASL_SSL://127.0.0.1:$SASL_SSL_PORT,BADNAME://127.0.0.1:$SSL_BADNAME_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,BADNAME:SSL
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

# TLS. SSL: mutual TLS (a client certificate signed by the CA is required); the principal is
# the certificate's CN. SASL_SSL: TLS (no client certificate) + SCRAM-SHA-512 only. BADNAME: TLS
# with a certificate for wrong-host.invalid, so host-name verification of 127.0.0.1 fails.
ssl.principal.mapping.rules=RULE:^.*CN=([^,]+).*\$/\$1/,DEFAULT
listener.name.ssl.ssl.keystore.type=PKCS12
listener.name.ssl.ssl.keystore.location=$TLS_DIR/broker.p12
listener.name.ssl.ssl.keystore.password=$STORE_PASSWORD
listener.name.ssl.ssl.key.password=$STORE_PASSWORD
listener.name.ssl.ssl.truststore.type=PEM
listener.name.ssl.ssl.truststore.location=$TLS_DIR/ca.pem
listener.name.ssl.ssl.client.auth=required
listener.name.sasl_ssl.ssl.keystore.type=PKCS12
listener.name.sasl_ssl.ssl.keystore.location=$TLS_DIR/broker.p12
listener.name.sasl_ssl.ssl.keystore.password=$STORE_PASSWORD
listener.name.sasl_ssl.ssl.key.password=$STORE_PASSWORD
listener.name.sasl_ssl.ssl.client.auth=none
listener.name.sasl_ssl.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.badname.ssl.keystore.type=PKCS12
listener.name.badname.ssl.keystore.location=$TLS_DIR/badname.p12
listener.name.badname.ssl.keystore.password=$STORE_PASSWORD
listener.name.badname.ssl.key.password=$STORE_PASSWORD
listener.name.badname.ssl.client.auth=none

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
# and PLAINTEXT clients keep full access), admin, plainuser, scramuser and the TLS client
# certificate's $TLS_CLIENT. Only acluser and $TLS_LIMITED (TLS client certificate) get no more
# than what ACLs grant them.
if [[ "$AUTHORIZER" == 1 ]]; then
  cat >> "$KAFKA_DIR/server.properties" <<EOF
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:ANONYMOUS;User:$ADMIN_USER;User:$PLAIN_USER;User:$SCRAM_USER;User:$TLS_CLIENT
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
export KAFKA_SSL_BOOTSTRAP_SERVERS=127.0.0.1:$SSL_PORT
export KAFKA_SASL_SSL_BOOTSTRAP_SERVERS=127.0.0.1:$SASL_SSL_PORT
export KAFKA_SSL_BADNAME_BOOTSTRAP_SERVERS=127.0.0.1:$SSL_BADNAME_PORT
export KAFKA_SSL_DIR=$TLS_DIR
export KAFKA_SSL_CA_LOCATION=$TLS_DIR/ca.pem
export KAFKA_SSL_OTHER_CA_LOCATION=$TLS_DIR/other-ca.pem
export KAFKA_SSL_CERTIFICATE_LOCATION=$TLS_DIR/client.pem
export KAFKA_SSL_KEY_LOCATION=$TLS_DIR/client.key
export KAFKA_SSL_KEY_PASSWORD=$CLIENT_KEY_PASSWORD
export KAFKA_SSL_PRINCIPAL=$TLS_CLIENT
export KAFKA_SSL_LIMITED_CERTIFICATE_LOCATION=$TLS_DIR/limited.pem
export KAFKA_SSL_LIMITED_KEY_LOCATION=$TLS_DIR/limited.key
export KAFKA_SSL_LIMITED_PRINCIPAL=$TLS_LIMITED
export KAFKA_SSL_OTHER_CA_CERTIFICATE_LOCATION=$TLS_DIR/other-ca-client.pem
export KAFKA_SSL_OTHER_CA_KEY_LOCATION=$TLS_DIR/other-ca-client.key
export KAFKA_SSL_EXPIRED_CERTIFICATE_LOCATION=$TLS_DIR/expired.pem
export KAFKA_SSL_EXPIRED_KEY_LOCATION=$TLS_DIR/expired.key
EOF
print_env
