#!/usr/bin/env bash
# Builds libkafkaffi and runs examples-c/quickstart.c: 10,000 messages produced with delivery
# reports and consumed back in a group, on librdkafka's in-process mock cluster, or on the
# cluster in KAFKA_BOOTSTRAP_SERVERS when it is set.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target example_quickstart
exec build/examples-c/quickstart "$@"
