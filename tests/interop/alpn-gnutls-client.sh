#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions are called indirectly, through run_case
# interop/alpn-gnutls-client: ALPN (RFC 7301) between GnuTLS's
# `gnutls-cli --udp --alpn` and `tern server --echo --alpn` over 127.0.0.1.
#
# Cases: both sides with lists in opposite orders, where tern's (the
# server's) preference must win and both must report it; no protocol in
# common, where tern must refuse the handshake and gnutls-cli must receive
# the fatal alert no_application_protocol (120), and the server must go on
# serving; ALPN on one side only, where the handshake completes without a
# protocol. Every completed case sends a unique line and expects it echoed.
# A plain PSK suite throughout (gnutls-cli 3.7 crashes after ECDHE-PSK
# handshakes: gnutls-client.sh).
#
# usage: alpn-gnutls-client.sh /path/to/tern
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require gnutls-cli stdbuf
GNUTLS_VERSION=$(timeout 10 gnutls-cli --version | sed -n '1s/^gnutls-cli /GnuTLS /p')
SUITE=TLS_PSK_WITH_AES_128_CCM_8

need_suite() {
  suite_fields "$SUITE"
  PRIO=$(gnutls_priority "$KX" "$CIPHER")
  gnutls_has "$CP" "$PRIO" || skip "$GNUTLS_VERSION does not implement $SUITE ($CP)"
}

# gnutls_cli NAME LINE PROTOCOLS: gnutls-cli as process NAME through PORT
# with LINE on stdin, offering the comma-separated PROTOCOLS ("" none);
# its input ends once LINE has come back (or after 7 s). Sets RC.
gnutls_cli() {
  local name=$1 line=$2 p
  local -a alpn=()
  if [[ -n $3 ]]; then
    for p in ${3//,/ }; do
      alpn+=("--alpn=$p")
    done
  fi
  spawn_fed "$name" 10 "$line" "$CASE_DIR/$name.out" "$line" \
    stdbuf -oL -eL gnutls-cli --udp --port "$PORT" 127.0.0.1 \
    --pskusername "$PSK_ID" --pskkey "$PSK_KEY" --priority "$PRIO" "${alpn[@]}"
  finish "$name"
}

# session TERN_ALPN CLIENT_ALPN SEEN NOTE: one handshake with those lists
# ("" for none); gnutls-cli reports the protocol SEEN ("" for none) and
# tern NOTE after the suite.
session() {
  local tern_alpn=$1 client_alpn=$2 seen=$3 note=$4 line
  need_suite
  line=$(unique_line alpn)
  start_tern_server --psk "$PSK_ID:$PSK_KEY" --echo ${tern_alpn:+--alpn "$tern_alpn"}
  gnutls_cli client "$line" "$client_alpn"
  check "gnutls-cli exits 0 (status $RC)" test "$RC" -eq 0
  check "gnutls-cli got its line echoed" has "$CASE_DIR/client.out" "$line"
  if [[ -n $seen ]]; then
    check "gnutls-cli reports $seen" has_line "$CASE_DIR/client.out" "- Application protocol: $seen"
  else
    check "gnutls-cli reports no protocol" lacks "$CASE_DIR/client.out" "Application protocol"
  fi
  expect_tern_session "$SUITE" "$PSK_ID" "$note"
}

# RFC 7301 section 3.2: tern's preference, not the client's.
case_server_preference() {
  session coap,h2 h2,coap coap ", ALPN coap"
}

case_one_in_common() {
  session mqtt,coap x-unknown,coap,h2 coap ", ALPN coap"
}

case_only_tern() {
  session coap,h2 "" "" ", no ALPN protocol"
}

case_only_gnutls_cli() {
  session "" h2,coap "" ""
}

# RFC 7301 section 3.2: no protocol in common is a fatal
# no_application_protocol alert from the server.
case_no_overlap() {
  need_suite
  local line secs=5
  line=$(unique_line none)
  start_tern_server --psk "$PSK_ID:$PSK_KEY" --echo --alpn coap,h2
  gnutls_cli client "$line" http/1.1,spdy/3
  check "gnutls-cli fails (status $RC, not killed by timeout)" \
    test "$RC" -ne 0 -a "$RC" -ne 124 -a "$RC" -ne 137
  check "gnutls-cli received alert 120" has "$CASE_DIR/client.out" "Received alert [120]"
  check "gnutls-cli got no data back" lacks "$CASE_DIR/client.out" "$line"
  [[ -e $CASE_DIR/failed ]] && secs=0
  check "tern server reports no protocol in common" \
    wait_line "$CASE_DIR/tern.err" \
    "tern: session ended: no application protocol (ALPN) in common with the peer" "$secs"
  check "tern server reported no session" lacks "$CASE_DIR/tern.err" "tern: session with"
  check "tern server still runs" running tern
  line=$(unique_line after)
  gnutls_cli again "$line" h2
  check "the next gnutls-cli exits 0 (status $RC)" test "$RC" -eq 0
  check "the next gnutls-cli got its line echoed" has "$CASE_DIR/again.out" "$line"
  check "the next gnutls-cli reports h2" has_line "$CASE_DIR/again.out" "- Application protocol: h2"
  expect_tern_session "$SUITE" "$PSK_ID" ", ALPN h2"
}

echo "$TEST_NAME: $GNUTLS_VERSION gnutls-cli against $TERN server, ALPN"
run_case server-preference case_server_preference
run_case one-in-common case_one_in_common
run_case only-tern-server case_only_tern
run_case only-gnutls-cli case_only_gnutls_cli
run_case no-overlap-alert-120 case_no_overlap
summary
