#!/usr/bin/env bash
# bench/run.sh [--quick | --smoke] [more bench/run.py options]
#
# Builds everything the benchmarks need, then runs bench/run.py:
#   1. libkafkaffi (cargo build --release --lib), which also builds the vendored librdkafka
#      2.12.1 (rdkafka-sys) and zstd (zstd-sys) as static libraries;
#   2. bench/build/bench_kafkaffi: bench_kafkaffi.c linked with libkafkaffi.so;
#   3. bench/build/bench_raw: bench_raw.c linked with that same librdkafka.a;
#      bench/build/bench_serde: bench_serde.c (the serdes) linked with libkafkaffi.so;
#   4. bench/.venv: confluent-kafka-python (with its Avro / JSON Schema / Protobuf serializers'
#      dependencies) and matplotlib from PyPI, pinned in requirements.txt.
#
# Without options: every measurement, 5 rounds, on the mock cluster and on the broker at
# $KAFKA_BOOTSTRAP_SERVERS, then the serdes (on mock:// registries, no cluster); writes
# bench/RESULTS.md and bench/ratios.png. `--only serde` runs only the serdes.
#   --quick  one round of small counts (results in bench/build/quick/, nothing committed).
#   --smoke  one tiny run of each contender and test; checks only that they succeed (for
#            scripts/test.sh). Prints "smoke: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=bench/build
mkdir -p "$build"

# --- 1. kafkaffi and the vendored librdkafka: where cargo put them ---
cargo build --release --lib --locked --message-format=json-render-diagnostics >"$build/cargo.json"
eval "$(python3 - "$build/cargo.json" <<'EOF'
import json, os, sys
rdkafka = zstd = lib = None
for line in open(sys.argv[1]):
    if not line.startswith("{"):
        continue
    m = json.loads(line)
    pkg = m.get("package_id", "")
    if m.get("reason") == "build-script-executed":
        if "rdkafka-sys@" in pkg or "rdkafka-sys " in pkg:
            rdkafka = m["out_dir"]
        elif "zstd-sys@" in pkg or "zstd-sys " in pkg:
            zstd = m["out_dir"]
    elif m.get("reason") == "compiler-artifact" and m["target"]["name"] == "kafkaffi":
        for f in m["filenames"]:
            if f.endswith(".so"):
                lib = f
for name, val in (("RDKAFKA_OUT", rdkafka), ("ZSTD_OUT", zstd), ("KAFKAFFI_SO", lib)):
    if not val:
        sys.exit("bench/run.sh: cargo did not report %s" % name)
    print("%s=%s" % (name, val))
EOF
)"
rdkafka_src="$RDKAFKA_OUT/src"
[ -f "$rdkafka_src/librdkafka.a" ] || { echo "no $rdkafka_src/librdkafka.a" >&2; exit 1; }
[ -f "$ZSTD_OUT/libzstd.a" ] || { echo "no $ZSTD_OUT/libzstd.a" >&2; exit 1; }
# A copy, not a link: a cargo build started meanwhile (tests, another checkout sharing the target
# directory) must not swap the library under a running benchmark. Its soname is
# libkafkaffi.so.0 (what CMake installs); cargo writes libkafkaffi.so.
libdir="$root/$build/lib"
mkdir -p "$libdir"
rm -f "$libdir/libkafkaffi.so" "$libdir/libkafkaffi.so.0"
cp "$KAFKAFFI_SO" "$libdir/libkafkaffi.so.0"
ln -s libkafkaffi.so.0 "$libdir/libkafkaffi.so"

# --- 2 and 3. the two C programs: same compiler, same flags ---
CC=${CC:-cc}
CFLAGS="-O2 -g -Wall -Wextra -std=c11"
$CC $CFLAGS -Iinclude bench/bench_kafkaffi.c -o "$build/bench_kafkaffi" \
    -L"$libdir" -lkafkaffi -Wl,-rpath,"$libdir" -lpthread
$CC $CFLAGS -Iinclude bench/bench_serde.c -o "$build/bench_serde" \
    -L"$libdir" -lkafkaffi -Wl,-rpath,"$libdir"
# librdkafka.a needs what its configure found (Makefile.config: LIBS); zstd is zstd-sys's.
$CC $CFLAGS -isystem "$rdkafka_src" bench/bench_raw.c -o "$build/bench_raw" \
    "$rdkafka_src/librdkafka.a" "$ZSTD_OUT/libzstd.a" -lssl -lcrypto -lz -lpthread -lm -ldl -lrt

# --- 4. the Python contender and the chart ---
venv=bench/.venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -m pip install -q --disable-pip-version-check -r bench/requirements.txt \
        >"$build/pip.log" 2>&1; then
    cat "$build/pip.log" >&2
    exit 1
fi

export BENCH_KAFKAFFI_LIB="$libdir/libkafkaffi.so.0"
exec "$venv/bin/python" bench/run.py --build "$root/$build" "$@"
