#!/usr/bin/env bash
# Runs tests/c/test_opaque_release under valgrind's memcheck on librdkafka's in-process mock
# cluster: a producer destroyed with delivery reports never served (delivered but not polled,
# and undelivered with the broker down) and an admin client destroyed with asynchronous calls in
# flight, with an admin result kept past its callback. Fails on any memory error, any definite
# leak, or a failed check of the test itself (each opaque released once, on the destroying
# thread, never one whose callback ran).
#
#   tests/valgrind/opaque_release.sh [path/to/test_opaque_release]
#
# Without an argument it uses build/tests/c/test_opaque_release (the CMake build) when present,
# and otherwise compiles tests/c/test_opaque_release.c against target/release/libkafkaffi.so
# ($CARGO_TARGET_DIR/release when set). ctest registers it as valgrind_opaque_release.
#
# No suppressions are used: the run frees every heap block, so any definite leak or invalid
# access is a real finding.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }

program="${1:-}"
if [[ -z "$program" && -x "$root/build/tests/c/test_opaque_release" ]]; then
  program="$root/build/tests/c/test_opaque_release"
fi
if [[ -z "$program" ]]; then
  lib="${CARGO_TARGET_DIR:-$root/target}/release/libkafkaffi.so"
  [[ -f "$lib" ]] || (cd "$root" && cargo build --release)
  # The library's soname is libkafkaffi.so.0: give the loader that name.
  ln -s "$lib" "$work/libkafkaffi.so.0"
  ln -s "$lib" "$work/libkafkaffi.so"
  "${CC:-cc}" -Wall -Wextra -Werror -g -O1 -I"$root/include" -I"$root/tests/c" \
    "$root/tests/c/test_opaque_release.c" -L"$work" -lkafkaffi -lpthread -Wl,-rpath,"$work" \
    -o "$work/test_opaque_release"
  program="$work/test_opaque_release"
fi

echo "valgrind: $program (mock cluster)"
status=0
env -u KAFKA_BOOTSTRAP_SERVERS \
  valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1 \
    --track-origins=yes --num-callers=30 --log-file="$work/valgrind.log" \
    "$program" >"$work/test.out" 2>&1 || status=$?

sed 's/^/  /' "$work/test.out"
grep -E "ERROR SUMMARY|in use at exit|total heap usage|All heap blocks|definitely lost|indirectly lost|possibly lost|still reachable|suppressed:" \
  "$work/valgrind.log" | sed 's/^==[0-9]*== */  /'
if [[ $status -ne 0 ]] || ! grep -q "ERROR SUMMARY: 0 errors" "$work/valgrind.log" \
   || ! grep -q "^PASS test_opaque_release" "$work/test.out"; then
  echo "FAIL: test_opaque_release under valgrind (exit $status); full log:" >&2
  cat "$work/valgrind.log" >&2
  exit 1
fi
echo "PASS: checks passed, no memory error, no definite leak"
