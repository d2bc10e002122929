#!/usr/bin/env bash
# Runs every test of kafkaffi: the Rust tests (through the C ABI) and the C tests (through the
# header, built with CMake and run by ctest), on a real Kafka broker that this script starts and
# always stops, and on librdkafka's in-process mock cluster. Every suite runs even when an
# earlier one failed; the exit status is non-zero if any failed.
#
#   scripts/test.sh           everything, on the servers it starts
#   scripts/test.sh --quick   only what needs no server (a few minutes): see quick() below
set -euo pipefail
cd "$(dirname "$0")/.."

# The tests that need no server, with none started and none reachable: the Rust tests minus those
# listed in tests/needs_servers.txt (left out by exact name, never run as no-ops), and the ctest
# tests not labelled "broker". The server variables of the caller's environment are dropped, so a
# test that needs a server and is not listed fails here instead of quietly using one.
quick() {
  local v suite failed=()
  while read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(KAFKA_|SCHEMA_REGISTRY_)' || true)

  cargo test --release --locked --no-run || failed+=("cargo build")
  cargo test --release --locked --lib || failed+=("cargo test --lib")
  for suite in tests/*.rs; do
    suite="$(basename "$suite" .rs)"
    local skip=()
    mapfile -t skip < <(awk -v s="$suite" '$1 == s { print "--skip"; print $2 }' tests/needs_servers.txt)
    cargo test --release --locked --test "$suite" -- --exact "${skip[@]}" \
      || failed+=("cargo test --test $suite")
  done
  if cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release && cmake --build build; then
    ctest --test-dir build --output-on-failure -LE broker || failed+=("ctest")
  else
    failed+=("cmake build")
  fi

  if ((${#failed[@]})); then
    echo "FAILED (quick): ${failed[*]}" >&2
    return 1
  fi
  echo "All quick tests passed (no server)."
}

case "${1:-}" in
  "") ;;
  --quick)
    quick
    exit
    ;;
  *)
    echo "usage: scripts/test.sh [--quick]" >&2
    exit 2
    ;;
esac

scripts/kafka/start.sh
trap 'scripts/kafka/stop.sh' EXIT
# The Schema Registry (Apicurio Registry, Confluent-compatible API) for the registry tests.
scripts/registry/start.sh
trap 'scripts/registry/stop.sh; scripts/kafka/stop.sh' EXIT
# A 3-broker KRaft cluster for the fault scenarios of tests/faults.rs (short mode here; the long
# one is scripts/faults.sh --long).
scripts/cluster/start.sh
trap 'scripts/cluster/stop.sh; scripts/registry/stop.sh; scripts/kafka/stop.sh' EXIT
set -a
# shellcheck source=/dev/null
. "${KAFKAFFI_KAFKA_DIR:-/tmp/kafkaffi-kafka}/env"
# shellcheck source=/dev/null
. "${KAFKAFFI_REGISTRY_DIR:-/tmp/kafkaffi-registry}/env"
# shellcheck source=/dev/null
. "${KAFKAFFI_CLUSTER_DIR:-/tmp/kafkaffi-cluster}/env"
set +a


failed=()
# One release build serves cargo's tests, CMake's examples and C tests alike.
cargo test --release --locked --no-run || failed+=("cargo build")
# The fuzz targets take minutes to build (a second, instrumented build of the Rust code): build
# them in the background, niced, while the tests below mostly wait on the brokers.
fuzz_build_log="$(mktemp)"
nice -n 15 scripts/fuzz.sh --build-only >"$fuzz_build_log" 2>&1 &
fuzz_build=$!
cargo test --release --locked --no-fail-fast || failed+=("cargo test")
if cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release && cmake --build build; then
  ctest --test-dir build --output-on-failure || failed+=("ctest")
else
  failed+=("cmake build")
fi

# The C tests and examples under AddressSanitizer + UndefinedBehaviorSanitizer; 1M messages under
# valgrind and a 10M-message RSS check; every fuzz target for a few seconds.
scripts/sanitizers.sh || failed+=("sanitizers")
scripts/soak.sh || failed+=("soak")
if wait "$fuzz_build"; then
  scripts/fuzz.sh || failed+=("fuzz")
else
  cat "$fuzz_build_log" >&2
  failed+=("fuzz build")
fi
rm -f "$fuzz_build_log"

# The benchmarks are never timed here: only checked to build and run a tiny configuration.
bench/run.sh --smoke || failed+=("bench smoke")

if ((${#failed[@]})); then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "All test suites passed."
