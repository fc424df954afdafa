# shellcheck shell=bash
# shellcheck disable=SC2034 # variables set here are used by run.sh
# Helpers for the adverse-network tests (tests/net/run.sh). Each test
# creates two network namespaces of its own, client side A and server side
# B, joined by linkem (tests/net/linkem.c), a link emulator over a TUN device
# in each: A is 10.201.0.1, B is 10.201.0.2, and every packet between them
# crosses linkem, which impairs it and writes a trace.
#
# Rules the helpers keep: the namespaces' names hold this script's PID and
# the case (so parallel runs never meet); every process runs under
# `timeout`; every wait is a bounded loop; a watchdog ends the script
# before ctest's TIMEOUT would; on any exit the processes are stopped and
# the namespaces deleted. Exit status: 0 passed, 1 failed, 77 skipped (with
# the reason printed: not root, no ip(8), no namespaces, no TUN, no python).
#
# TERN_NET_KEEP=1 keeps the work directory (logs and the link's trace);
# TERN_NET_SEED=N changes the link's seed (the cases' defaults are fixed,
# so that a run is reproducible).

set -euo pipefail
export LC_ALL=C

NET_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ $# -lt 3 || ! -x $2 || ! -x $3 ]]; then
  echo "usage: $0 CASE /path/to/tern /path/to/linkem" >&2
  exit 2
fi
CASE=$1
TERN=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
LINKEM=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
PY=/usr/bin/python3

PSK_ID=client1
PSK_KEY=0102030405060708090a0b0c0d0e0f10
PSK="$PSK_ID:$PSK_KEY"
ADDR_A=10.201.0.1
ADDR_B=10.201.0.2
PORT=4433
# The RFC 6347 section 4.2.4.1 timers tern uses by default (include/tern/config.h).
T0=1.0
TMAX=60

# The whole test ends (and cleans up) after BUDGET seconds, before ctest's
# TIMEOUT (120 s) could kill it without cleaning up.
BUDGET=${TERN_NET_BUDGET:-105}

NS_A=
NS_B=
WORK=
WATCHDOG=
declare -A PIDS=()
# Writing ends of the processes' input FIFOs: name -> file descriptor.
declare -A FEEDS=()
N_FAIL=0
N_OK=0
T_START=$SECONDS

skip() {
  echo "SKIP: net/$CASE: $*"
  exit 77
}

# ---- cleanup ------------------------------------------------------------------

stop_all() {
  local name i
  for name in "${!PIDS[@]}"; do
    kill -TERM "${PIDS[$name]}" 2>/dev/null || true
  done
  for ((i = 0; i < 30; i++)); do
    local alive=0
    for name in "${!PIDS[@]}"; do
      kill -0 "${PIDS[$name]}" 2>/dev/null && alive=1
    done
    [[ $alive -eq 0 ]] && break
    sleep 0.1
  done
  for name in "${!PIDS[@]}"; do
    if kill -0 "${PIDS[$name]}" 2>/dev/null; then
      echo "  ($name did not stop on SIGTERM; killed)"
      kill -KILL "${PIDS[$name]}" 2>/dev/null || true
    fi
    { wait "${PIDS[$name]}" || true; } 2>/dev/null
  done
  PIDS=()
}

on_exit() {
  local rc=$?
  trap - EXIT TERM INT
  close_feeds
  stop_all
  if [[ -n $WATCHDOG ]]; then
    kill -TERM "$WATCHDOG" 2>/dev/null || true
    wait "$WATCHDOG" 2>/dev/null || true
  fi
  local ns
  for ns in "$NS_A" "$NS_B"; do
    if [[ -n $ns ]]; then
      ip netns del "$ns" 2>/dev/null || true
    fi
  done
  if [[ -n $WORK ]]; then
    if [[ -n ${TERN_NET_KEEP:-} ]]; then
      echo "logs kept in $WORK"
    else
      rm -rf "$WORK"
    fi
  fi
  exit "$rc"
}

# ---- set-up -------------------------------------------------------------------

