# tern: the front door. Every target configures and builds with CMake + Ninja
# in build/<flavour>-<compiler>, so gcc and clang builds live side by side.
#
#   make            build (release with debug info)
#   make demo       install what is missing, build, run the demonstration
#   make check      install what is missing, build with ASan+UBSan, run ctest
#   make check CC=clang
#   make check-net  install what is missing, build, run only the network tests
#   make bench      run the benchmarks (release build), write bench/results/REPORT.md
#   make fuzz       run every libFuzzer target for FUZZ_SECONDS each
#   make coverage   line and branch coverage of src/ over the test suite (HTML report)
#   make valgrind   the in-process tests under valgrind's memcheck (no sanitizers)
#   make tsan       the multithreaded tests built with ThreadSanitizer
#   make install    install into PREFIX (DESTDIR respected)
#   make clean

CC ?= cc
PREFIX ?= /usr/local
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 10
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

cc_name := $(notdir $(firstword $(CC)))
REL := build/release-$(cc_name)
CHK := build/check-$(cc_name)
VAL := build/valgrind-$(cc_name)
TSN := build/tsan-$(cc_name)
FUZ := build/fuzz-clang

CMAKE_GEN := -G Ninja -DCMAKE_C_COMPILER=$(CC)

.PHONY: all build demo check check-net deps deps-check deps-bench bench fuzz fuzz-build coverage valgrind tsan install clean

all: build

deps:
	@scripts/deps.sh build

deps-check:
	@scripts/deps.sh check

deps-bench:
	@scripts/deps.sh bench

build: deps
	@cmake -S . -B $(REL) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	@cmake --build $(REL) -j $(JOBS)

demo: deps build
	@scripts/demo.sh $(REL)

# The fuzz targets need clang's libFuzzer; make check builds them once and
# ctest smoke-runs each for FUZZ_SMOKE_SECONDS.
fuzz-build: deps-check
	@cmake -S . -B $(FUZ) -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DTERN_FUZZ=ON -DTERN_SANITIZE=ON -DTERN_BUILD_TESTS=OFF -DTERN_BUILD_BENCH=OFF >/dev/null
	@cmake --build $(FUZ) -j $(JOBS)

check: deps-check fuzz-build
	@cmake -S . -B $(CHK) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DTERN_SANITIZE=ON \
	  -DTERN_FUZZ_DIR=$(CURDIR)/$(FUZ) -DTERN_FUZZ_SMOKE_SECONDS=$(FUZZ_SMOKE_SECONDS) >/dev/null
	@cmake --build $(CHK) -j $(JOBS)
	@cd $(CHK) && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory tsan

# The adverse-network tests alone (tests/net/, ctest label "net"): the
# check build's tern and link emulator, and the test PKI they use. They need
# root; elsewhere each is reported as skipped, with the reason.
check-net: deps-check
	@cmake -S . -B $(CHK) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DTERN_SANITIZE=ON >/dev/null
	@cmake --build $(CHK) -j $(JOBS) --target tern_cli linkem
	@cd $(CHK) && ctest --output-on-failure -j $(JOBS) -L net

# The in-process tests (unit, API misuse, allocation failures, adversarial,
# self test; ctest label "inproc") with each program run by valgrind's
# memcheck, in a build without sanitizers: an invalid access, a use of
# uninitialised memory or a leak fails the test (about 10 minutes).
VALGRIND_CMD := valgrind;--error-exitcode=99;--leak-check=full;--errors-for-leak-kinds=definite,indirect;--track-origins=yes;--quiet
valgrind:
	@scripts/deps.sh valgrind
	@cmake -S . -B $(VAL) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DTERN_SANITIZE=OFF \
	  "-DTERN_TEST_WRAPPER=$(VALGRIND_CMD)" >/dev/null
	@cmake --build $(VAL) -j $(JOBS)
	@cd $(VAL) && ctest --output-on-failure -j $(JOBS) -L inproc

# The tests that share configurations, gates and caches across threads
# (ctest label tsan), built with ThreadSanitizer: any data race fails them.
# libcrypto itself is not instrumented, so races inside it go unseen.
tsan: deps-check
	@cmake -S . -B $(TSN) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DTERN_SANITIZE=OFF -DTERN_TSAN=ON \
	  -DTERN_BUILD_BENCH=OFF >/dev/null
	@cmake --build $(TSN) -j $(JOBS) --target test_tsan_shared_config
	@cd $(TSN) && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	  ctest --output-on-failure -j $(JOBS) -L tsan

# Every benchmark, then bench/results/REPORT.md and its plots (a few minutes).
bench: deps-bench build
	@scripts/bench.sh $(REL) bench/results

# Every target for FUZZ_SECONDS, one after the other; a crash stops the run
# (the input is kept in build/fuzz-artifacts/<target>/). The summary of
# each target (executions, coverage, crashes) goes to build/fuzz-report.txt.
fuzz: fuzz-build
	@rm -f build/fuzz-report.txt
	@set -e; for f in $(FUZ)/fuzz/fuzz-*; do \
	  name=$${f##*/fuzz-}; echo "== $$name ($(FUZZ_SECONDS) s)"; \
	  TERN_FUZZ_ARTIFACTS=$(CURDIR)/build/fuzz-artifacts/$$name \
	  TERN_FUZZ_REPORT=$(CURDIR)/build/fuzz-report.txt \
	    fuzz/run.sh $$f fuzz/corpus/$$name $(FUZZ_SECONDS); \
	done
	@echo; echo "== every target ran $(FUZZ_SECONDS) s without a crash:"; cat build/fuzz-report.txt

# Coverage of src/ by the whole test suite, with gcc and gcovr.
coverage:
	@scripts/deps.sh coverage
	@scripts/coverage.sh build/coverage-gcc $(JOBS)

install: build
	@cmake --install $(REL) --prefix $(PREFIX)

clean:
	rm -rf build
