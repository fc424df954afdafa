#!/usr/bin/env bash
# Installs what tern needs to build and test on Debian 12 (bookworm), and
# nothing when it is all there already. Prints what it installs. As a user who
# is not root it installs nothing and prints the exact apt-get line to run.
#
# usage: scripts/deps.sh [build|check|fuzz|coverage|valgrind|bench]   (default: check)
set -euo pipefail

need=${1:-check}

build_pkgs=(gcc make cmake ninja-build pkg-config libssl-dev libgnutls28-dev)
# The test suite also drives real DTLS peers and builds the fuzz targets with
# clang's libFuzzer, and runs clang-format, clang-tidy and cppcheck; the
# network tests (tests/net/) need ip(8) for their namespaces and python3 to
# read the emulated link's trace.
check_pkgs=("${build_pkgs[@]}" openssl gnutls-bin clang libclang-rt-dev clang-format clang-tidy cppcheck
  iproute2 python3)

# make coverage also needs gcovr for the report.
coverage_pkgs=("${check_pkgs[@]}" gcovr)
# make bench makes the test PKI with the openssl command line and draws the
# report's plots with Debian's matplotlib (run by /usr/bin/python3).
bench_pkgs=("${build_pkgs[@]}" openssl python3 python3-matplotlib)

case "$need" in
  build) pkgs=("${build_pkgs[@]}") ;;
  check|fuzz) pkgs=("${check_pkgs[@]}") ;;
  coverage) pkgs=("${coverage_pkgs[@]}") ;;
  valgrind) pkgs=("${check_pkgs[@]}" valgrind) ;;
  bench) pkgs=("${bench_pkgs[@]}") ;;
  *) echo "usage: $0 [build|check|fuzz|coverage|valgrind|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "tern needs these Debian packages: ${missing[*]}" >&2
  echo "Run as root:  apt-get update && $line" >&2
  exit 1
fi

echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends "${missing[@]}"
