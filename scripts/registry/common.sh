# shellcheck shell=bash disable=SC2034
# Shared defaults for scripts/registry/*.sh (sourced, not executed). Overridable from the env.
APICURIO_VERSION="${KAFKAFFI_APICURIO_VERSION:-3.3.3}"
APICURIO_CACHE="${KAFKAFFI_CACHE:-$HOME/.cache/kafkaffi}/apicurio"
APICURIO_TGZ="$APICURIO_CACHE/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz"
APICURIO_HOME="$APICURIO_CACHE/apicurio-registry-$APICURIO_VERSION"
REGISTRY_DIR="${KAFKAFFI_REGISTRY_DIR:-/tmp/kafkaffi-registry}"
REGISTRY_PORT="${KAFKAFFI_REGISTRY_PORT:-8081}"
# Quarkus's management interface (health, metrics) is compiled in and cannot be switched off at
# run time; it would listen on 0.0.0.0:9000. Keep it on loopback, next to the API port.
REGISTRY_MANAGEMENT_PORT="${KAFKAFFI_REGISTRY_MANAGEMENT_PORT:-$((REGISTRY_PORT + 1))}"
REGISTRY_HEAP="${KAFKAFFI_REGISTRY_HEAP:-256m}"
REGISTRY_PID_FILE="$REGISTRY_DIR/registry.pid"
# Apicurio 3.3 needs Java 21 or newer; the default Java here may be 17. KAFKAFFI_REGISTRY_JAVA
# overrides; otherwise the first of $JAVA_HOME, a Temurin 25 and `java` that is new enough.
find_java() {
  local j v
  for j in "${KAFKAFFI_REGISTRY_JAVA:-}" "${JAVA_HOME:+$JAVA_HOME/bin/java}" \
           /usr/lib/jvm/temurin-25-jdk-amd64/bin/java "$(command -v java || true)"; do
    [[ -n "$j" && -x "$j" ]] || continue
    v=$("$j" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
    [[ -n "$v" && "$v" -ge 21 ]] && { echo "$j"; return 0; }
  done
  return 1
}

# True if the registry recorded in $REGISTRY_PID_FILE is alive (and that pid really is it).
registry_running() {
  [[ -f "$REGISTRY_PID_FILE" ]] &&
    { tr '\0' ' ' <"/proc/$(cat "$REGISTRY_PID_FILE")/cmdline"; } 2>/dev/null | grep -q quarkus-run.jar
}
