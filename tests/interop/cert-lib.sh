# shellcheck shell=bash
# shellcheck disable=SC2034 # variables set here are used by the scripts sourcing it
# Helpers shared by the certificate and raw public key interop tests
# (tests/interop/cert-*.sh, rpk-*.sh), sourced after lib.sh.
#
# The test PKI comes from tests/pki/make_pki.sh: in ctest the pki fixture
# writes it and TERN_PKI_DIR names it; run by hand without TERN_PKI_DIR, the
# script generates its own into its work directory.

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# tern's certificate suites: IANA name, code point as `gnutls-cli --list`
# prints it, GnuTLS's key exchange and cipher names, and the server
# certificate of the PKI whose key the key exchange signs with.
CERT_SUITES=(
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 0xc0,0x2b ECDHE-ECDSA AES-128-GCM server-ec"
  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 0xc0,0x2c ECDHE-ECDSA AES-256-GCM server-ec"
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 0xcc,0xa9 ECDHE-ECDSA CHACHA20-POLY1305 server-ec"
  "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 0xc0,0xae ECDHE-ECDSA AES-128-CCM-8 server-ec"
  "TLS_ECDHE_ECDSA_WITH_AES_128_CCM 0xc0,0xac ECDHE-ECDSA AES-128-CCM server-ec"
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 0xc0,0x2f ECDHE-RSA AES-128-GCM server-rsa"
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 0xc0,0x30 ECDHE-RSA AES-256-GCM server-rsa"
  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 0xcc,0xa8 ECDHE-RSA CHACHA20-POLY1305 server-rsa"
)

# The certificates tern must refuse when it connects to 127.0.0.1 and
# checks the name localhost (--servername): name, the alert tern sends (RFC
# 5246 section 7.2.2; for a name mismatch, which has no alert of its own,
# certificate_unknown, as OpenSSL sends), and the reason it must print for
# the server's certificate (depth 0).
BAD_CERTS=(
  "expired 45 certificate has expired"
  "wronghost 46 certificate does not match the host name or address"
  "untrusted 48 issuer certificate is unknown"
  "selfsigned 48 certificate is self-signed and not trusted"
)

if [[ -n ${TERN_PKI_DIR:-} ]]; then
  PKI=$(cd "$TERN_PKI_DIR" 2>/dev/null && pwd) || PKI=
  if [[ -z $PKI || ! -f $PKI/.done ]]; then
    echo "TERN_PKI_DIR=$TERN_PKI_DIR holds no test PKI (the ctest fixture pki/setup writes it)" >&2
    exit 1
  fi
else
  require openssl
  PKI=$WORK/pki
  if ! timeout 60 bash "$INTEROP_DIR/../pki/make_pki.sh" "$PKI" >/dev/null 2>&1; then
    echo "cannot generate the test PKI with tests/pki/make_pki.sh" >&2
    exit 1
  fi
fi

# cert_suite_fields IANA: sets CP, KX, CIPHER and SRV (the PKI name of the
# server certificate to use) from CERT_SUITES for that suite.
cert_suite_fields() {
  local row name
  for row in "${CERT_SUITES[@]}"; do
    read -r name CP KX CIPHER SRV <<<"$row"
    [[ $name == "$1" ]] && return 0
  done
  echo "unknown suite $1" >&2
  return 1
}

# has_re FILE ERE: FILE has a line matching the extended regular expression.
has_re() {
  grep -qE -- "$2" "$1"
}

# expect_tern_cert_session SUITE yes|no: the tern server (process "tern")
# reported a certificate session with SUITE, with a verified client
# certificate or without one, then the peer's close_notify, and still runs.
expect_tern_cert_session() {
  local suite=$1 line="tern: session, DTLS 1.2, $1" secs=5
  [[ $2 == yes ]] && line+=", client certificate verified"
  [[ -e $CASE_DIR/failed ]] && secs=0
  check "tern server reports '${line#tern: }'" wait_line "$CASE_DIR/tern.err" "$line" "$secs"
  [[ -e $CASE_DIR/failed ]] && secs=0
  check "tern server ends the session on the peer's close_notify" \
    wait_line "$CASE_DIR/tern.err" "tern: session ended: peer sent close_notify" "$secs"
  check "tern server still runs" running tern
}

