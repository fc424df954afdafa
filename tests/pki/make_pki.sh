#!/usr/bin/env bash
# Generates the test PKI with the openssl command line, at test time, into
# OUT_DIR (nothing generated is committed):
#   ca.pem/ca.key            test root CA (ECDSA P-256)
#   other-ca.pem             a second root that trusts nothing of ours
#   server-ec.pem/.key       ECDSA P-256 leaf for localhost and 127.0.0.1 (serverAuth)
#   server-rsa.pem/.key      RSA-2048 leaf for localhost and 127.0.0.1 (serverAuth)
#   client.pem/.key          ECDSA P-256 client leaf (clientAuth)
#   expired.pem/.key         server leaf whose validity ended in 2021
#   future.pem/.key          server leaf valid only from 2099
#   wronghost.pem/.key       server leaf for wrong.example only
#   untrusted.pem/.key       server leaf issued by other-ca
#   selfsigned.pem/.key      self-signed server certificate for localhost
#   clientonly.pem/.key      leaf with clientAuth only (wrong purpose for a server)
#   ed25519.pem/.key         Ed25519 server leaf
#   rpk-ec.pub/.key          P-256 key pair for raw public keys (SPKI PEM)
#   rpk-ed25519.pub/.key     Ed25519 key pair for raw public keys
# usage: make_pki.sh OUT_DIR
set -euo pipefail
out=$1
mkdir -p "$out"
cd "$out"
[ -f .done ] && exit 0

ossl() { openssl "$@" 2>/dev/null; }

cat > ca.cnf <<'CNF'
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = .
database = index.txt
new_certs_dir = newcerts
serial = serial
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[ any ]
commonName = supplied
[ v3_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ server ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
[ client ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:client.test
[ wronghost ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
CNF
mkdir -p newcerts
: > index.txt
echo 1000 > serial

ec_key() { ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }

# Roots.
ec_key ca.key
ossl req -new -x509 -key ca.key -subj "/CN=tern test CA" -days 3650 -config ca.cnf \
  -extensions v3_ca -out ca.pem
ec_key other-ca.key
ossl req -new -x509 -key other-ca.key -subj "/CN=tern other CA" -days 3650 -config ca.cnf \
  -extensions v3_ca -out other-ca.pem

# sign NAME SUBJECT EXTENSIONS [extra ca args...]: CA-signs NAME.key into NAME.pem.
sign() {
  local name=$1 subj=$2 ext=$3
  shift 3
  ossl req -new -key "$name.key" -subj "$subj" -out "$name.csr"
  ossl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -extensions "$ext" \
    -in "$name.csr" -out "$name.pem" -notext "$@"
}

ec_key server-ec.key
sign server-ec "/CN=localhost" server -days 825
ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out server-rsa.key
sign server-rsa "/CN=localhost" server -days 825
ec_key client.key
sign client "/CN=client.test" client -days 825
ec_key expired.key
sign expired "/CN=localhost" server -startdate 20200101000000Z -enddate 20210101000000Z
ec_key future.key
sign future "/CN=localhost" server -startdate 20990101000000Z -enddate 20991231000000Z
ec_key wronghost.key
sign wronghost "/CN=wrong.example" wronghost -days 825
ec_key clientonly.key
sign clientonly "/CN=localhost" client -days 825
ossl genpkey -algorithm ED25519 -out ed25519.key
sign ed25519 "/CN=localhost" server -days 825

# Issued by the other root.
ec_key untrusted.key
ossl req -new -key untrusted.key -subj "/CN=localhost" -out untrusted.csr
ossl ca -batch -config ca.cnf -cert other-ca.pem -keyfile other-ca.key -extensions server \
  -in untrusted.csr -out untrusted.pem -notext -days 825

# Self-signed.
ec_key selfsigned.key
ossl req -new -x509 -key selfsigned.key -subj "/CN=localhost" -days 825 -config ca.cnf \
  -extensions server -out selfsigned.pem

# Raw public keys (RFC 7250).
ec_key rpk-ec.key
ossl pkey -in rpk-ec.key -pubout -out rpk-ec.pub
ossl genpkey -algorithm ED25519 -out rpk-ed25519.key
ossl pkey -in rpk-ed25519.key -pubout -out rpk-ed25519.pub

touch .done
