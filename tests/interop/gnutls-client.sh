#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions are called indirectly, through run_case
# interop/gnutls-client: GnuTLS's `gnutls-cli --udp` against
# `tern server --echo` over 127.0.0.1.
#
# Every case sends a unique line and expects it echoed back, and checks the
# suite both sides report and that gnutls-cli's close_notify ends tern's
# session. Cases: each PSK suite GnuTLS implements (cookie exchange on;
# gnutls-cli allowing only that suite, tern offering all); --no-cookie;
# tern choosing its one allowed suite from all of GnuTLS's; gnutls-cli at
# --mtu 100, so that its ClientHello and ClientKeyExchange (128-byte
# identity) go out in fragments, tern at --mtu 256 (checked on the wire
# through udp_trace.py); a wrong PSK, which must fail without stopping the
# server, then a right one on the same server.
#
# usage: gnutls-client.sh /path/to/tern
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require gnutls-cli gnutls-serv stdbuf
GNUTLS_VERSION=$(timeout 10 gnutls-cli --version | sed -n '1s/^gnutls-cli /GnuTLS /p')
ALL_PSK=$(gnutls_priority "PSK ECDHE-PSK" \
  "AES-128-CCM-8 AES-128-CCM AES-128-GCM AES-256-GCM CHACHA20-POLY1305")

# gnutls_cli NAME PORT LINE ID KEY PRIORITY ARGS...: runs gnutls-cli as
# process NAME with LINE on stdin; its input ends once LINE has come back
# (or after 7 s), and it then sends close_notify and exits. Sets RC.
gnutls_cli() {
  local name=$1 port=$2 line=$3 id=$4 key=$5 prio=$6
  shift 6
  spawn_fed "$name" 10 "$line" "$CASE_DIR/$name.out" "$line" \
    stdbuf -oL -eL gnutls-cli --udp --port "$port" 127.0.0.1 \
    --pskusername "$id" --pskkey "$key" --priority "$prio" "$@"
  finish "$name"
}

# expect_gnutls_cli NAME LINE KX CIPHER: gnutls-cli exited 0, got LINE back
# and describes the session as DTLS 1.2 with KX and CIPHER.
expect_gnutls_cli() {
  local desc
  case $3 in
    PSK) desc="(DTLS1.2-X.509)-(PSK)-($4)" ;;
    *) desc="-($4)" ;; # ECDHE-PSK: "(ECDHE-<curve>)-(<cipher>)"
  esac
  check "gnutls-cli exits 0 (status $RC)" test "$RC" -eq 0
  check "gnutls-cli got its line echoed" has "$CASE_DIR/$1.out" "$2"
  check "gnutls-cli negotiated $desc" has "$CASE_DIR/$1.out" "$desc"
}

# gnutls-cli 3.7 crashes (SIGSEGV in gnutls_psk_server_get_username(),
# which it calls to print the session) after every ECDHE-PSK handshake,
# whatever the server. Find out once, against gnutls-serv itself.
ecdhe_probe() {
  local verdict=$WORK/ecdhe-probe
  if [[ ! -f $verdict ]]; then
    local prio line
    prio=$(gnutls_priority ECDHE-PSK CHACHA20-POLY1305)
    line=$(unique_line probe)
    printf '%s:%s\n' "$PSK_ID" "$PSK_KEY" >"$CASE_DIR/probe.psk"
    start_server probe_server "IPv4 0.0.0.0 port @PORT@...done" "" \
      stdbuf -oL -eL gnutls-serv --udp -p @PORT@ --pskpasswd "$CASE_DIR/probe.psk" \
      --priority "$prio" --echo
    gnutls_cli probe "$PORT" "$line" "$PSK_ID" "$PSK_KEY" "$prio"
    stop probe_server
    echo "$RC" >"$verdict"
  fi
  local rc
  rc=$(cat "$verdict")
  if [[ $rc -ge 128 && $rc -ne 137 ]]; then
    skip "$GNUTLS_VERSION's gnutls-cli dies (signal $((rc - 128))) after an ECDHE-PSK handshake even against gnutls-serv (a gnutls-cli bug, not tern's)"
  fi
}

need_suite() {
  suite_fields "$1"
  PRIO=$(gnutls_priority "$KX" "$CIPHER")
  gnutls_has "$CP" "$PRIO" || skip "$GNUTLS_VERSION does not implement $1 ($CP)"
  if [[ $KX == ECDHE-PSK ]]; then
    ecdhe_probe
  fi
}

case_suite() {
  local suite=$1 line
  need_suite "$suite"
  line=$(unique_line "$CIPHER")
  start_tern_server --psk "$PSK_ID:$PSK_KEY" --echo
  gnutls_cli client "$PORT" "$line" "$PSK_ID" "$PSK_KEY" "$PRIO"
  expect_gnutls_cli client "$line" "$KX" "$CIPHER"
  expect_tern_session "$suite"
}

