#!/usr/bin/env bash
# Runs examples-c/avro_producer and examples-c/avro_consumer and checks what they print:
#   1. on their embedded default (in-process mock cluster and mock:// registry: each program on
#      its own; the consumer seeds its empty cluster first), and
#   2. on the real broker and registry (KAFKA_BOOTSTRAP_SERVERS and SCHEMA_REGISTRY_URL, both
#      required): the producer writes 5 users to a new topic, the consumer prints them as JSON.
#
#   tests/c/avro_examples.sh path/to/avro_producer path/to/avro_consumer
#
# Registered with ctest by the top-level CMakeLists.txt (test `avro_examples`). Bounded: each
# program run is limited to 60 s.
set -euo pipefail
producer="$1"
consumer="$2"
: "${KAFKA_BOOTSTRAP_SERVERS:?KAFKA_BOOTSTRAP_SERVERS is not set (start scripts/kafka/start.sh)}"
: "${SCHEMA_REGISTRY_URL:?SCHEMA_REGISTRY_URL is not set (start scripts/registry/start.sh)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail=0

# expect FILE LINE: FILE has a line containing LINE (a fixed string).
expect() {
  if ! grep -qF -- "$2" "$1"; then
    echo "FAIL: $(basename "$1") does not contain: $2" >&2
    fail=1
  fi
}

run() { # run NAME PROGRAM ARGS...: output in $work/NAME, exit status checked
  local name="$1"
  shift
  if ! timeout 60 "$@" >"$work/$name" 2>"$work/$name.err"; then
    echo "FAIL: $name exited with an error" >&2
    fail=1
  fi
  echo "--- $name"
  cat "$work/$name" "$work/$name.err"
}

# 1. The embedded default.
run embedded_producer env -u KAFKA_BOOTSTRAP_SERVERS -u SCHEMA_REGISTRY_URL "$producer"
expect "$work/embedded_producer" "registry mock://avro-example, topic kafkaffi-avro-example"
expect "$work/embedded_producer" "produced 5 Avro records: 5 delivered, 0 failed, 0 undelivered"
run embedded_consumer env -u KAFKA_BOOTSTRAP_SERVERS -u SCHEMA_REGISTRY_URL "$consumer"
for i in 0 1 2 3 4; do
  expect "$work/embedded_consumer" \
    "{\"partition\": 0, \"offset\": $i, \"key\": \"user-$i\", \"value\": {\"name\":\"user-$i\",\"favorite_number\":{\"int\":$((i * 7))},\"favorite_color\":null}}"
done
expect "$work/embedded_consumer" "consumed 5 Avro records"

# 2. The real broker and registry: what the producer writes, the consumer prints.
topic="avro-example-$$-$(date +%s%N)"
run real_producer "$producer" "$topic" 5
expect "$work/real_producer" "registry $SCHEMA_REGISTRY_URL, topic $topic"
expect "$work/real_producer" "produced 5 Avro records: 5 delivered, 0 failed, 0 undelivered"
run real_consumer "$consumer" "$topic" 5
want=(
  '"key": "user-0", "value": {"name":"user-0","favorite_number":{"int":0},"favorite_color":{"string":"red"}}}'
  '"key": "user-1", "value": {"name":"user-1","favorite_number":{"int":7},"favorite_color":null}}'
  '"key": "user-2", "value": {"name":"user-2","favorite_number":null,"favorite_color":{"string":"green"}}}'
  '"key": "user-3", "value": {"name":"user-3","favorite_number":{"int":21},"favorite_color":{"string":"blue"}}}'
  '"key": "user-4", "value": {"name":"user-4","favorite_number":{"int":28},"favorite_color":{"string":"red"}}}'
)
for w in "${want[@]}"; do
  expect "$work/real_consumer" "$w"
done
expect "$work/real_consumer" "consumed 5 Avro records"
if [[ "$(grep -c '^{"partition"' "$work/real_consumer")" != 5 ]]; then
  echo "FAIL: the consumer did not print exactly 5 records" >&2
  fail=1
fi

if ((fail)); then
  echo "FAIL avro_examples" >&2
  exit 1
fi
echo "PASS avro_examples"
