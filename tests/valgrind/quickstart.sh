#!/usr/bin/env bash
# Runs examples-c/quickstart under valgrind's memcheck on librdkafka's in-process mock cluster
# (10,000 messages produced with delivery reports and consumed back in a group, then a full
# shutdown) and fails on any memory error or definite leak.
#
#   tests/valgrind/quickstart.sh [path/to/quickstart]
#
# Without an argument it uses build/examples-c/quickstart (the CMake build) when present, and
# otherwise compiles examples-c/quickstart.c against target/release/libkafkaffi.so itself.
# A ctest registration would be:
#   add_test(NAME valgrind_quickstart
#            COMMAND tests/valgrind/quickstart.sh $<TARGET_FILE:example_quickstart>)
#
# No suppressions are used: the run frees every heap block (librdkafka, the Rust runtime and the
# example alike), so any definite leak or invalid access is a real finding.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }

program="${1:-}"
if [[ -z "$program" && -x "$root/build/examples-c/quickstart" ]]; then
  program="$root/build/examples-c/quickstart"
fi
if [[ -z "$program" ]]; then
  lib="$root/target/release/libkafkaffi.so"
  [[ -f "$lib" ]] || (cd "$root" && cargo build --release)
  # The library's soname is libkafkaffi.so.0: give the loader that name.
  ln -s "$lib" "$work/libkafkaffi.so.0"
  ln -s "$lib" "$work/libkafkaffi.so"
  "${CC:-cc}" -Wall -Wextra -Werror -g -O1 -I"$root/include" \
    "$root/examples-c/quickstart.c" -L"$work" -lkafkaffi -lpthread -Wl,-rpath,"$work" \
    -o "$work/quickstart"
  program="$work/quickstart"
fi

echo "valgrind: $program (mock cluster)"
status=0
# The mock cluster, not an external one, whatever the caller's environment says.
env -u KAFKA_BOOTSTRAP_SERVERS \
  valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1 \
    --track-origins=yes --num-callers=30 --log-file="$work/valgrind.log" \
    "$program" || status=$?

# The summary: errors, heap use at exit, leaks by kind.
grep -E "ERROR SUMMARY|in use at exit|total heap usage|All heap blocks|definitely lost|indirectly lost|possibly lost|still reachable|suppressed:" \
  "$work/valgrind.log" | sed 's/^==[0-9]*== */  /'
if [[ $status -ne 0 ]] || ! grep -q "ERROR SUMMARY: 0 errors" "$work/valgrind.log"; then
  echo "FAIL: quickstart under valgrind (exit $status); full log:" >&2
  cat "$work/valgrind.log" >&2
  exit 1
fi
echo "PASS: no memory error, no definite leak"
