#!/usr/bin/env bash
# bench/callgrind.sh [--count N] [TEST...]
#
# Instructions per message on the application thread, kafkaffi against raw librdkafka, counted
# by valgrind's callgrind: deterministic, so usable on a loaded machine where wall-clock ratios
# are not (see PROFILE.md). TEST is any of produce produce_batch consume_poll consume_batch
# consume_view consume_batch_view produce_headers produce_packed produce_pull (default: the
# first four); N messages of 100 B on the mock cluster (default 50000).
#
# Needs valgrind and a previous `bench/run.sh` (any mode, e.g. --smoke) for the library and
# cargo's output paths. Builds bench_raw and bench_kafkaffi again with -DBENCH_CALLGRIND, so
# that only the timed part of each test is counted (MEASURED_BEGIN/END in bench_common.h), into
# bench/build/callgrind/, where the callgrind files stay for callgrind_annotate.
set -euo pipefail
cd "$(dirname "$0")/.."
count=50000
if [ "${1:-}" = "--count" ]; then
    count=$2
    shift 2
fi
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(produce produce_batch consume_poll consume_batch)
command -v valgrind >/dev/null || { echo "bench/callgrind.sh: valgrind is not installed" >&2; exit 1; }
build=bench/build
out=$build/callgrind
[ -f "$build/cargo.json" ] && [ -e "$build/lib/libkafkaffi.so.0" ] ||
    { echo "bench/callgrind.sh: run bench/run.sh --smoke first" >&2; exit 1; }
eval "$(python3 - "$build/cargo.json" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    if not line.startswith("{"):
        continue
    m = json.loads(line)
    pkg = m.get("package_id", "")
    if m.get("reason") == "build-script-executed":
        if "rdkafka-sys" in pkg:
            print("RDKAFKA_OUT=%s" % m["out_dir"])
        elif "zstd-sys" in pkg:
            print("ZSTD_OUT=%s" % m["out_dir"])
EOF
)"
mkdir -p "$out"
libdir="$PWD/$build/lib"
CFLAGS="-O2 -g -Wall -Wextra -std=c11 -DBENCH_CALLGRIND"
cc $CFLAGS -Iinclude bench/bench_kafkaffi.c -o "$out/bench_kafkaffi" \
    -L"$libdir" -lkafkaffi -Wl,-rpath,"$libdir" -lpthread
cc $CFLAGS -isystem "$RDKAFKA_OUT/src" bench/bench_raw.c -o "$out/bench_raw" \
    "$RDKAFKA_OUT/src/librdkafka.a" "$ZSTD_OUT/libzstd.a" -lssl -lcrypto -lz -lpthread -lm -ldl -lrt

common=(--bootstrap mock --topic t1 --count "$count" --size 100 -X acks=all -X linger.ms=5
    -X compression.type=none -C group.id=g -C enable.auto.commit=false
    -C fetch.queue.backoff.ms=1 -C fetch.wait.max.ms=1)
printf '%-14s %10s %10s %8s\n' test raw kafkaffi ratio
for t in "${tests[@]}"; do
    case $t in
    # a queue that never fills: no retry is counted
    produce | produce_batch | produce_headers | produce_packed | produce_pull) extra=(--partitions 8 -X queue.buffering.max.messages=1000000) ;;
    consume_poll | consume_batch) extra=(--partitions 10) ;;
    # every field of each message, two headers each (kf_message_view / the batch views)
    consume_view | consume_batch_view) extra=(--partitions 10 --headers 2) ;;
    *) echo "bench/callgrind.sh: unknown test $t" >&2; exit 1 ;;
    esac
    declare -A ir=()
    for c in raw kafkaffi; do
        f=$out/cg.$t.$c
        rm -f "$f" "$f"-*
        valgrind --tool=callgrind --collect-atstart=no --separate-threads=yes \
            --callgrind-out-file="$f" "$out/bench_$c" --test "$t" "${common[@]}" "${extra[@]}" \
            >"$out/$t.$c.json" 2>"$out/$t.$c.log" ||
            { echo "bench/callgrind.sh: $c $t failed:" >&2; tail -5 "$out/$t.$c.log" >&2; exit 1; }
        # Thread 1 is the application's thread.
        total=$(awk '/^(summary|totals):/ {print $2; exit}' "$f-01")
        ir[$c]=$((total / count))
    done
    printf '%-14s %10d %10d %8.3f\n' "$t" "${ir[raw]}" "${ir[kafkaffi]}" \
        "$(python3 -c "print(${ir[kafkaffi]} / ${ir[raw]})")"
done
