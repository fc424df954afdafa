#!/usr/bin/env bash
# Installs the built tree into a DESTDIR and builds tests/install/consumer.c
# against it twice: with pkg-config and with CMake's find_package. Both
# programs must run and pass tern's self test.
# usage: consumer_test.sh BUILD_DIR SOURCE_DIR   (env: CC, TERN_SAN_FLAGS)
set -euo pipefail
build=$1 src=$2
cc=${CC:-cc}
flags=${TERN_SAN_FLAGS:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=/usr/local
dest=$work/root

DESTDIR=$dest cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(dirname "$(find "$dest" -name 'tern.pc' -print -quit)")/..
libdir=$(cd "$libdir" && pwd)

echo "== pkg-config"
export PKG_CONFIG_PATH=$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest
# shellcheck disable=SC2086,SC2046
"$cc" $flags -o "$work/consumer-pc" "$src/consumer.c" $(pkg-config --cflags --libs tern)
LD_LIBRARY_PATH=$libdir "$work/consumer-pc"

echo "== find_package"
cmake -S "$src/consumer" -B "$work/cm" -G Ninja -DCMAKE_C_COMPILER="$cc" \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" \
  -DCMAKE_PREFIX_PATH="$dest$prefix" >/dev/null
cmake --build "$work/cm" >/dev/null
LD_LIBRARY_PATH=$libdir "$work/cm/consumer"
echo "consumer builds and runs with pkg-config and find_package"
