#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions are called indirectly, through run_case
# interop/rpk-gnutls-server: `tern client` with raw public keys (RFC 7250)
# against GnuTLS's `gnutls-serv --udp --echo --rawpkkeyfile` (which makes
# clients go through its cookie exchange, and listens on 0.0.0.0 and ::;
# tern connects over 127.0.0.1).
#
# Every session sends a unique line and expects it echoed back, checks that
# gnutls-serv received it, the suite tern reports, and that tern's
# close_notify ends gnutls-serv's session. tern accepts the server's key
# only when it is one of its --peer-key files. Cases:
#  - each ECDHE_ECDSA suite GnuTLS implements, gnutls-serv with the P-256
#    key rpk-ec and only that suite, tern offering all;
#  - gnutls-serv with the Ed25519 key rpk-ed25519 (when GnuTLS has Ed25519);
#  - tern allowing two keys (--peer-key twice), the server's the second;
#  - gnutls-serv requiring a client key, tern presenting its own raw public
#    key (--rpk --key), P-256 and Ed25519;
#  - a --peer-key that is not the server's: tern fails within its
#    --timeout with "raw public key is not in the allowed list", and
#    gnutls-serv's handshake ends on tern's fatal alert.
#
# usage: rpk-gnutls-server.sh /path/to/tern
# shellcheck source=cert-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/cert-lib.sh"

require gnutls-cli gnutls-serv stdbuf
GNUTLS_VERSION=$(timeout 10 gnutls-serv --version | sed -n '1s/^gnutls-serv /GnuTLS /p')

need_suite() {
  cert_suite_fields "$1"
  PRIO=$(gnutls_rpk_priority "$KX" "$CIPHER")
  gnutls_has "$CP" "$PRIO" || skip "$GNUTLS_VERSION does not implement $1 ($CP)"
}

need_ed25519() {
  gnutls_has_ed25519 || skip "$GNUTLS_VERSION does not sign with Ed25519"
}

# gnutls_serv KEY PRIORITY ARGS...: starts gnutls-serv as process "server"
# with the PKI's raw key pair KEY.key/KEY.pub; sets PORT.
gnutls_serv() {
  local key=$1 prio=$2
  shift 2
  start_server server "IPv4 0.0.0.0 port @PORT@...done" "" \
    stdbuf -oL -eL gnutls-serv --udp -p @PORT@ --echo --priority "$prio" \
    --rawpkkeyfile "$PKI/$key.key" --rawpkfile "$PKI/$key.pub" "$@"
}

# exchange PORT SUITE OPTIONS...: one tern client session; checks tern's
# view and gnutls-serv's.
exchange() {
  local port=$1 suite=$2 line
  shift 2
  line=$(unique_line "$suite")
  tern_client "$port" "$line" "$line" "$@"
  expect_tern_client "$port" "$suite"
  check "tern client got its line echoed" has_line "$CASE_DIR/client.out" "$line"
  check "gnutls-serv received tern's line" has "$CASE_DIR/server.out" "]: $line"
  local secs=5
  [[ -e $CASE_DIR/failed ]] && secs=0
  check "gnutls-serv ends the session on tern's close_notify" \
    wait_line "$CASE_DIR/server.out" "EOF" "$secs"
}

# One suite, gnutls-serv with the P-256 key.
case_suite() {
  local suite=$1
  need_suite "$suite"
  gnutls_serv rpk-ec "$PRIO"
  exchange "$PORT" "$suite" --peer-key "$PKI/rpk-ec.pub"
}

case_ed25519() {
  local suite=TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8
  need_suite "$suite"
  need_ed25519
  gnutls_serv rpk-ed25519 "$PRIO"
  exchange "$PORT" "$suite" --peer-key "$PKI/rpk-ed25519.pub"
}

# Two allowed keys: the server's is the second one.
case_two_peer_keys() {
  local suite=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
  need_suite "$suite"
  new_p256_key other
  gnutls_serv rpk-ec "$PRIO"
  exchange "$PORT" "$suite" --peer-key "$CASE_DIR/other.pub" --peer-key "$PKI/rpk-ec.pub"
}

# gnutls-serv requires a client key (it has no list of allowed keys, so it
# takes any: "Peer's certificate was NOT verified"); tern sends KEY's.
case_client_key() {
  local key=$1 suite=TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8
  need_suite "$suite"
  [[ $key == rpk-ed25519 ]] && need_ed25519
  gnutls_serv rpk-ec "$PRIO" --require-client-cert
  exchange "$PORT" "$suite" --peer-key "$PKI/rpk-ec.pub" --rpk --key "$PKI/$key.key"
  check "gnutls-serv got tern's raw public key" \
    has "$CASE_DIR/server.out" "- Peer's certificate was NOT verified."
}

# tern allows only a key the server does not have.
case_wrong_peer_key() {
  local suite=TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8
  need_suite "$suite"
  new_p256_key other
  gnutls_serv rpk-ec "$PRIO"
  tern_client_refuses "$PORT" "tern:   certificate 0: raw public key is not in the allowed list" \
    --peer-key "$CASE_DIR/other.pub"
  check "gnutls-serv's handshake ended on tern's fatal alert" \
    wait_text "$CASE_DIR/server.err" "Error in handshake(): A TLS fatal alert has been received." 2
}

echo "$TEST_NAME: $TERN client against $GNUTLS_VERSION gnutls-serv, raw public keys"
for suite in "${RPK_SUITES[@]}"; do
  run_case "p256-$suite" case_suite "$suite"
done
run_case ed25519-server-key case_ed25519
run_case second-of-two-peer-keys case_two_peer_keys
run_case tern-client-key-p256 case_client_key rpk-ec
run_case tern-client-key-ed25519 case_client_key rpk-ed25519
run_case wrong-peer-key case_wrong_peer_key
summary