# expect_tern_refused REASON...: the tern server (process "tern") printed
# each REASON line (fixed text, e.g. "tern:   peer sent no certificate"),
# ended the session without establishing it, and still runs.
expect_tern_refused() {
  local reason secs=5
  for reason in "$@"; do
    [[ -e $CASE_DIR/failed ]] && secs=0
    check "tern server says '${reason#tern: }'" wait_line "$CASE_DIR/tern.err" "$reason" "$secs"
  done
  check "tern server ended that handshake" has "$CASE_DIR/tern.err" "tern: session ended: "
  check "tern server reported no session" lacks "$CASE_DIR/tern.err" "tern: session, "
  check "tern server still runs" running tern
}

# tern_client_refuses PORT REASON_LINE OPTIONS...: runs `tern client
# 127.0.0.1:PORT --timeout 4 OPTIONS` as process "client" with a line on
# stdin, and checks that it gives up on the peer's certificate: status not
# 0 and not from `timeout`, within its --timeout, "tern: handshake: ..."
# and REASON_LINE on stderr, no connection, no data.
tern_client_refuses() {
  local port=$1 reason=$2 start took line
  shift 2
  line=$(unique_line refused)
  start=$(now_ms)
  spawn_fed client 10 "$line" "" "" \
    "$TERN" client "127.0.0.1:$port" --timeout 4 "$@"
  finish client
  took=$(($(now_ms) - start))
  check "tern client fails (status $RC, not killed by timeout)" \
    test "$RC" -ne 0 -a "$RC" -ne 124 -a "$RC" -ne 137
  check "tern client gives up within --timeout 4 (took $took ms)" test "$took" -lt 4000
  check "tern client says why: $(grep -m1 '^tern: handshake: ' "$CASE_DIR/client.err" ||
    echo 'no "tern: handshake:" line')" grep -q '^tern: handshake: ' "$CASE_DIR/client.err"
  check "tern client prints '${reason#tern: }'" has_line "$CASE_DIR/client.err" "$reason"
  check "tern client reports no connection" lacks "$CASE_DIR/client.err" "tern: connected to"
  check "tern client printed no data" not test -s "$CASE_DIR/client.out"
}

# bad_cert NAME: sets BAD_ALERT and BAD_REASON (the line tern must print)
# for BAD_CERTS' NAME.
bad_cert() {
  local row name alert reason
  for row in "${BAD_CERTS[@]}"; do
    read -r name alert reason <<<"$row"
    if [[ $name == "$1" ]]; then
      BAD_ALERT=$alert
      BAD_REASON="tern:   certificate 0: $reason"
      return 0
    fi
  done
  echo "unknown certificate $1" >&2
  return 1
}

# ---- raw public keys (RFC 7250) ----------------------------------------------

# RPK_SUITES: the certificate suites a raw public key can sign for (P-256 or
# Ed25519 keys sign for ECDHE_ECDSA suites, RFC 8422 section 5.1).
RPK_SUITES=()
for row in "${CERT_SUITES[@]}"; do
  [[ $row == *" ECDHE-ECDSA "* ]] && RPK_SUITES+=("${row%% *}")
done
unset row

# gnutls_rpk_priority KX CIPHER: a priority string allowing DTLS 1.2 with
# that key exchange and cipher, and raw public keys on both sides.
gnutls_rpk_priority() {
  echo "$(gnutls_priority "$1" "$2"):+CTYPE-SRV-RAWPK:+CTYPE-CLI-RAWPK"
}

# gnutls_has_ed25519: whether this GnuTLS signs with Ed25519.
gnutls_has_ed25519() {
  timeout 10 gnutls-cli --list 2>/dev/null | grep -qF -- "SIGN-EdDSA-Ed25519"
}

# pem_body FILE: the base64 of the first PEM block in FILE, on one line.
pem_body() {
  awk '/^-----BEGIN / { on = 1; next } /^-----END / { if (on) exit } on { printf "%s", $0 }' "$1"
}

# printed_public_key FILE: the base64 of the first "PUBLIC KEY" PEM block
# that FILE (a peer's output) contains, on one line.
printed_public_key() {
  awk '/^-----BEGIN PUBLIC KEY-----$/ { on = 1; next } /^-----END PUBLIC KEY-----$/ { if (on) exit }
    on { printf "%s", $0 }' "$1"
}

# new_p256_key NAME: a fresh P-256 key pair in the case directory,
# NAME.key and NAME.pub (a raw public key nobody allowed).
new_p256_key() {
  timeout 20 openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$CASE_DIR/$1.key" 2>/dev/null &&
    timeout 20 openssl pkey -in "$CASE_DIR/$1.key" -pubout -out "$CASE_DIR/$1.pub" 2>/dev/null
}
