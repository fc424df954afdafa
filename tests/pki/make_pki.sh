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
#   rsa1024.pem/.key         RSA-1024 server leaf (too weak at security level 2)
#   sha1.pem/.key            server leaf whose signature uses SHA-1
#   ku-agree-ec.pem/.key     ECDSA server leaf with keyUsage keyAgreement only
#   ku-encipher-rsa.pem/.key RSA server leaf with keyUsage keyEncipherment only
#   client-ku-agree.pem/.key ECDSA client leaf with keyUsage keyAgreement only
#   cn-only.pem/.key         server leaf naming localhost in its subject CN only (no SAN)
#   partial-wildcard.pem/.key server leaf for f*.example.com
#   wildcard.pem/.key        server leaf for *.example.com
#   old-int1..8.pem          a line of 8 intermediate CAs under ca.pem, each issued by
#                            the one before, all expired in 2021
#   badsig-chain.pem/.key    localhost leaf issued by old-int8 whose signature is
#                            corrupt, then old-int8 .. old-int1
#   nc-chain.pem/.key        localhost leaf issued by nc-ca (name constraints: only
#                            allowed.example), then nc-ca (issued by old-int8), then
#                            old-int8 .. old-int1
# usage: make_pki.sh OUT_DIR
set -euo pipefail
out=$1
# .done holds the digest of the script that wrote the PKI: a build tree
# whose PKI an older version of this script made gets a new one.
stamp=$(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)
mkdir -p "$out"
cd "$out"
if [ -f .done ]; then
  [ "$(cat .done)" = "$stamp" ] && exit 0
  find . -mindepth 1 -delete
fi

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
[ v3_nc_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
nameConstraints = critical, permitted;DNS:allowed.example
[ ku_agree ]
basicConstraints = CA:false
keyUsage = critical, keyAgreement
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
[ ku_encipher ]
basicConstraints = CA:false
keyUsage = critical, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
[ client_ku_agree ]
basicConstraints = CA:false
keyUsage = critical, keyAgreement
extendedKeyUsage = clientAuth
subjectAltName = DNS:client.test
[ cn_only ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
[ partial_wildcard ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:f*.example.com
[ wildcard ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:*.example.com
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

# sign_by ISSUER NAME SUBJECT EXTENSIONS [extra ca args...]: ISSUER.pem/.key
# signs NAME.key into NAME.pem.
sign_by() {
  local issuer=$1 name=$2 subj=$3 ext=$4
  shift 4
  ossl req -new -key "$name.key" -subj "$subj" -out "$name.csr"
  ossl ca -batch -config ca.cnf -cert "$issuer.pem" -keyfile "$issuer.key" -extensions "$ext" \
    -in "$name.csr" -out "$name.pem" -notext "$@"
}

# sign NAME SUBJECT EXTENSIONS [extra ca args...]: CA-signs NAME.key into NAME.pem.
sign() {
  sign_by ca "$@"
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

# Weak keys and digests (RFC 8446 section 4.4.2.2 and libcrypto's security
# levels: level 2 asks for 112 bits, RSA-1024 gives 80, SHA-1 signatures 63).
ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa1024.key
sign rsa1024 "/CN=localhost" server -days 825
ec_key sha1.key
sign sha1 "/CN=localhost" server -days 825 -md sha1

# Key usages that do not allow signing (RFC 5280 section 4.2.1.3).
ec_key ku-agree-ec.key
sign ku-agree-ec "/CN=localhost" ku_agree -days 825
ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ku-encipher-rsa.key
sign ku-encipher-rsa "/CN=localhost" ku_encipher -days 825
ec_key client-ku-agree.key
sign client-ku-agree "/CN=client.test" client_ku_agree -days 825

# Names: the subject CN only, a partial wildcard, a whole-label wildcard.
ec_key cn-only.key
sign cn-only "/CN=localhost" cn_only -days 825
ec_key partial-wildcard.key
sign partial-wildcard "/CN=partial wildcard" partial_wildcard -days 825
ec_key wildcard.key
sign wildcard "/CN=wildcard" wildcard -days 825

# More problems than tern lists (8): a line of 8 expired intermediates, then
# a leaf whose signature is corrupt, or a leaf outside the name constraints
# of the CA that issued it. libcrypto reports every date before a leaf's
# signature or name constraints.
prev=ca
for i in 1 2 3 4 5 6 7 8; do
  ec_key "old-int$i.key"
  sign_by "$prev" "old-int$i" "/CN=tern old intermediate $i" v3_ca \
    -startdate 20200101000000Z -enddate 20210101000000Z
  prev=old-int$i
done
ints() { for i in 8 7 6 5 4 3 2 1; do cat "old-int$i.pem"; done; }
ec_key badsig-chain.key
ossl req -new -key badsig-chain.key -subj "/CN=localhost" -out badsig-leaf.csr
ossl ca -batch -config ca.cnf -cert old-int8.pem -keyfile old-int8.key -extensions server \
  -in badsig-leaf.csr -out badsig-leaf.pem -notext -days 825
# Flip the lowest bit of the last byte of the DER: it lies in the signature.
ossl x509 -in badsig-leaf.pem -outform DER -out badsig-leaf.der
size=$(stat -c %s badsig-leaf.der)
last=$(tail -c 1 badsig-leaf.der | od -An -tu1 | tr -d ' ')
{
  head -c $((size - 1)) badsig-leaf.der
  # shellcheck disable=SC2059 # the format is the octal escape of one byte
  printf "\\$(printf '%03o' $((last ^ 1)))"
} > badsig-leaf-corrupt.der
ossl x509 -inform DER -in badsig-leaf-corrupt.der -out badsig-chain.pem
ints >> badsig-chain.pem
ec_key nc-ca.key
sign_by old-int8 nc-ca "/CN=tern constrained CA" v3_nc_ca -days 825
ec_key nc-chain.key
ossl req -new -key nc-chain.key -subj "/CN=localhost" -out nc-leaf.csr
ossl ca -batch -config ca.cnf -cert nc-ca.pem -keyfile nc-ca.key -extensions server \
  -in nc-leaf.csr -out nc-leaf.pem -notext -days 825
cat nc-leaf.pem nc-ca.pem > nc-chain.pem
ints >> nc-chain.pem

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

echo "$stamp" > .done
