#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ for a bounded time and fails on the first crash.
#
#   scripts/fuzz.sh                 CI mode: 10 s per target, fixed seed (-seed=1)
#   scripts/fuzz.sh --long          10 min per target, random seed
#   scripts/fuzz.sh --time 60       60 s per target
#   scripts/fuzz.sh --seed 0        random seed (N > 0: that seed)
#   scripts/fuzz.sh [--time N] wire_avro headers     only these targets
#   scripts/fuzz.sh --build-only    only install the tools and build (scripts/test.sh runs
#                                   this in the background while its tests wait on brokers)
#
# Needs the nightly toolchain (rustup toolchain install nightly) and cargo-fuzz, which it
# installs when missing (cargo install cargo-fuzz --locked).
#
# The build: fuzz/ is a workspace of its own with its own target dir (fuzz/target), so the
# sanitizer flags never invalidate the shared release build in target/. Only the Rust code is
# instrumented (ASan + coverage): librdkafka and zstd are not rebuilt, their static archives
# come from the release build in target/ (built first if missing) through Cargo's build-script
# overrides for the `rdkafka` and `zstd` links keys, written to fuzz/.cargo/config.toml. That
# saves compiling librdkafka a second time (a cold fuzz build is ~2.5 min here), and a rebuild
# would not even work: cc-rs passes -fsanitize=address on to zstd, whose ASan objects then fail
# librdkafka's configure checks. ASan's allocator still sees every malloc/free of the C code.
#
# Corpus: the checked-in seeds in fuzz/corpus/<target>/ are read-only inputs; what the fuzzer
# learns goes to fuzz/target/corpus/<target>/ (kept between runs, never checked in). A crash
# leaves its input in fuzz/artifacts/<target>/; reproduce it with
#   cd fuzz && cargo +nightly fuzz run --fuzz-dir . <target> artifacts/<target>/<file>
# then fix it and add a test to tests/fuzz_regressions.rs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

seconds=10
# CI runs a fixed seed, so that a red run is reproducible and a run that passed once stays
# green: finding new inputs is the job of the long runs, which take a random seed.
seed=1
build_only=0
targets=()
while (($#)); do
  case "$1" in
    --long) seconds=600; seed=0 ;;
    --time) seconds="$2"; shift ;;
    --seed) seed="$2"; shift ;;
    --build-only) build_only=1 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
if ((${#targets[@]} == 0)); then
  mapfile -t targets < <(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^kafkaffi-fuzz$')
fi

command -v rustup >/dev/null || { echo "rustup is needed (nightly toolchain)" >&2; exit 1; }
rustup run nightly rustc --version >/dev/null 2>&1 || rustup toolchain install nightly --profile minimal
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "Installing cargo-fuzz ..."
  cargo install cargo-fuzz --locked
fi

start=$(date +%s)
# The C libraries from the release build (the same one `cargo test --release` and CMake use).
find_out() { # <crate> <file under out/>: the newest build's out dir holding it
  ls -t "$root"/target/release/build/"$1"-*/out/"$2" 2>/dev/null | head -n 1 | xargs -r dirname
}
rdkafka_dir="$(find_out rdkafka-sys src/librdkafka.a)"
zstd_dir="$(find_out zstd-sys libzstd.a)"
if [[ -z "$rdkafka_dir" || -z "$zstd_dir" ]]; then
  echo "Building the release library first (cargo build --release --lib) ..."
  cargo build --release --lib --locked
  rdkafka_dir="$(find_out rdkafka-sys src/librdkafka.a)"
  zstd_dir="$(find_out zstd-sys libzstd.a)"
fi
host="$(rustc -vV | sed -n 's/^host: //p')"
mkdir -p fuzz/.cargo
cat > fuzz/.cargo/config.toml.new <<EOF
# Written by scripts/fuzz.sh (not checked in): link the release build's librdkafka and zstd
# instead of building them again with sanitizer flags.
[target.$host.rdkafka]
rustc-link-search = ["native=$rdkafka_dir"]
rustc-link-lib = ["static=rdkafka"]
root = "$(dirname "$rdkafka_dir")"
[target.$host.zstd]
rustc-link-search = ["native=$zstd_dir"]
rustc-link-lib = ["static=zstd"]
root = "$zstd_dir"
EOF
# Rewrite only on change: cargo rebuilds everything when its config changes.
if cmp -s fuzz/.cargo/config.toml.new fuzz/.cargo/config.toml; then
  rm fuzz/.cargo/config.toml.new
else
  mv fuzz/.cargo/config.toml.new fuzz/.cargo/config.toml
fi

cd fuzz
echo "Building the fuzz targets (cargo +nightly fuzz build, fuzz/target) ..."
cargo +nightly fuzz build -O --fuzz-dir . 2>&1 | sed '/^ *Compiling /d' ||
  { echo "FAIL: the fuzz targets do not build" >&2; exit 1; }
build_end=$(date +%s)
if ((build_only)); then
  echo "fuzz targets built in $((build_end - start))s"
  exit 0
fi
bin="target/$host/release"
for t in "${targets[@]}"; do
  [[ -x "$bin/$t" ]] || { echo "FAIL: fuzz target $t was not built" >&2; exit 1; }
done

failed=()
summary=()
for t in "${targets[@]}"; do
  mkdir -p "target/corpus/$t" "artifacts/$t"
  log="target/$t.log"
  echo "=== $t: ${seconds}s"
  status=0
  # -rss_limit_mb: a single input must not need more than 2 GB; -timeout: nor 10 s.
  "$bin/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -seed="$seed" \
    -artifact_prefix="artifacts/$t/" "target/corpus/$t" "corpus/$t" >"$log" 2>&1 || status=$?
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
  # (A run that crashes while loading the corpus prints no coverage line.)
  cov="$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 || true)"
  if ((status != 0)); then
    echo "FAIL: $t (exit $status); the input is in fuzz/artifacts/$t/:" >&2
    grep -E 'ERROR|panicked|SUMMARY|Test unit written' "$log" | head -n 10 >&2
    failed+=("$t")
  fi
  summary+=("$(printf '%-24s %10s execs  %-10s %s' "$t" "${runs:-?}" "${cov:-}" \
    "$( ((status == 0)) && echo ok || echo CRASH)")")
done
end=$(date +%s)
echo
echo "fuzz summary (${seconds}s per target; build $((build_end - start))s, total $((end - start))s):"
printf '  %s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
