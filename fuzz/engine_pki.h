/* The fixed credentials of the certificate-mode whole-engine fuzz targets
 * (fuzz/server_cert.c, fuzz/client_cert.c) and their seed generator: an
 * Ed25519 CA, a server certificate for fuzz.tern.test and a client
 * certificate, valid for a hundred years. Ed25519 because its signatures
 * are deterministic (RFC 8032): with the targets' seeded randomness, a
 * recorded handshake then replays byte for byte. Made once with the
 * openssl command line (genpkey -algorithm ed25519; req -x509 for the CA;
 * x509 -req with serverAuth or clientAuth for the leaves); test keys,
 * public on purpose. */
#ifndef TERN_FUZZ_ENGINE_PKI_H
#define TERN_FUZZ_ENGINE_PKI_H

#define ENGINE_SERVER_NAME "fuzz.tern.test"

static const char engine_ca_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBVTCCAQegAwIBAgIUH/hJoQ4YoZfXQcDEI+jgI9rCVYwwBQYDK2VwMBcxFTAT\n"
    "BgNVBAMMDHRlcm4gZnV6eiBDQTAgFw0yNjEyMDQwNjAxMTJaGA8yMTI2MTExMDA2\n"
    "MDExMlowFzEVMBMGA1UEAwwMdGVybiBmdXp6IENBMCowBQYDK2VwAyEAiVp2bzm5\n"
    "2qbtCtga6UrpOnDimcsnWYJQ4LrQ5WaYfamjYzBhMB0GA1UdDgQWBBSDa90ywUJC\n"
    "4DsoRPWp3Uy848to+DAfBgNVHSMEGDAWgBSDa90ywUJC4DsoRPWp3Uy848to+DAP\n"
    "BgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwICBDAFBgMrZXADQQBr4y2Uxydy\n"
    "tpV4r0R3b7qOk/V3LPLoxPBQURxy7JNoeejHubngSCbXVeU4RBeMdIKF0+LH+Vm4\n"
    "J3CAGIXtNqEO\n"
    "-----END CERTIFICATE-----\n";

static const char engine_server_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBbzCCASGgAwIBAgIJAPTh5LvfrhEmMAUGAytlcDAXMRUwEwYDVQQDDAx0ZXJu\n"
    "IGZ1enogQ0EwIBcNMjYxMjA0MDYwMTEyWhgPMjEyNjExMTAwNjAxMTJaMBsxGTAX\n"
    "BgNVBAMMEHRlcm4gZnV6eiBzZXJ2ZXIwKjAFBgMrZXADIQCPxg5ewxA/+T1dKzlb\n"
    "PlK72AZGLtClMeEIMbTVou99A6OBgzCBgDAZBgNVHREEEjAQgg5mdXp6LnRlcm4u\n"
    "dGVzdDATBgNVHSUEDDAKBggrBgEFBQcDATAOBgNVHQ8BAf8EBAMCB4AwHQYDVR0O\n"
    "BBYEFPyjQ6hCR3GskAvS1O2WTmj4jFZhMB8GA1UdIwQYMBaAFINr3TLBQkLgOyhE\n"
    "9andTLzjy2j4MAUGAytlcANBABdqTnsP1Aa9tyKop2/BBnvqT0FfnIZJO9uFtTgK\n"
    "sH4d9g5UJkpRRRySyIC6XlSF3s1BBSDOt4LFIyLpOGQbpgQ=\n"
    "-----END CERTIFICATE-----\n";

static const char engine_server_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIA7PcdViX4WQGehUqtgAN91/8EvbYLIKXvvKqun6OavV\n"
    "-----END PRIVATE KEY-----\n";

static const char engine_client_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBUjCCAQSgAwIBAgIJAP0YdIu6TnBCMAUGAytlcDAXMRUwEwYDVQQDDAx0ZXJu\n"
    "IGZ1enogQ0EwIBcNMjYxMjA0MDYwMTEyWhgPMjEyNjExMTAwNjAxMTJaMBsxGTAX\n"
    "BgNVBAMMEHRlcm4gZnV6eiBjbGllbnQwKjAFBgMrZXADIQDZDBRwL/FWE0PpprIJ\n"
    "gwCboHgYsqGRLKv5sX4GaGEQ+6NnMGUwEwYDVR0lBAwwCgYIKwYBBQUHAwIwDgYD\n"
    "VR0PAQH/BAQDAgeAMB0GA1UdDgQWBBT6dmpXc44zDv8TagxEvgOsPYTC5jAfBgNV\n"
    "HSMEGDAWgBSDa90ywUJC4DsoRPWp3Uy848to+DAFBgMrZXADQQB0VBLYal3ralYy\n"
    "XLrr/vYlyW2iLnSQ4zcF/mNa1r8HgPV3IZEuusqN2/1rsEAszgN4flwEbuCxJgqo\n"
    "ta6XPt0K\n"
    "-----END CERTIFICATE-----\n";

static const char engine_client_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIIIpXcrr5ZZp9fkPtDgCRmmiSsttGWVwH9utnKRs3ajS\n"
    "-----END PRIVATE KEY-----\n";

#endif
