#!/usr/bin/env bash
# Memory soak of kafkaffi on librdkafka's in-process mock cluster (no broker needed), with
# tests/soak/soak.c (CMake target kafkaffi_soak): every message is produced, delivered and
# consumed exactly once and in order, and
#   1. under valgrind memcheck (1,000,000 messages): no memory error, no definite leak;
#   2. without valgrind (10,000,000 messages): the RSS, printed at every 5 %, stays flat (the
#      largest RSS of the last quarter within 10 % or 8 MiB of the largest of the second).
#
#   scripts/soak.sh            CI mode: the two runs above (about 1 min here)
#   scripts/soak.sh --long     5,000,000 under valgrind, 100,000,000 for the RSS
#
# Uses the CMake build in build/ (configured if missing); BUILD_DIR overrides it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
build="${BUILD_DIR:-$root/build}"
valgrind_messages=1000000
rss_messages=10000000
if [[ "${1:-}" == "--long" ]]; then
  valgrind_messages=5000000
  rss_messages=100000000
elif [[ -n "${1:-}" ]]; then
  echo "usage: $0 [--long]" >&2
  exit 2
fi
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }

start=$(date +%s)
[[ -f "$build/build.ninja" ]] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target kafkaffi_soak >/dev/null
soak="$build/tests/soak/soak"
log="$build/tests/soak"
failed=()

# 1. valgrind memcheck. No suppressions: the run frees every heap block.
echo "=== valgrind memcheck: $valgrind_messages messages (mock cluster)"
t0=$(date +%s)
status=0
env -u KAFKA_BOOTSTRAP_SERVERS \
  valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1 \
    --num-callers=30 --log-file="$log/valgrind.log" \
    "$soak" "$valgrind_messages" >"$log/valgrind.out" 2>&1 || status=$?
grep -E '^(produced|delivered|consumed|elapsed):|^(OK|FAILED)$' "$log/valgrind.out" | sed 's/^/  /'
grep -E "ERROR SUMMARY|in use at exit|total heap usage|All heap blocks|definitely lost|indirectly lost|possibly lost" \
  "$log/valgrind.log" | sed 's/^==[0-9]*== */  /'
echo "  valgrind run: $(($(date +%s) - t0))s"
if ((status != 0)) || ! grep -q "ERROR SUMMARY: 0 errors" "$log/valgrind.log"; then
  echo "FAIL: soak under valgrind (exit $status); see $log/valgrind.log and valgrind.out" >&2
  tail -n 20 "$log/valgrind.out" >&2
  failed+=(valgrind)
fi

# 2. RSS flatness.
echo "=== RSS: $rss_messages messages (mock cluster)"
t0=$(date +%s)
status=0
env -u KAFKA_BOOTSTRAP_SERVERS "$soak" "$rss_messages" --check-rss >"$log/rss.out" 2>&1 || status=$?
sed 's/^/  /' "$log/rss.out"
echo "  RSS run: $(($(date +%s) - t0))s"
((status == 0)) || failed+=(rss)

echo "soak: total $(($(date +%s) - start))s"
if ((${#failed[@]})); then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "PASS: no memory error, no definite leak, RSS flat"