case_no_cookie() {
  local suite=TLS_PSK_WITH_AES_128_GCM_SHA256 line port
  need_suite "$suite"
  line=$(unique_line no-cookie)
  start_tern_server --psk "$PSK_ID:$PSK_KEY" --echo --no-cookie
  port=$PORT
  if have_python; then
    start_trace "$PORT"
    port=$TRACE_PORT
  fi
  gnutls_cli client "$port" "$line" "$PSK_ID" "$PSK_KEY" "$PRIO"
  expect_gnutls_cli client "$line" "$KX" "$CIPHER"
  expect_tern_session "$suite"
  if have_python; then
    check "no HelloVerifyRequest from tern with --no-cookie" not trace_has_msg "S>C" 3
  fi
}

# gnutls-cli offers all of its PSK suites; tern allows one and must pick it.
case_tern_picks() {
  local suite=TLS_PSK_WITH_AES_128_CCM line
  need_suite "$suite"
  line=$(unique_line picks)
  start_tern_server --psk "$PSK_ID:$PSK_KEY" --echo --ciphers "$suite"
  gnutls_cli client "$PORT" "$line" "$PSK_ID" "$PSK_KEY" "$ALL_PSK"
  expect_gnutls_cli client "$line" "$KX" "$CIPHER"
  expect_tern_session "$suite"
}

# gnutls-cli at --mtu 100 splits its ClientHello and, with a 128-byte
# identity, its ClientKeyExchange: tern reassembles both. tern's cookie gate
# answers only unfragmented ClientHellos (include/tern/cookie.h: it keeps
# no state, so it cannot reassemble), hence --no-cookie. tern runs at
# --mtu 256: its PSK handshake messages stay below that, so it has nothing
# to fragment, but every datagram it sends must fit.
case_fragments_mtu() {
  local suite=TLS_PSK_WITH_AES_128_CCM_8 line port
  need_suite "$suite"
  line=$(unique_line mtu)
  start_tern_server --psk "$LONG_ID:$PSK_KEY" --echo --no-cookie --mtu 256
  port=$PORT
  if have_python; then
    start_trace "$PORT"
    port=$TRACE_PORT
  else
    echo "    ($PY missing: fragmentation is not checked on the wire)"
  fi
  gnutls_cli client "$port" "$line" "$LONG_ID" "$PSK_KEY" "$PRIO" --mtu 100
  expect_gnutls_cli client "$line" "$KX" "$CIPHER"
  expect_tern_session "$suite" "$LONG_ID"
  if have_python; then
    local n max rep
    n=$(trace_fragments "C>S")
    max=$(trace_max "S>C")
    rep=$(trace_repeated_seq "S>C")
    check "gnutls-cli's handshake came in fragments ($n partial)" test "$n" -gt 0
    check "tern's datagrams fit --mtu 256 (largest $max)" test "$max" -le 256
    check "tern never reused a record sequence number (${rep:-none})" test -z "$rep"
  fi
}

# A wrong key: tern cannot decrypt gnutls-cli's Finished and drops it (RFC
# 6347 section 4.1.2.7), so gnutls-cli hears nothing and retransmits until
# it is stopped here after 6 s. The server must survive it and then serve
# a right key.
case_wrong_psk() {
  local suite=TLS_PSK_WITH_AES_128_CCM_8 bad line
  need_suite "$suite"
  bad=$(unique_line bad)
  line=$(unique_line good)
  start_tern_server --psk "$PSK_ID:$PSK_KEY" --echo
  spawn_fed bad 6 "$bad" "" "" \
    stdbuf -oL -eL gnutls-cli --udp --port "$PORT" 127.0.0.1 \
    --pskusername "$PSK_ID" --pskkey "$BAD_KEY" --priority "$PRIO"
  finish bad
  check "gnutls-cli with a wrong key fails (status $RC)" test "$RC" -ne 0
  check "gnutls-cli with a wrong key got no data back" lacks "$CASE_DIR/bad.out" "$bad"
  check "gnutls-cli with a wrong key did not complete the handshake" \
    lacks "$CASE_DIR/bad.out" "Handshake was completed"
  check "tern server reported no session" lacks "$CASE_DIR/tern.err" "tern: session with"
  check "tern server still runs" running tern
  gnutls_cli client "$PORT" "$line" "$PSK_ID" "$PSK_KEY" "$PRIO"
  expect_gnutls_cli client "$line" "$KX" "$CIPHER"
  expect_tern_session "$suite"
}

echo "$TEST_NAME: $GNUTLS_VERSION gnutls-cli against $TERN server"
for row in "${SUITES[@]}"; do
  read -r suite _ <<<"$row"
  run_case "$suite" case_suite "$suite"
done
run_case no-cookie case_no_cookie
run_case tern-picks-its-suite case_tern_picks
run_case fragments-mtu100 case_fragments_mtu
run_case wrong-psk-then-right-psk case_wrong_psk
summary
