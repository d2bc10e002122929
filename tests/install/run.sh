#!/bin/sh
# Install test (ctest `install`):
#   run.sh <build dir> <consumer source dir> <cmake> <generator> <cc> <pkg-config> <version> <soname>
# 1. `cmake --install <build dir> --prefix <tmp>/prefix` and checks the installed layout;
# 2. builds consumer/hello.c in <tmp> with `pkg-config --cflags --libs kafkaffi` and runs it;
# 3. links it with libkafkaffi.a using `pkg-config --static --libs kafkaffi`, once with only
#    kafkaffi static (-Wl,-Bstatic -lkafkaffi) and once fully static (-static), and runs both;
# 4. builds consumer/ as a CMake project with find_package(kafkaffi) (shared and static targets)
#    and runs both programs.
# Every program prints kf_version() and kf_librdkafka_version() and must exit 0.
# Set KAFKAFFI_KEEP_TMP=1 to keep <tmp>.
set -eu
build=$1 consumer=$2 cmake=$3 generator=$4 cc=$5 pkgconfig=$6 version=$7 soname=$8

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kafkaffi-install.XXXXXX")
if [ "${KAFKAFFI_KEEP_TMP:-}" = 1 ]; then echo "keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
prefix=$tmp/prefix

step() { echo; echo "== $*"; }
die() { echo "FAIL: $*"; exit 1; }
# The program must load libkafkaffi.so.<major> from the install prefix, not the build tree.
check_loads_from_prefix() {
    ldd "$1" | grep -F "$soname" || die "$1 does not need $soname"
    ldd "$1" | grep -F "$soname" | grep -qF "$prefix/" || die "$1 loads $soname from outside $prefix"
}
check_static() {
    if "${READELF:-readelf}" -d "$1" | grep -q 'libkafkaffi'; then
        die "$1 still needs a shared libkafkaffi"
    fi
}

step "cmake --install $build --prefix $prefix"
"$cmake" --install "$build" --prefix "$prefix"

pc=$(find "$prefix" -name kafkaffi.pc -path '*/pkgconfig/*')
[ -n "$pc" ] || die "no kafkaffi.pc installed"
libdir=$(dirname "$(dirname "$pc")")
[ -f "$prefix/include/kafkaffi.h" ] || die "missing $prefix/include/kafkaffi.h"
if [ ! -f "$libdir/libkafkaffi.so.$version" ] || [ -L "$libdir/libkafkaffi.so.$version" ]; then
    die "$libdir/libkafkaffi.so.$version is not a regular file"
fi
[ "$(readlink "$libdir/$soname")" = "libkafkaffi.so.$version" ] \
    || die "$libdir/$soname is not a symlink to libkafkaffi.so.$version"
[ "$(readlink "$libdir/libkafkaffi.so")" = "$soname" ] \
    || die "$libdir/libkafkaffi.so is not a symlink to $soname"
[ -f "$libdir/libkafkaffi.a" ] || die "missing $libdir/libkafkaffi.a"
[ -f "$libdir/cmake/kafkaffi/kafkaffiConfig.cmake" ] || die "missing kafkaffiConfig.cmake"
[ -f "$libdir/cmake/kafkaffi/kafkaffiConfigVersion.cmake" ] || die "missing kafkaffiConfigVersion.cmake"
"${READELF:-readelf}" -d "$libdir/libkafkaffi.so.$version" | grep -q "SONAME.*\[$soname\]" \
    || die "installed library has no soname $soname"
(cd "$prefix" && find . | sort)

# Everything below happens outside the source and build trees.
mkdir "$tmp/pc"
cp "$consumer/hello.c" "$tmp/pc/"
cd "$tmp/pc"
PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_PATH

step "pkg-config --modversion kafkaffi"
pcversion=$("$pkgconfig" --modversion kafkaffi)
echo "$pcversion"
[ "$pcversion" = "$version" ] || die "pkg-config says $pcversion, expected $version"
echo "cflags: $("$pkgconfig" --cflags kafkaffi)"
echo "libs: $("$pkgconfig" --libs kafkaffi)"
echo "static libs: $("$pkgconfig" --static --libs kafkaffi)"

step "shared, with pkg-config --cflags --libs"
# shellcheck disable=SC2046 # word splitting of pkg-config output is intended
"$cc" -Wall -Wextra -Werror hello.c -o hello $("$pkgconfig" --cflags --libs kafkaffi) \
    -Wl,-rpath,"$("$pkgconfig" --variable=libdir kafkaffi)"
check_loads_from_prefix ./hello
./hello "$version"

step "static, with pkg-config --static --libs (libkafkaffi.a chosen with -Wl,-Bstatic)"
# The shared library is installed next to the archive and a linker prefers it for -lkafkaffi,
# so -lkafkaffi is wrapped in -Bstatic/-Bdynamic; the rest is pkg-config's --static output.
static_libs=$("$pkgconfig" --static --libs kafkaffi | sed 's/-lkafkaffi\b/-Wl,-Bstatic -lkafkaffi -Wl,-Bdynamic/')
echo "$cc hello.c $("$pkgconfig" --cflags kafkaffi) $static_libs"
# shellcheck disable=SC2046,SC2086
"$cc" -Wall -Wextra -Werror hello.c -o hello_static $("$pkgconfig" --cflags kafkaffi) $static_libs
check_static ./hello_static
./hello_static "$version"

step "fully static (-static), with pkg-config --static --libs"
# glibc warns that getaddrinfo and dlopen in a static program need the same glibc at run time.
# shellcheck disable=SC2046
"$cc" -static -Wall -Wextra -Werror hello.c -o hello_full_static \
    $("$pkgconfig" --static --cflags --libs kafkaffi) 2>link.log || { cat link.log; die "static link failed"; }
grep -v -e 'statically linked applications requires at runtime' -e ': in function' link.log || true
"${READELF:-readelf}" -d hello_full_static | grep -q NEEDED && die "hello_full_static needs shared libraries"
./hello_full_static "$version"

step "CMake: find_package(kafkaffi) + kafkaffi::kafkaffi and kafkaffi::kafkaffi_static"
cp -R "$consumer" "$tmp/cmake-src"
# Only the install prefix is visible to find_package (no package registry, no build tree).
"$cmake" -S "$tmp/cmake-src" -B "$tmp/cmake-build" -G "$generator" \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
"$cmake" --build "$tmp/cmake-build"
[ "$(cat "$tmp/cmake-build/kafkaffi_version.txt")" = "$version" ] \
    || die "find_package reports kafkaffi_VERSION $(cat "$tmp/cmake-build/kafkaffi_version.txt")"
check_loads_from_prefix "$tmp/cmake-build/hello"
"$tmp/cmake-build/hello" "$version"
check_static "$tmp/cmake-build/hello_static"
"$tmp/cmake-build/hello_static" "$version"

step "find_package(kafkaffi 1.0) must be rejected (SameMajorVersion)"
mkdir "$tmp/cmake-v1"
cat >"$tmp/cmake-v1/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.16)
project(v1 LANGUAGES NONE)
find_package(kafkaffi 1.0 QUIET)
if(kafkaffi_FOUND)
  message(FATAL_ERROR "kafkaffi 1.0 accepted")
endif()
CMAKE
"$cmake" -S "$tmp/cmake-v1" -B "$tmp/cmake-v1/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null

echo
echo "ok: installed kafkaffi $version works through pkg-config (shared and static) and find_package"
