#!/usr/bin/env bash
# Start a real Apicurio Registry (its /apis/ccompat/v7 API speaks the Confluent Schema Registry
# protocol) on 127.0.0.1 for tests, with in-memory storage. The archive comes from Maven Central
# via mvn and is cached. Idempotent: if it is already running it only prints its address.
# Stop it with scripts/registry/stop.sh. Tests: `source "$KAFKAFFI_REGISTRY_DIR/env"`, which
# exports SCHEMA_REGISTRY_URL.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=common.sh
. "$HERE/common.sh"
URL="http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7"

print_env() {
  echo "Apicurio Registry $APICURIO_VERSION up: $URL"
  echo "env file: $REGISTRY_DIR/env"
}

if registry_running; then
  echo "Registry already running (pid $(cat "$REGISTRY_PID_FILE"))"; print_env; exit 0
fi

# --- 1. Fetch and unpack the runnable archive into the cache.
if [[ ! -f "$APICURIO_HOME/.unpacked" ]]; then
  if [[ ! -f "$APICURIO_TGZ" ]]; then
    echo "Fetching Apicurio Registry $APICURIO_VERSION with Maven into $APICURIO_CACHE ..."
    mkdir -p "$APICURIO_CACHE"
    mvn -B dependency:copy \
      -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" \
      -DoutputDirectory="$APICURIO_CACHE" >"$APICURIO_CACHE/mvn.log" 2>&1 ||
      { tail -n 30 "$APICURIO_CACHE/mvn.log" >&2; echo "ERROR: Maven fetch failed" >&2; exit 1; }
  fi
  rm -rf "$APICURIO_HOME.tmp" && mkdir -p "$APICURIO_HOME.tmp"
  tar -xzf "$APICURIO_TGZ" -C "$APICURIO_HOME.tmp"
  # The archive holds the content of Quarkus's quarkus-app/ directory (quarkus-run.jar at its
  # top), possibly wrapped in a directory.
  jar=$(find "$APICURIO_HOME.tmp" -name quarkus-run.jar | head -n 1)
  [[ -n "$jar" ]] || { echo "ERROR: no quarkus-run.jar in $APICURIO_TGZ" >&2; exit 1; }
  rm -rf "$APICURIO_HOME" && mkdir -p "$APICURIO_HOME"
  mv "$(dirname "$jar")" "$APICURIO_HOME/quarkus-app"
  rm -rf "$APICURIO_HOME.tmp"
  touch "$APICURIO_HOME/.unpacked"
fi

# --- 2. Run it: loopback only, fixed port, in-memory H2, deletes allowed (the Confluent API
# allows them; Apicurio turns them off by default).
JAVA=$(find_java) || { echo "ERROR: Apicurio Registry $APICURIO_VERSION needs Java 21+; none found (set KAFKAFFI_REGISTRY_JAVA)" >&2; exit 1; }
rm -rf "$REGISTRY_DIR"
mkdir -p "$REGISTRY_DIR"
cd "$REGISTRY_DIR"
nohup "$JAVA" -Xms64m -Xmx"$REGISTRY_HEAP" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$REGISTRY_PORT" \
  -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$REGISTRY_MANAGEMENT_PORT" \
  -Dquarkus.otel.sdk.disabled=true \
  -Dapicurio.storage.kind=sql -Dapicurio.storage.sql.kind=h2 \
  -Dapicurio.rest.deletion.artifact.enabled=true \
  -Dapicurio.rest.deletion.artifact-version.enabled=true \
  -Dapicurio.rest.deletion.group.enabled=true \
  -Dquarkus.log.level=WARN \
  -jar "$APICURIO_HOME/quarkus-app/quarkus-run.jar" >"$REGISTRY_DIR/registry.log" 2>&1 &
echo $! >"$REGISTRY_PID_FILE"

# --- 3. Wait until the Confluent API answers (up to 120 s).
for _ in $(seq 240); do
  if curl -fsS "$URL/subjects" >/dev/null 2>&1; then
    echo "export SCHEMA_REGISTRY_URL=$URL" >"$REGISTRY_DIR/env"
    print_env
    exit 0
  fi
  registry_running || { tail -n 40 "$REGISTRY_DIR/registry.log" >&2; echo "ERROR: registry exited" >&2; exit 1; }
  sleep 0.5
done
tail -n 40 "$REGISTRY_DIR/registry.log" >&2
echo "ERROR: registry did not answer on $URL within 120 s" >&2
exit 1
