/**
 * Demo TLS certificate and key of the RouterOS simulator (api-ssl certificate mode).
 *
 * FOR THE SIMULATOR ONLY: the private key is public (it ships in this file), so the certificate
 * proves nothing. It is a self-signed EC P-256 certificate for CN=localhost with SAN IP:127.0.0.1 and
 * DNS:localhost, valid until 2051, generated once with:
 *
 *   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 9125 \
 *     -subj "/O=mikrotik-otel-agent simulator/CN=localhost" \
 *     -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
 *     -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,digitalSignature,keyCertSign"
 *
 * It lives in a .ts module because tsc does not copy .pem files into dist/. Clients that want verified
 * TLS against the simulator pass DEMO_CERTIFICATE_PEM as their CA and localhost or 127.0.0.1 as the name.
 */

/** PEM certificate (also usable as the CA that verifies it). */
export const DEMO_CERTIFICATE_PEM = `-----BEGIN CERTIFICATE-----
MIIB/DCCAaGgAwIBAgIUJIycUf8nwBXse9oi8B3n5J0WaA0wCgYIKoZIzj0EAwIw
PDEmMCQGA1UECgwdbWlrcm90aWstb3RlbC1hZ2VudCBzaW11bGF0b3IxEjAQBgNV
BAMMCWxvY2FsaG9zdDAgFw0yNjExMjIwMzIzMTVaGA8yMDUxMTExNjAzMjMxNVow
PDEmMCQGA1UECgwdbWlrcm90aWstb3RlbC1hZ2VudCBzaW11bGF0b3IxEjAQBgNV
BAMMCWxvY2FsaG9zdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABI3l6q47vss2
pzVWoyiOBgrCXA+HVSpV+vXx6CE0+0egAlAm+rlwt65en4F+SLpArqBcZZDA7bei
QvoeT98wzlujfzB9MB0GA1UdDgQWBBRdxOrRfsGZ/0PqvMCjKQtmsCFhLDAfBgNV
HSMEGDAWgBRdxOrRfsGZ/0PqvMCjKQtmsCFhLDAaBgNVHREEEzARhwR/AAABggls
b2NhbGhvc3QwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAoQwCgYIKoZI
zj0EAwIDSQAwRgIhAM8eoDt7UpAOOk2YxsQVi7vaO25QIcAczwjXKXJUA5dNAiEA
mnKgcMxrFNqG6q+yTuaUSQ0NeOj9t5COjGrpgaC8km0=
-----END CERTIFICATE-----
`;

/** PEM private key of DEMO_CERTIFICATE_PEM. Not a secret: it is published with the code. */
export const DEMO_PRIVATE_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgVUqpaVujHiEqh07/
lQvyWP9CpNuclNUhrihmzHMQXbWhRANCAASN5equO77LNqc1VqMojgYKwlwPh1Uq
Vfr18eghNPtHoAJQJvq5cLeuXp+Bfki6QK6gXGWQwO23okL6Hk/fMM5b
-----END PRIVATE KEY-----
`;
