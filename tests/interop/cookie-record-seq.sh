#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions are called indirectly, through run_case
# interop/cookie-record-seq: tern server's records around its cookie
# exchange, seen on the wire through udp_trace.py, with OpenSSL's s_client
# and GnuTLS's gnutls-cli (each when installed).
#
# RFC 6347 section 4.2.1: "In order to avoid sequence number duplication in
# case of multiple HelloVerifyRequests, the server MUST use the record
# sequence number in the ClientHello as the record sequence number in the
# HelloVerifyRequest." The records the server sends next must not reuse
# that number either: the client's replay window (section 4.1.2.6) already
# holds it, and OpenSSL and GnuTLS discard such a ServerHello as a replay,
# so the handshake then waits for the server's retransmission (1 s).
#
# Checks, per client: tern sends a HelloVerifyRequest; no two records tern
# sends share an (epoch, sequence number); the ServerHello goes out once
# (the client took the first flight); the session works (line echoed).
#
# usage: cookie-record-seq.sh /path/to/tern
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! have_python; then
  echo "SKIP: $PY is not installed; this test relays through tests/interop/udp_trace.py"
  exit 77
fi
if ! command -v openssl >/dev/null 2>&1 && ! command -v gnutls-cli >/dev/null 2>&1; then
  require openssl gnutls-cli
fi
require stdbuf

# expect_wire: the checks on trace.log described above.
expect_wire() {
  local rep hellos
  rep=$(trace_repeated_seq "S>C")
  hellos=$(awk '$2 == "S>C" { for (i = 4; i <= NF; i++) if ($i ~ /^H:2\//) {
      split(substr($i, 3), f, "/"); if (f[3] == 0) n++ } } END { print n + 0 }' \
    "$CASE_DIR/trace.log")
  check "tern sends a HelloVerifyRequest" trace_has_msg "S>C" 3
  check "tern never reuses an (epoch, record sequence number) (reused: ${rep:-none})" \
    test -z "$rep"
  check "tern sends its ServerHello once (sent $hellos times)" test "$hellos" -eq 1
}

case_openssl() {
  command -v openssl >/dev/null 2>&1 || skip "openssl is not installed"
  local line
  line=$(unique_line openssl)
  start_tern_server --psk "$PSK_ID:$PSK_KEY" --echo --ciphers TLS_PSK_WITH_AES_128_CCM_8
  start_trace "$PORT"
  spawn_fed client 10 "$line" "$CASE_DIR/client.out" "$line" \
    stdbuf -oL -eL openssl s_client -dtls1_2 -connect "127.0.0.1:$TRACE_PORT" \
    -psk_identity "$PSK_ID" -psk "$PSK_KEY" -cipher PSK-AES128-CCM8
  finish client
  check "s_client exits 0 (status $RC)" test "$RC" -eq 0
  check "s_client got its line echoed" has "$CASE_DIR/client.out" "$line"
  expect_tern_session TLS_PSK_WITH_AES_128_CCM_8
  expect_wire
}

case_gnutls() {
  command -v gnutls-cli >/dev/null 2>&1 || skip "gnutls-cli is not installed"
  local line
  line=$(unique_line gnutls)
  start_tern_server --psk "$PSK_ID:$PSK_KEY" --echo --ciphers TLS_PSK_WITH_AES_128_CCM_8
  start_trace "$PORT"
  spawn_fed client 10 "$line" "$CASE_DIR/client.out" "$line" \
    stdbuf -oL -eL gnutls-cli --udp --port "$TRACE_PORT" 127.0.0.1 \
    --pskusername "$PSK_ID" --pskkey "$PSK_KEY" --priority "$(gnutls_priority PSK AES-128-CCM-8)"
  finish client
  check "gnutls-cli exits 0 (status $RC)" test "$RC" -eq 0
  check "gnutls-cli got its line echoed" has "$CASE_DIR/client.out" "$line"
  expect_tern_session TLS_PSK_WITH_AES_128_CCM_8
  expect_wire
}

echo "$TEST_NAME: $TERN server's cookie exchange on the wire"
run_case openssl-s_client case_openssl
run_case gnutls-cli case_gnutls
summary
