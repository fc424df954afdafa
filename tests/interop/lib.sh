# shellcheck shell=bash
# shellcheck disable=SC2034 # variables set here are used by the scripts sourcing it
# Helpers shared by the interop tests (tests/interop/*.sh). Each test drives
# a real DTLS 1.2 peer from Debian's packages (OpenSSL's s_client/s_server,
# GnuTLS's gnutls-cli/gnutls-serv) against the tern CLI over 127.0.0.1:
#
#   bash tests/interop/<peer>-<role>.sh /path/to/tern
#
# Rules the helpers enforce: every process runs under `timeout`; every wait
# is a bounded loop; every process a case starts is killed when the case
# ends, and everything left when the script exits. Exit status: 0 when every
# case passed or was skipped with a printed reason, 1 when a case failed,
# 77 (ctest's SKIP_RETURN_CODE) when the peer's tools are not installed.
#
# TERN_INTEROP_KEEP=1 keeps the work directory (logs of every process).

set -euo pipefail
export LC_ALL=C

INTEROP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TEST_NAME=$(basename "$0" .sh)

if [[ $# -lt 1 || ! -x $1 ]]; then
  echo "usage: $0 /path/to/tern" >&2
  exit 2
fi
TERN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")

PSK_ID=client1
PSK_KEY=0102030405060708090a0b0c0d0e0f10
BAD_KEY=f0e0d0c0b0a090807060504030201000
# 128 bytes: the longest identity tern takes, and the length RFC 4279
# section 5.3 says every implementation MUST support.
LONG_ID=$(printf 'i%.0s' {1..128})
LONG_HINT=$(printf 'h%.0s' {1..128})

# The python used for free ports and the tracing relay: the system one, not
# whatever python3 is first on PATH.
PY=/usr/bin/python3

# tern's suites: IANA name, code point as `gnutls-cli --list` prints it,
# and GnuTLS's key exchange and cipher names for a priority string.
SUITES=(
  "TLS_PSK_WITH_AES_128_CCM_8 0xc0,0xa8 PSK AES-128-CCM-8"
  "TLS_PSK_WITH_AES_128_CCM 0xc0,0xa4 PSK AES-128-CCM"
  "TLS_PSK_WITH_AES_128_GCM_SHA256 0x00,0xa8 PSK AES-128-GCM"
  "TLS_PSK_WITH_AES_256_GCM_SHA384 0x00,0xa9 PSK AES-256-GCM"
  "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256 0xcc,0xac ECDHE-PSK CHACHA20-POLY1305"
  "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256 0xd0,0x01 ECDHE-PSK AES-128-GCM"
)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tern-interop-$TEST_NAME.XXXXXX")
N_PASS=0
N_FAIL=0
N_SKIP=0
FAILED_CASES=()
SCRIPT_START=$SECONDS
# No case starts after this many seconds, so that a run where every case
# hangs until its timeouts still ends, with its summary, before ctest's
# TIMEOUT (120 s). The certificate tests' 22 cases take about 52 s on an
# idle two-core machine, and more while the rest of the suite runs beside
# them.
BUDGET=${TERN_INTEROP_BUDGET:-100}

# Background processes of the current case: name -> pid.
declare -A PIDS=()
CASE_DIR=
CASE_PID=

# ---- processes ----------------------------------------------------------------

# stop_all: kills every process the current shell started (TERM, then
# waits; each is under `timeout`, so the wait is bounded).
stop_all() {
  if [[ -n $CASE_DIR ]]; then
    touch "$CASE_DIR/stop" 2>/dev/null || true
  fi
  local name
  for name in "${!PIDS[@]}"; do
    kill -TERM "${PIDS[$name]}" 2>/dev/null || true
  done
  for name in "${!PIDS[@]}"; do
    wait "${PIDS[$name]}" 2>/dev/null || true
  done
  PIDS=()
}

on_exit() {
  local rc=$?
  local d
  for d in "$WORK"/*/; do
    touch "$d/stop" 2>/dev/null || true
  done
  if [[ -n $CASE_PID ]]; then
    kill -TERM "$CASE_PID" 2>/dev/null || true
    wait "$CASE_PID" 2>/dev/null || true
  fi
  stop_all
  if [[ -n ${TERN_INTEROP_KEEP:-} ]]; then
    echo "logs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 143' TERM INT

# spawn NAME SECS INPUT CMD...: runs CMD in the background under
# `timeout SECS`, stdin from INPUT, stdout and stderr into
# $CASE_DIR/NAME.out and NAME.err.
spawn() {
  local name=$1 secs=$2 input=$3
  shift 3
  timeout -k 2 "$secs" "$@" <"$input" >"$CASE_DIR/$name.out" 2>"$CASE_DIR/$name.err" &
  PIDS[$name]=$!
}

# feeder FIFO LINE SECS PID [FILE TEXT [AFTER_FILE AFTER_TEXT]]: writes LINE
# into FIFO (once AFTER_FILE contains AFTER_TEXT, when given), then keeps it
# open (so the reader sees no end of input) until PID exits, FILE contains
# TEXT, the case stops, or SECS pass; then closes it.
feeder() {
  local fifo=$1 line=$2 secs=$3 pid=$4 file=${5:-} text=${6:-}
  local after_file=${7:-} after_text=${8:-} i
  local stop_file=$CASE_DIR/stop
  # Read-write: opening never blocks, even if the reader has gone.
  exec 3<>"$fifo"
  for ((i = 0; i < secs * 10; i++)); do
    [[ -z $after_file ]] && break
    [[ -e $stop_file ]] && break
    kill -0 "$pid" 2>/dev/null || break
    if [[ -f $after_file ]] && grep -qF -- "$after_text" "$after_file"; then
      break
    fi
    sleep 0.1
  done
  printf '%s\n' "$line" >&3 || true
  for ((i = 0; i < secs * 10; i++)); do
    [[ -e $stop_file ]] && break
    kill -0 "$pid" 2>/dev/null || break
    if [[ -n $file && -f $file ]] && grep -qF -- "$text" "$file"; then
      break
    fi
    sleep 0.1
  done
  exec 3>&-
}

# When set, the next spawn_fed writes its line only once FEED_AFTER_FILE
# contains FEED_AFTER_TEXT (and clears both).
FEED_AFTER_FILE=
FEED_AFTER_TEXT=

# spawn_fed NAME SECS LINE WAIT_FILE WAIT_TEXT CMD...: like spawn, with
# LINE on stdin, and stdin closed once WAIT_FILE contains WAIT_TEXT (or
# the process exits, or SECS pass). WAIT_FILE may be "" (hold until exit).
spawn_fed() {
  local name=$1 secs=$2 line=$3 file=$4 text=$5
  shift 5
  local fifo=$CASE_DIR/$name.in
  # Input ends 3 s before the timeout, to let the process finish by itself.
  local hold=$((secs > 6 ? secs - 3 : secs))
  mkfifo "$fifo"
  spawn "$name" "$secs" "$fifo" "$@"
  feeder "$fifo" "$line" "$hold" "${PIDS[$name]}" "$file" "$text" \
    "$FEED_AFTER_FILE" "$FEED_AFTER_TEXT" >/dev/null 2>&1 &
  PIDS[$name.feed]=$!
  FEED_AFTER_FILE=
  FEED_AFTER_TEXT=
}

# finish NAME: waits for process NAME (bounded by its timeout) and sets RC
# to its exit status (124 or 137 when `timeout` had to stop it).
finish() {
  RC=0
  # (2>/dev/null: bash's own "Segmentation fault" job report; RC says it.)
  { wait "${PIDS[$1]}" || RC=$?; } 2>/dev/null
  unset "PIDS[$1]"
}

# stop NAME: terminates process NAME if it still runs, and reaps it.
stop() {
  if [[ -n ${PIDS[$1]:-} ]]; then
    kill -TERM "${PIDS[$1]}" 2>/dev/null || true
    wait "${PIDS[$1]}" 2>/dev/null || true
    unset "PIDS[$1]"
  fi
}

# running NAME: whether process NAME is still alive.
running() {
  [[ -n ${PIDS[$1]:-} ]] && kill -0 "${PIDS[$1]}" 2>/dev/null
}

# wait_text FILE TEXT SECS: waits until FILE contains TEXT (fixed string;
# SECS 0: looks once).
wait_text() {
  local i
  for ((i = 0; i <= $3 * 10; i++)); do
    if [[ -f $1 ]] && grep -qF -- "$2" "$1"; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# wait_line FILE LINE SECS: waits until FILE has a line that is exactly LINE
# (SECS 0: looks once).
wait_line() {
  local i
  for ((i = 0; i <= $3 * 10; i++)); do
    if [[ -f $1 ]] && grep -qxF -- "$2" "$1"; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# now_ms: the wall clock in milliseconds.
now_ms() {
  local t=${EPOCHREALTIME/./}
  echo $((t / 1000))
}

# free_port: a UDP port free on 127.0.0.1 right now. Whoever binds it may
# still lose a race, so servers are started with start_server's retries.
free_port() {
  if [[ -x $PY ]]; then
    "$PY" -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
  else
    echo $((20000 + RANDOM % 40000))
  fi
}

# start_server NAME READY_TEXT LINE CMD...: starts a peer's server on a free
# port, substituting @PORT@ in CMD, and waits until its stdout or stderr
# shows READY_TEXT (with @PORT@ substituted too). LINE non-empty: fed on
# stdin, which stays open while the server runs. Retries with another port
# (five tries) if the server exits or does not get ready. Sets PORT.
start_server() {
  local name=$1 ready=$2 line=$3
  shift 3
  local try i arg port ready_now
  local -a cmd
  for ((try = 1; try <= 5; try++)); do
    port=$(free_port)
    cmd=()
    for arg in "$@"; do
      cmd+=("${arg//@PORT@/$port}")
    done
    ready_now=${ready//@PORT@/$port}
    if [[ -n $line ]]; then
      rm -f "$CASE_DIR/$name.in"
      spawn_fed "$name" 60 "$line" "" "" "${cmd[@]}"
    else
      spawn "$name" 60 /dev/null "${cmd[@]}"
    fi
    for ((i = 0; i < 50; i++)); do
      if grep -qF -- "$ready_now" "$CASE_DIR/$name.out" "$CASE_DIR/$name.err" 2>/dev/null; then
        PORT=$port
        return 0
      fi
      running "$name" || break
      sleep 0.1
    done
    echo "    ($name did not start on port $port, try $try of 5:" \
      "$(tail -n 2 "$CASE_DIR/$name.err" | tr '\n' ' '))"
    stop "$name"
    stop "$name.feed"
    mv "$CASE_DIR/$name.out" "$CASE_DIR/$name.out.try$try"
    mv "$CASE_DIR/$name.err" "$CASE_DIR/$name.err.try$try"
  done
  return 1
}

# start_tern_server OPTIONS...: `tern server --bind 127.0.0.1:0 OPTIONS`
# as process "tern"; sets PORT to the port it printed.
start_tern_server() {
  spawn tern 90 /dev/null "$TERN" server --bind 127.0.0.1:0 "$@"
  local i
  for ((i = 0; i < 100; i++)); do
    PORT=$(sed -n 's/^tern: listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' \
      "$CASE_DIR/tern.err" 2>/dev/null || true)
    [[ -n $PORT ]] && return 0
    running tern || break
    sleep 0.1
  done
  echo "    tern server did not start: $(cat "$CASE_DIR/tern.err")"
  return 1
}

# ---- the tracing relay ----------------------------------------------------------

have_python() {
  [[ -x $PY ]]
}

# start_trace TARGET_PORT: starts udp_trace.py towards 127.0.0.1:TARGET_PORT
# as process "trace", logging to $CASE_DIR/trace.log; sets TRACE_PORT.
start_trace() {
  spawn trace 60 /dev/null "$PY" "$INTEROP_DIR/udp_trace.py" "$1" "$CASE_DIR/trace.log" 55
  local i
  for ((i = 0; i < 50; i++)); do
    TRACE_PORT=$(sed -n 's/^port \([0-9][0-9]*\)$/\1/p' "$CASE_DIR/trace.out" 2>/dev/null || true)
    [[ -n $TRACE_PORT ]] && return 0
    running trace || break
    sleep 0.1
  done
  echo "    the relay did not start: $(cat "$CASE_DIR/trace.err")"
  return 1
}

# trace_fragments DIR: how many handshake fragments sent in direction DIR
# (C>S or S>C) carried only part of their message.
trace_fragments() {
  awk -v d="$1" '$2 == d { for (i = 4; i <= NF; i++) if ($i ~ /^H:/) {
      split(substr($i, 3), f, "/"); if (f[4] < f[2]) n++ } } END { print n + 0 }' \
    "$CASE_DIR/trace.log"
}

# trace_max DIR: the largest datagram sent in direction DIR.
trace_max() {
  awk -v d="$1" '$2 == d && $3 > m { m = $3 } END { print m + 0 }' "$CASE_DIR/trace.log"
}

# trace_has_msg DIR TYPE: whether a handshake message of TYPE went in DIR.
trace_has_msg() {
  awk -v d="$1" -v t="$2" '$2 == d { for (i = 4; i <= NF; i++) if ($i ~ /^H:/) {
      split(substr($i, 3), f, "/"); if (f[1] == t) n++ } } END { exit n > 0 ? 0 : 1 }' \
    "$CASE_DIR/trace.log"
}

# trace_repeated_seq DIR: the (epoch, sequence number) pairs that more than
# one record sent in direction DIR used, as "epoch/seq" words.
trace_repeated_seq() {
  awk -v d="$1" '$2 == d { for (i = 4; i <= NF; i++) if ($i ~ /^R:/) {
      split(substr($i, 3), f, "/"); k = f[2] "/" f[3]; if (seen[k]++ == 1) { printf "%s%s", sep, k; sep = " " } } }' \
    "$CASE_DIR/trace.log"
}

# ---- checks and cases -----------------------------------------------------------

# check DESCRIPTION CMD...: runs CMD; prints ok or FAIL; a failure marks
# the case failed but lets it go on, so that one run shows every problem.
check() {
  local what=$1
  shift
  if "$@"; then
    echo "    ok    $what"
  else
    echo "    FAIL  $what"
    touch "$CASE_DIR/failed"
  fi
}

# has FILE TEXT: FILE contains the fixed string TEXT.
has() {
  grep -qF -- "$2" "$1"
}

# has_line FILE LINE: FILE has a line that is exactly LINE.
has_line() {
  grep -qxF -- "$2" "$1"
}

lacks() {
  ! grep -qF -- "$2" "$1"
}

# not CMD...: CMD fails.
not() {
  ! "$@"
}

# skip REASON: ends the current case as skipped.
skip() {
  echo "    SKIP  $1"
  touch "$CASE_DIR/skipped"
  exit 0
}

# unique_line TAG: a line no other case or run sends.
unique_line() {
  echo "tern-interop-$TEST_NAME-$1-$$-$RANDOM$RANDOM"
}

# run_case NAME FUNCTION ARGS...: runs one case in a subshell with its own
# directory and processes (killed when it ends), prints its result, and on
# failure the tail of every log it wrote.
run_case() {
  local name=$1
  shift
  local n=$((N_PASS + N_FAIL + N_SKIP + 1))
  CASE_DIR=$WORK/$(printf '%02d' "$n")-$name
  mkdir -p "$CASE_DIR"
  echo "--- case $name"
  if [[ $((SECONDS - SCRIPT_START)) -ge $BUDGET ]]; then
    echo "  FAILED $name: not run, the test's $BUDGET s are spent (earlier cases hung)"
    N_FAIL=$((N_FAIL + 1))
    FAILED_CASES+=("$name")
    return 0
  fi
  local start rc
  start=$(now_ms)
  # In the background so that a signal to this script reaches the case too
  # (on_exit stops it, and its EXIT trap stops its processes).
  (
    PIDS=()
    trap stop_all EXIT
    trap 'exit 143' TERM INT
    "$@"
  ) &
  CASE_PID=$!
  rc=0
  wait "$CASE_PID" || rc=$?
  CASE_PID=
  local took=$((($(now_ms) - start) / 100))
  local secs="$((took / 10)).$((took % 10)) s"
  if [[ $rc -ne 0 || -e $CASE_DIR/failed ]]; then
    N_FAIL=$((N_FAIL + 1))
    FAILED_CASES+=("$name")
    [[ $rc -ne 0 ]] && echo "    FAIL  the case stopped early (status $rc)"
    echo "  FAILED $name ($secs); its logs:"
    local f
    for f in "$CASE_DIR"/*; do
      [[ -f $f && ! -p $f && ! $f =~ /(failed|stop)$ ]] || continue
      echo "    ==> $(basename "$f") <=="
      tail -n 25 "$f" | cut -c1-300 | sed 's/^/      /'
    done
  elif [[ -e $CASE_DIR/skipped ]]; then
    N_SKIP=$((N_SKIP + 1))
    echo "  skipped $name"
  else
    N_PASS=$((N_PASS + 1))
    echo "  passed $name ($secs)"
  fi
}

# summary: prints the totals and exits with the test's status.
summary() {
  echo
  echo "$TEST_NAME: $N_PASS passed, $N_FAIL failed, $N_SKIP skipped" \
    "in $((SECONDS - SCRIPT_START)) s"
  if [[ $N_FAIL -gt 0 ]]; then
    echo "failed: ${FAILED_CASES[*]}"
    exit 1
  fi
  exit 0
}

# require TOOL...: exits 77 (skipped) when a tool is missing.
require() {
  local t
  for t in "$@"; do
    if ! command -v "$t" >/dev/null 2>&1; then
      echo "SKIP: $t is not installed; this interop test needs it" \
        "(make check installs the peers: scripts/deps.sh, Debian packages openssl and gnutls-bin)"
      exit 77
    fi
  done
}

# ---- what the peers implement ----------------------------------------------------

declare -A OSSL_NAME=()

# openssl_suites: fills OSSL_NAME[IANA name] with OpenSSL's name for each
# suite this openssl implements for (D)TLS 1.2.
openssl_suites() {
  local iana dash name rest
  while read -r iana dash name rest; do
    [[ $dash == - ]] && OSSL_NAME[$iana]=$name
  done < <(timeout 10 openssl ciphers -stdname -s -psk -tls1_2 'ALL:PSK:@SECLEVEL=0')
}

# suite_fields IANA: sets CP, KX and CIPHER from SUITES for that suite.
suite_fields() {
  local row name
  for row in "${SUITES[@]}"; do
    read -r name CP KX CIPHER <<<"$row"
    [[ $name == "$1" ]] && return 0
  done
  echo "unknown suite $1" >&2
  return 1
}

# gnutls_priority KX CIPHER: a priority string allowing DTLS 1.2 with that
# one key exchange and cipher (several with "A B", "C D").
gnutls_priority() {
  local kx cipher p="NORMAL:-VERS-ALL:+VERS-DTLS1.2:-KX-ALL"
  for kx in $1; do p+=":+$kx"; done
  p+=":-CIPHER-ALL"
  for cipher in $2; do p+=":+$cipher"; done
  echo "$p:-MAC-ALL:+AEAD"
}

# gnutls_has CODEPOINT PRIORITY: whether GnuTLS offers the suite under it.
gnutls_has() {
  local cp=${1/,/, }
  timeout 10 gnutls-cli --list --priority "$2" 2>/dev/null | grep -qF -- "$cp"
}

# ---- what tern reports -----------------------------------------------------------

# short ID: an identity as the checks print it.
short() {
  if [[ ${#1} -gt 20 ]]; then
    echo "${1:0:8}...(${#1} bytes)"
  else
    echo "$1"
  fi
}

# expect_tern_session SUITE [ID [NOTE]]: the tern server (process "tern")
# reported a session with identity ID and SUITE (and NOTE after it, such
# as ", ALPN coap"), then the peer's close_notify, and still runs.
expect_tern_session() {
  local suite=$1 id=${2:-$PSK_ID} note=${3:-} secs=5
  # Waits only while things go well: a broken run must not pile up waits.
  [[ -e $CASE_DIR/failed ]] && secs=0
  check "tern server reports identity '$(short "$id")' and $suite$note" \
    wait_line "$CASE_DIR/tern.err" \
    "tern: session with PSK identity '$id', DTLS 1.2, $suite$note" "$secs"
  [[ -e $CASE_DIR/failed ]] && secs=0
  check "tern server ends the session on the peer's close_notify" \
    wait_line "$CASE_DIR/tern.err" "tern: session ended: peer sent close_notify" "$secs"
  check "tern server still runs" running tern
}

# expect_tern_client PORT SUITE [NOTE]: the tern client (process
# "client", RC from finish) exited 0 and reported SUITE (and NOTE after it,
# such as ", ALPN coap").
expect_tern_client() {
  check "tern client exits 0 (status $RC)" test "$RC" -eq 0
  check "tern client reports $2${3:-}" \
    has_line "$CASE_DIR/client.err" "tern: connected to 127.0.0.1:$1, DTLS 1.2, $2${3:-}"
}

# tern_client PORT LINE WAIT_TEXT OPTIONS...: runs `tern client` as process
# "client" with LINE on stdin, closing stdin once its output shows
# WAIT_TEXT (at most 7 s); sets RC.
tern_client() {
  local port=$1 line=$2 text=$3
  shift 3
  spawn_fed client 10 "$line" "$CASE_DIR/client.out" "$text" \
    "$TERN" client "127.0.0.1:$port" --timeout 5 "$@"
  finish client
}
