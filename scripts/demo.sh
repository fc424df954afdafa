#!/usr/bin/env bash
# The demonstration `make demo` runs: tern's self test (every primitive's
# known-answer result and a protected record round trip).
set -euo pipefail
build=$1
echo "== tern $("$build"/tern --version | cut -d' ' -f2): self test"
"$build"/tern selftest
