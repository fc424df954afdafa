#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions are called indirectly, through run_case
# interop/rpk-gnutls-client: GnuTLS's `gnutls-cli --udp` with raw public
# keys (RFC 7250) against `tern server --rpk --key ... --echo` over
# 127.0.0.1.
#
# Every session sends a unique line and expects it echoed back, and checks
# the suite both sides report, that the key gnutls-cli received (it prints
# it, --print-cert) is tern's, and that gnutls-cli's close_notify ends
# tern's session. gnutls-cli has no list of allowed server keys, hence
# --insecure. Cases:
#  - each ECDHE_ECDSA suite GnuTLS implements, tern with the P-256 key
#    rpk-ec, gnutls-cli allowing only that suite;
#  - tern with the Ed25519 key rpk-ed25519 (when GnuTLS has Ed25519);
#  - tern requiring a client key (--verify-client require --peer-key
#    rpk-ec.pub): gnutls-cli with a key that is not allowed is refused
#    ("raw public key is not in the allowed list"), tern keeps running and
#    then serves gnutls-cli with rpk-ec;
#  - the same allowing rpk-ed25519.pub, gnutls-cli with that key.
#
# usage: rpk-gnutls-client.sh /path/to/tern
# shellcheck source=cert-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/cert-lib.sh"

require gnutls-cli stdbuf openssl
GNUTLS_VERSION=$(timeout 10 gnutls-cli --version | sed -n '1s/^gnutls-cli /GnuTLS /p')

need_suite() {
  cert_suite_fields "$1"
  PRIO=$(gnutls_rpk_priority "$KX" "$CIPHER")
  gnutls_has "$CP" "$PRIO" || skip "$GNUTLS_VERSION does not implement $1 ($CP)"
}

need_ed25519() {
  gnutls_has_ed25519 || skip "$GNUTLS_VERSION does not sign with Ed25519"
}

# gnutls_cli NAME PORT LINE ARGS...: runs gnutls-cli as process NAME with
# LINE on stdin, for at most 5 s; its input ends once LINE has come back,
# and it then sends close_notify and exits after waiting 2 s for a
# close_notify in reply, which tern does not send (RFC 5246 section 7.2.1
# says it MUST). Sets RC.
gnutls_cli() {
  local name=$1 port=$2 line=$3
  shift 3
  spawn_fed "$name" 5 "$line" "$CASE_DIR/$name.out" "$line" \
    stdbuf -oL -eL gnutls-cli --udp --port "$port" 127.0.0.1 --insecure --print-cert "$@"
  finish "$name"
}

# expect_gnutls_cli NAME LINE SIG CIPHER SERVER_KEY: gnutls-cli exited 0,
# got LINE back, received SERVER_KEY.pub as the server's raw public key, and
# describes the session as DTLS 1.2 with a raw public key for the server,
# ECDHE, a SIG signature and CIPHER.
expect_gnutls_cli() {
  local got want
  got=$(printed_public_key "$CASE_DIR/$1.out")
  want=$(pem_body "$PKI/$5.pub")
  check "gnutls-cli exits 0 (status $RC)" test "$RC" -eq 0
  check "gnutls-cli got its line echoed" has "$CASE_DIR/$1.out" "$2"
  check "gnutls-cli received tern's raw public key $5.pub" test "$got" = "$want"
  check "gnutls-cli negotiated (DTLS1.2-*Raw Public Key)-(ECDHE-*)-($3*)-($4)" \
    has_re "$CASE_DIR/$1.out" \
    "^- Description: \(DTLS1\.2-(X\.509-)?Raw Public Key\)-\(ECDHE-[^)]*\)-\($3[^)]*\)-\($4\)$"
}

# One suite, tern with the P-256 key.
case_suite() {
  local suite=$1 line
  need_suite "$suite"
  line=$(unique_line "$CIPHER")
  start_tern_server --rpk --key "$PKI/rpk-ec.key" --echo
  gnutls_cli client "$PORT" "$line" --priority "$PRIO"
  expect_gnutls_cli client "$line" ECDSA "$CIPHER" rpk-ec
  expect_tern_cert_session "$suite" no
}

case_ed25519() {
  local suite=TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 line
  need_suite "$suite"
  need_ed25519
  line=$(unique_line ed25519)
  start_tern_server --rpk --key "$PKI/rpk-ed25519.key" --echo
  gnutls_cli client "$PORT" "$line" --priority "$PRIO"
  expect_gnutls_cli client "$line" EdDSA-Ed25519 "$CIPHER" rpk-ed25519
  expect_tern_cert_session "$suite" no
}

# tern requires a client key and allows only KEY.pub: a client with a key
# nobody allowed is refused, and the next one, with KEY, is served.
case_client_key() {
  local key=$1 suite=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 bad line
  need_suite "$suite"
  [[ $key == rpk-ed25519 ]] && need_ed25519
  bad=$(unique_line bad)
  line=$(unique_line good)
  new_p256_key other
  start_tern_server --rpk --key "$PKI/rpk-ec.key" --echo --verify-client require \
    --peer-key "$PKI/$key.pub"
  gnutls_cli bad "$PORT" "$bad" --priority "$PRIO" \
    --rawpkkeyfile "$CASE_DIR/other.key" --rawpkfile "$CASE_DIR/other.pub"
  check "gnutls-cli with a key tern does not allow fails (status $RC)" \
    test "$RC" -ne 0 -a "$RC" -ne 124 -a "$RC" -ne 137
  check "gnutls-cli with it got no data back" lacks "$CASE_DIR/bad.out" "$bad"
  check "gnutls-cli with it received tern's certificate_unknown alert (46)" \
    has "$CASE_DIR/bad.out" "*** Received alert [46]"
  expect_tern_refused "tern:   certificate 0: raw public key is not in the allowed list"
  gnutls_cli client "$PORT" "$line" --priority "$PRIO" \
    --rawpkkeyfile "$PKI/$key.key" --rawpkfile "$PKI/$key.pub"
  expect_gnutls_cli client "$line" ECDSA "$CIPHER" rpk-ec
  check "gnutls-cli sent its raw public key" \
    has "$CASE_DIR/client.out" "- Successfully sent 1 certificate(s) to server."
  # tern prints ", client certificate verified" only for X.509 chains.
  expect_tern_cert_session "$suite" no
}

echo "$TEST_NAME: $GNUTLS_VERSION gnutls-cli against $TERN server, raw public keys"
for suite in "${RPK_SUITES[@]}"; do
  run_case "p256-$suite" case_suite "$suite"
done
run_case ed25519-server-key case_ed25519
run_case client-key-p256-wrong-then-right case_client_key rpk-ec
run_case client-key-ed25519-wrong-then-right case_client_key rpk-ed25519
summary