# preflight: skips (77) with the reason when this machine cannot run the
# test; otherwise creates the work directory and the two namespaces.
preflight() {
  [[ $(id -u) -eq 0 ]] ||
    skip "needs root to create network namespaces and TUN devices (run make check-net as root)"
  command -v ip >/dev/null 2>&1 || skip "needs ip(8) (Debian package iproute2)"
  command -v timeout >/dev/null 2>&1 || skip "needs timeout(1) (coreutils)"
  [[ -x $PY ]] || skip "needs $PY to read the link's trace (Debian package python3)"
  [[ -c /dev/net/tun ]] || skip "needs /dev/net/tun (a kernel with CONFIG_TUN)"
  trap on_exit EXIT
  trap 'exit 143' TERM INT
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/tern-net-$CASE.XXXXXX")
  reap_stale
  local err=$WORK/netns.err
  if ! ip netns add "tern-net-$$-$CASE-a" 2>"$err"; then
    skip "cannot create a network namespace: $(head -n 1 "$err")"
  fi
  NS_A=tern-net-$$-$CASE-a
  if ! ip netns add "tern-net-$$-$CASE-b" 2>"$err"; then
    skip "cannot create a network namespace: $(head -n 1 "$err")"
  fi
  NS_B=tern-net-$$-$CASE-b
  local ns
  for ns in "$NS_A" "$NS_B"; do
    ip -n "$ns" link set lo up
    # No IPv6 on the link: its neighbour discovery would only add noise to
    # the trace.
    ip netns exec "$ns" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6' \
      2>/dev/null || true
  done
  (
    trap 'kill -TERM "$nap" 2>/dev/null; exit 0' TERM
    sleep "$BUDGET" &
    nap=$!
    wait "$nap"
    echo "net/$CASE: the test's $BUDGET s are spent; stopping"
    kill -TERM $$
  ) </dev/null &
  WATCHDOG=$!
}

# reap_stale: deletes namespaces an earlier run of these tests left behind
# when it was killed (tern-net-PID-... whose PID no longer runs).
reap_stale() {
  local ns pid
  while read -r ns _; do
    [[ $ns =~ ^tern-net-([0-9]+)-[a-z0-9-]+-[ab]$ ]] || continue
    pid=${BASH_REMATCH[1]}
    if ! kill -0 "$pid" 2>/dev/null; then
      ip netns del "$ns" 2>/dev/null || true
    fi
  done < <(ip netns list 2>/dev/null | head -n 200)
}

# start_link ARGS...: starts linkem between the namespaces with ARGS
# (impairments) and the case's seed, writing $WORK/trace, then gives the
# devices their addresses. A machine where the TUN devices cannot be made
# skips the test.
start_link() {
  local i
  "$LINKEM" --ns-a "$NS_A" --ns-b "$NS_B" --trace "$WORK/trace" --seed "$SEED" \
    --duration "$BUDGET" "$@" >"$WORK/link.out" 2>"$WORK/link.err" </dev/null &
  PIDS[link]=$!
  for ((i = 0; i < 50; i++)); do
    grep -q '^linkem: ready' "$WORK/link.out" 2>/dev/null && break
    if ! kill -0 "${PIDS[link]}" 2>/dev/null; then
      local rc=0
      wait "${PIDS[link]}" 2>/dev/null || rc=$?
      unset "PIDS[link]"
      [[ $rc -eq 3 ]] && skip "cannot set up the emulated link: $(head -n 1 "$WORK/link.err")"
      echo "linkem failed (status $rc): $(cat "$WORK/link.err")"
      exit 1
    fi
    sleep 0.1
  done
  ip -n "$NS_A" addr add "$ADDR_A" peer "$ADDR_B" dev tn0
  ip -n "$NS_A" link set tn0 up
  ip -n "$NS_B" addr add "$ADDR_B" peer "$ADDR_A" dev tn0
  ip -n "$NS_B" link set tn0 up
  echo "  link: $* (seed $SEED)"
}

# ---- processes ----------------------------------------------------------------

