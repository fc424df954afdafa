#!/usr/bin/env bash
# Static checks that make check runs through ctest.
# usage: lint.sh format|tidy|cppcheck SOURCE_DIR [BUILD_DIR]
set -euo pipefail
what=$1 src=$2 build=${3:-}
cd "$src"
case "$what" in
  format)
    # Every C file tern owns follows the committed .clang-format.
    git ls-files '*.c' '*.h' 2>/dev/null | grep -q . && files=$(git ls-files '*.c' '*.h') \
      || files=$(find include src tools tests fuzz bench -name '*.[ch]')
    # shellcheck disable=SC2086
    clang-format --dry-run -Werror $files
    echo "clang-format: $(echo "$files" | wc -w) files clean"
    ;;
  tidy)
    [ -f "$build/compile_commands.json" ] || { echo "no compile_commands.json in $build" >&2; exit 1; }
    files=$(find src -name '*.c' | sort)
    # shellcheck disable=SC2086
    clang-tidy -p "$build" --quiet $files 2>&1 | grep -v 'warnings generated' || true
    # Run again for the exit status (clang-tidy fails on any warning: WarningsAsErrors).
    # shellcheck disable=SC2086
    clang-tidy -p "$build" --quiet $files >/dev/null 2>&1
    echo "clang-tidy: $(echo "$files" | wc -w) files in src/ clean"
    ;;
  cppcheck)
    cppcheck --enable=warning,style,performance,portability --std=c11 --error-exitcode=1 \
      --inline-suppr --quiet -I include -I src src
    echo "cppcheck: src/ clean"
    ;;
  *)
    echo "usage: $0 format|tidy|cppcheck SOURCE_DIR [BUILD_DIR]" >&2
    exit 2
    ;;
esac
