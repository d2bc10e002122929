#!/usr/bin/env bash
# Runs every test of kafkaffi: the Rust tests (through the C ABI) and the C tests (through the
# header, built with CMake and run by ctest), on a real Kafka broker that this script starts and
# always stops, and on librdkafka's in-process mock cluster.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/kafka/start.sh
trap 'scripts/kafka/stop.sh' EXIT
set -a
# shellcheck source=/dev/null
. "${KAFKAFFI_KAFKA_DIR:-/tmp/kafkaffi-kafka}/env"
set +a

# One release build serves cargo's tests, CMake's examples and C tests alike.
cargo test --release --locked
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build
ctest --test-dir build --output-on-failure
