#!/bin/sh
# ABI check of the shared library (run by ctest as `symbols`):
#   test_symbols.sh <functions.txt (from include/kafkaffi.abi.json)> <libkafkaffi.so> <expected soname> <nm> <readelf>
# - the soname is libkafkaffi.so.<ABI major>;
# - the dynamic symbol table exports exactly the functions declared in include/kafkaffi.h
#   (none missing, none extra), and nothing else: no rd_kafka_*, no Rust symbols.
set -eu
list=$1 lib=$2 want_soname=$3 nm=$4 readelf=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

soname=$("$readelf" -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
if [ "$soname" = "$want_soname" ]; then
    echo "ok: soname $soname"
else
    echo "FAIL: soname is '$soname', expected '$want_soname'"
    fail=1
fi

# Defined dynamic symbols (functions and data), without version suffixes.
"$nm" -D --defined-only "$lib" | awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }' | sort -u >"$tmp/exported"
grep '^kf_' "$tmp/exported" >"$tmp/exported_kf" || true
grep -v '^kf_' "$tmp/exported" >"$tmp/exported_other" || true
sort -u "$list" >"$tmp/declared"

n_declared=$(wc -l <"$tmp/declared")
n_exported=$(wc -l <"$tmp/exported_kf")
echo "header declares $n_declared functions; the library exports $n_exported kf_ symbols"
if [ "$n_declared" -eq 0 ] || [ "$n_exported" -eq 0 ]; then
    echo "FAIL: empty symbol set"
    fail=1
fi

missing=$(comm -23 "$tmp/declared" "$tmp/exported_kf")
if [ -n "$missing" ]; then
    echo "FAIL: declared in kafkaffi.h but not exported by the library:"
    echo "$missing" | sed 's/^/  /'
    fail=1
fi
extra=$(comm -13 "$tmp/declared" "$tmp/exported_kf")
if [ -n "$extra" ]; then
    echo "FAIL: exported by the library but not declared in kafkaffi.h:"
    echo "$extra" | sed 's/^/  /'
    fail=1
fi
if grep -q '^rd_kafka' "$tmp/exported_other"; then
    echo "FAIL: librdkafka symbols are exported ($(grep -c '^rd_kafka' "$tmp/exported_other")), e.g.:"
    grep '^rd_kafka' "$tmp/exported_other" | head -5 | sed 's/^/  /'
    fail=1
fi
if [ -s "$tmp/exported_other" ]; then
    echo "FAIL: symbols other than kf_* are exported ($(wc -l <"$tmp/exported_other")), e.g.:"
    head -10 "$tmp/exported_other" | sed 's/^/  /'
    fail=1
fi
[ "$fail" -eq 0 ] && echo "ok: exports are exactly the header's $n_declared functions"
exit "$fail"
