#!/bin/sh
# The build lines a newcomer copies must give programs that start (ctest `readme_build_line`):
#
#   tests/c/readme_build_line.sh <source dir> <build dir> <cargo target dir>
#
# 1. Takes from README.md the ```sh block whose first line is a `cc ... -lkafkaffi` command
#    (there must be exactly one) and runs it as written, from a scratch copy of the
#    repository's root: include/ and examples-c/ link to the sources, build/ to <build dir> and
#    target/ to <cargo target dir>. KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL and
#    LD_LIBRARY_PATH are unset, so
#    the example runs on the in-process mock cluster and the loader finds libkafkaffi.so.0 only
#    through what the command itself set up. Every command of the block must succeed.
# 2. Runs the build line in the comment of every examples-c/*.c the same way and checks that
#    the loader resolves libkafkaffi.so.0 for the program it makes.
#
# The test fails when README.md or an example's comment and the real build disagree.
set -eu
src=$1
build=$2
cargo_target=$3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kafkaffi-readme.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir "$root"
ln -s "$src/include" "$root/include"
ln -s "$src/examples-c" "$root/examples-c"
ln -s "$build" "$root/build"
ln -s "$cargo_target" "$root/target"

die() { echo "FAIL: $*" >&2; exit 1; }
# Runs a shell snippet from the scratch root with none of the environment that could hide a
# broken build line.
run_clean() {
    (cd "$root" && env -u KAFKA_BOOTSTRAP_SERVERS -u SCHEMA_REGISTRY_URL -u LD_LIBRARY_PATH \
        timeout 300 sh -eux "$1")
}

# --- 1. README.md -------------------------------------------------------------------------
awk '
/^```/ {
    if (state == "sh") {
        if (first ~ /^cc / && first ~ /-lkafkaffi/ && first !~ /pkg-config/) { block = blk; found++ }
        state = ""; blk = ""; first = ""
    } else if (state == "other") {
        state = ""
    } else if ($0 ~ /^```sh[ \t]*$/) {
        state = "sh"
    } else {
        state = "other"
    }
    next
}
state == "sh" { if (blk == "") first = $0; blk = blk $0 "\n" }
END {
    if (found != 1) { print "README.md has " found + 0 " sh blocks starting with cc ... -lkafkaffi; expected 1" > "/dev/stderr"; exit 1 }
    printf "%s", block
}' "$src/README.md" >"$tmp/readme.sh" || die "no build block found in README.md"
echo "== README.md block"
cat "$tmp/readme.sh"
run_clean "$tmp/readme.sh" || die "the README.md block failed (above)"

# --- 2. examples-c ------------------------------------------------------------------------
for c in "$src"/examples-c/*.c; do
    name=$(basename "$c")
    lines=$(sed -n 's/^ \*   \(cc .*-lkafkaffi.*\)$/\1/p' "$c")
    [ -n "$lines" ] || die "$name has no build line (' *   cc ... -lkafkaffi') in its comment"
    [ "$(printf '%s\n' "$lines" | wc -l)" -eq 1 ] || die "$name has more than one build line"
    out=$(printf '%s\n' "$lines" | sed -n 's/.* -o \([^ ]*\).*/\1/p')
    [ -n "$out" ] || die "$name: its build line names no output (-o)"
    echo "== $name"
    printf '%s\n' "$lines" >"$tmp/example.sh"
    run_clean "$tmp/example.sh" || die "$name: its build line failed"
    deps=$(cd "$root" && env -u LD_LIBRARY_PATH ldd "./$out")
    echo "$deps" | grep -F libkafkaffi
    echo "$deps" | grep -q 'libkafkaffi\.so\.[0-9]* => /' \
        || die "$name: the loader does not find libkafkaffi for ./$out"
done

echo "ok: README.md's build block and every example's build line give programs that start"