# spawn NAME NS SECS INPUT CMD...: runs CMD in namespace NS under
# `timeout SECS`, in the background, stdout and stderr into $WORK/NAME.out
# and NAME.err, stdin from INPUT: a file, or "feed" for the FIFO that
# open_feed NAME made.
spawn() {
  local name=$1 ns=$2 secs=$3 input=$4
  shift 4
  local rfd=
  if [[ $input == feed ]]; then
    # Opened here, where a writer already holds the FIFO, so that opening
    # never blocks and the input cannot end before the reader has it.
    exec {rfd}<"$WORK/$name.in"
  fi
  (
    # The writing ends of the input FIFOs stay with this shell only, or a
    # reader would never see the end of its input.
    local fd
    for fd in "${FEEDS[@]}"; do
      exec {fd}>&-
    done
    if [[ -n $rfd ]]; then
      exec <&"$rfd" {rfd}<&-
    else
      exec <"$input"
    fi
    exec ip netns exec "$ns" timeout -k 2 "$secs" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  ) &
  PIDS[$name]=$!
  if [[ -n $rfd ]]; then
    exec {rfd}<&-
  fi
}

# running NAME: whether process NAME still runs.
running() {
  [[ -n ${PIDS[$1]:-} ]] && kill -0 "${PIDS[$1]}" 2>/dev/null
}

# finish NAME: waits for process NAME to exit (bounded by its timeout) and
# sets RC to its status (124 or 137: `timeout` stopped it).
finish() {
  RC=0
  { wait "${PIDS[$1]}" || RC=$?; } 2>/dev/null
  unset "PIDS[$1]"
}

# stop NAME: ends process NAME (SIGTERM) and reaps it.
stop() {
  if [[ -n ${PIDS[$1]:-} ]]; then
    kill -TERM "${PIDS[$1]}" 2>/dev/null || true
    wait "${PIDS[$1]}" 2>/dev/null || true
    unset "PIDS[$1]"
  fi
}

# wait_text FILE TEXT SECS: waits until FILE contains the fixed string TEXT.
wait_text() {
  local i
  for ((i = 0; i <= $3 * 20; i++)); do
    if [[ -f $1 ]] && grep -qF -- "$2" "$1"; then
      return 0
    fi
    sleep 0.05
  done
  return 1
}

# wait_lines FILE N SECS: waits until FILE has N lines or more.
wait_lines() {
  local i
  for ((i = 0; i <= $3 * 20; i++)); do
    if [[ -f $1 && $(wc -l <"$1") -ge $2 ]]; then
      return 0
    fi
    sleep 0.05
  done
  return 1
}

# open_feed NAME: $WORK/NAME.in, a FIFO for process NAME's standard input,
# held open for writing (feed NAME LINE writes a line, close_feed NAME ends
# the input). Opened read-write, so that opening never blocks.
open_feed() {
  local fd
  mkfifo "$WORK/$1.in"
  exec {fd}<>"$WORK/$1.in"
  FEEDS[$1]=$fd
}

feed() {
  printf '%s\n' "$2" >&"${FEEDS[$1]}"
}

close_feed() {
  if [[ -n ${FEEDS[$1]:-} ]]; then
    local fd=${FEEDS[$1]}
    exec {fd}>&-
    unset "FEEDS[$1]"
  fi
}

close_feeds() {
  local name
  for name in "${!FEEDS[@]}"; do
    close_feed "$name"
  done
}

# start_tern_server ARGS...: `tern server --echo` on B's address as process
# "server", waiting until it listens.
start_tern_server() {
  spawn server "$NS_B" 100 /dev/null "$TERN" server --bind "$ADDR_B:$PORT" --echo "$@"
  if ! wait_text "$WORK/server.err" "tern: listening on $ADDR_B:$PORT" 5; then
    echo "tern server did not start: $(cat "$WORK/server.err")"
    exit 1
  fi
}

# start_tern_client SECS ARGS...: `tern client` from A to the server as
# process "client", its input from a FIFO (feed, close_feed), at most SECS.
start_tern_client() {
  local secs=$1
  shift
  open_feed client
  spawn client "$NS_A" "$secs" feed "$TERN" client "$ADDR_B:$PORT" "$@"
}

# ---- checks ---------------------------------------------------------------------

say() {
  echo "  $*"
}

# check DESCRIPTION CMD...: runs CMD; prints ok or FAIL; a failure marks the
# test failed and lets it go on, so that one run shows every problem.
check() {
  local what=$1
  shift
  if "$@"; then
    echo "  ok    $what"
    N_OK=$((N_OK + 1))
  else
    echo "  FAIL  $what"
    N_FAIL=$((N_FAIL + 1))
  fi
}

has() {
  [[ -f $1 ]] && grep -qF -- "$2" "$1"
}

lacks() {
  ! has "$1" "$2"
}

