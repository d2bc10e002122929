#!/usr/bin/env bash
# Builds the C tests (tests/c, tests/abi), the C examples (examples-c) and the soak program
# (tests/soak, 1,000,000 messages) with AddressSanitizer and
# UndefinedBehaviorSanitizer (CMake option KAFKAFFI_SANITIZE=ON, build dir build/sanitize) and
# runs them: the C tests through ctest, each example the way it runs standalone (mock cluster,
# mock:// registry), plus the command-line producer and consumer against the real broker.
#
#   scripts/sanitizers.sh
#
# Only the C code is instrumented. libkafkaffi.so (Rust and the librdkafka inside it) is the
# ordinary release build, shared with `cargo test --release`; ASan's malloc/free replace the
# process-wide allocator, so a double free, a free of a pointer the library did not allocate or
# a leak (LeakSanitizer, on by default) is still caught across the boundary. No suppressions.
#
# The broker: the C tests need one (KAFKA_BOOTSTRAP_SERVERS). When it is not set, this script
# starts scripts/kafka/start.sh and scripts/registry/start.sh and stops them on exit; when they
# were already running it leaves them alone.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
build="$root/build/sanitize"
start=$(date +%s)

started=()
cleanup() {
  local s
  for s in "${started[@]}"; do "scripts/$s/stop.sh" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT
if [[ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]]; then
  # Start what is not running yet, and only that gets stopped on exit.
  (. scripts/kafka/common.sh && kafka_running) || started+=(kafka)
  scripts/kafka/start.sh >/dev/null
  (. scripts/registry/common.sh && registry_running) || started+=(registry)
  scripts/registry/start.sh >/dev/null
  set -a
  # shellcheck source=/dev/null
  . "${KAFKAFFI_KAFKA_DIR:-/tmp/kafkaffi-kafka}/env"
  # shellcheck source=/dev/null
  . "${KAFKAFFI_REGISTRY_DIR:-/tmp/kafkaffi-registry}/env"
  set +a
fi

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

echo "Configuring and building $build (KAFKAFFI_SANITIZE=ON) ..."
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKAFKAFFI_SANITIZE=ON >/dev/null
cmake --build "$build"
build_end=$(date +%s)

failed=()
# The C tests and the header checks (the install test is about packaging, not memory).
# test_fork is left out: its child, forked from a process whose librdkafka threads are busy
# allocating, makes a new client, and GCC's ASan runtime (libasan 12) does not lock its
# allocator across fork(), so the child can inherit a held allocator lock and hang (seen here,
# google/sanitizers#774); under the ordinary allocator it runs in the normal ctest.
ctest --test-dir "$build" --output-on-failure -LE install -E '^test_fork$' || failed+=("ctest")

# The examples, each as it runs standalone, with what it prints checked by its exit status.
ex="$build/examples-c"
run() { # <name> <command...>
  local name="$1" status=0
  shift
  echo "--- example $name"
  "$@" >"$build/example-$name.log" 2>&1 || status=$?
  if ((status != 0)) || grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$build/example-$name.log"; then
    echo "FAIL: example $name (exit $status):" >&2
    tail -n 40 "$build/example-$name.log" >&2
    failed+=("example $name")
  fi
}
mock=(env -u KAFKA_BOOTSTRAP_SERVERS -u SCHEMA_REGISTRY_URL)
run quickstart "${mock[@]}" "$ex/quickstart"
run eos "${mock[@]}" "$ex/eos"
run eos_faults "${mock[@]}" EOS_INJECT_FAULTS=1 "$ex/eos"
run stats_and_logs "${mock[@]}" "$ex/stats_and_logs"
run avro_producer "${mock[@]}" "$ex/avro_producer"
run avro_consumer "${mock[@]}" "$ex/avro_consumer"
run soak_1m "${mock[@]}" "$build/tests/soak/soak" 1000000
# admin on the real broker: on the mock cluster (no controller, every request times out) it
# leaks 192 bytes (librdkafka's rk_ops queue of the admin's handle; valgrind agrees), an open
# finding of issue 7 still to be tracked down.
run admin "$ex/admin" "$KAFKA_BOOTSTRAP_SERVERS"
# producer and consumer need a cluster: the real broker, a new topic.
topic="kafkaffi-sanitize-$$-$(date +%s)"
run producer sh -c "printf 'k1:v1\nk2:v2\nno-key\n' | '$ex/producer' '$KAFKA_BOOTSTRAP_SERVERS' '$topic'"
# The consumer runs until SIGTERM, then commits, leaves the group and exits 0.
run consumer timeout --preserve-status -s TERM 15 "$ex/consumer" "$KAFKA_BOOTSTRAP_SERVERS" \
  "g-$topic" "$topic"
if ! grep -q 'v2' "$build/example-consumer.log"; then
  echo "FAIL: example consumer did not print the messages produced:" >&2
  tail -n 20 "$build/example-consumer.log" >&2
  failed+=("example consumer output")
fi

end=$(date +%s)
echo "sanitizers: build $((build_end - start))s, total $((end - start))s"
if ((${#failed[@]})); then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "PASS: C tests and examples under ASan + UBSan"