not() {
  ! "$@"
}

# le A B, ge A B, eq A B: integer comparisons for check.
le() { [[ $1 -le $2 ]]; }
ge() { [[ $1 -ge $2 ]]; }
eq() { [[ $1 -eq $2 ]]; }

# ms_of LINE_TEXT FILE: the handshake time tern client printed, in ms.
client_hs_ms() {
  sed -n 's/^tern: handshake done in \([0-9]*\)\.\([0-9]*\) s,.*/\1\2/p' "$WORK/client.err" |
    head -n 1 | sed 's/^0*//; s/^$/0/'
}

# unique_lines N TAG: N lines no other run sends, into LINES.
unique_lines() {
  local i
  LINES=()
  for ((i = 1; i <= $1; i++)); do
    LINES+=("tern-net-$CASE-$2-$i-$$-$RANDOM")
  done
}

# echoed_exactly_once FILE LINES...: every line of FILE is one of LINES, and
# none comes twice. Sets GOT (lines in FILE).
check_echoes() {
  local file=$1
  shift
  local -A want=()
  local -A seen=()
  local line bad=0 twice=0
  for line in "$@"; do
    want[$line]=1
  done
  GOT=0
  while IFS= read -r line; do
    GOT=$((GOT + 1))
    if [[ -z ${want[$line]:-} ]]; then
      bad=$((bad + 1))
    elif [[ -n ${seen[$line]:-} ]]; then
      twice=$((twice + 1))
    fi
    seen[$line]=1
  done <"$file"
  check "every line the client printed is one it sent, unaltered ($bad not)" eq "$bad" 0
  check "no line came back twice ($twice did)" eq "$twice" 0
}

# analyse ARGS...: reads the link's trace (trace_check.py, which see) once
# linkem has stopped, prints its report and loads its facts (C_*, S_*,
# HS_*, DROP_*) as variables.
analyse() {
  stop link
  "$PY" "$NET_DIR/trace_check.py" "$WORK/trace" --facts "$WORK/facts" --t0 "$T0" --tmax "$TMAX" "$@"
  local key value
  while IFS='=' read -r key value; do
    [[ $key =~ ^[A-Z0-9_]+$ && $value =~ ^-?[0-9]+$ ]] && printf -v "$key" '%s' "$value"
  done <"$WORK/facts"
  sed -n 's/^ab /  link, client to server: /p; s/^ba /  link, server to client: /p' "$WORK/link.out"
}

# storm_checks SIDES: the retransmission checks on the tern sides among
# "c s": every timer retransmission no sooner than its timer, no flight
# retransmitted on its timer more often than tern's limit (6), every
# answer to the peer prompted by a whole repeated flight.
storm_checks() {
  local side name
  for side in $1; do
    case $side in
      c) name=client ;;
      s) name=server ;;
    esac
    local u=${side^^}
    local early=${u}_EARLY max=${u}_MAX_TIMER_PER_FLIGHT sent=${u}_HS_SENT first=${u}_HS_FIRST
    local timer=${u}_TIMER answers=${u}_ANSWERS unprompted=${u}_UNPROMPTED
    check "tern $name: no retransmission sooner than the RFC 6347 timer (early: ${!early}; sent ${!sent} for a minimum of ${!first}: ${!timer} on its timer, ${!answers} answering)" \
      eq "${!early}" 0
    check "tern $name: at most 6 timer retransmissions of one flight (most: ${!max})" le "${!max}" 6
    check "tern $name: every resend answering the peer answers a whole repeated flight, not one of its datagrams (${!unprompted} of ${!answers} did not)" \
      eq "${!unprompted}" 0
  done
}

# finish_test: prints the result and exits with the test's status.
finish_test() {
  echo
  if [[ $N_FAIL -gt 0 ]]; then
    echo "net/$CASE: FAILED ($N_FAIL of $((N_OK + N_FAIL)) checks) in $((SECONDS - T_START)) s"
    local f
    for f in "$WORK"/*.err "$WORK"/*.out; do
      [[ -s $f ]] || continue
      echo "==> $(basename "$f") <=="
      tail -n 15 "$f" | cut -c1-300
    done
    exit 1
  fi
  echo "net/$CASE: passed ($N_OK checks) in $((SECONDS - T_START)) s"
  exit 0
}
