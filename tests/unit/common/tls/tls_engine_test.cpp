// tls::Engine: a server and a client engine wired to each other in memory
// (no sockets): the handshake, data both ways, close_notify, and a client
// that verifies against the wrong CA. The certificates are self-signed EC
// P-256, made with `openssl req -x509 -days 36500` (valid until 2126).
#include <catch2/catch.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include <string>

#include "common/tls/tls_engine.h"

using namespace emqx::tls;

namespace {

// Self-signed, subjectAltName DNS:engine-test.
constexpr const char* kServerPem = R"(-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUakoU38SJ4Yo0xb0xxrlDQeUPzigwCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLZW5naW5lLXRlc3QwIBcNMjYxMTI1MTQ1NzQ5WhgPMjEyNjEx
MDExNDU3NDlaMBYxFDASBgNVBAMMC2VuZ2luZS10ZXN0MFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAEMLDuVXIkA0OhW/pXfoB8Ip394mowWo2o9UkAdmnJMTtRPqQm
K+YdVem999r/DHSNhpO5/BTn/Y7FLeInKSI0saNrMGkwHQYDVR0OBBYEFFfZRBLf
Qn0nj7ih8mJ+NH468qiSMB8GA1UdIwQYMBaAFFfZRBLfQn0nj7ih8mJ+NH468qiS
MA8GA1UdEwEB/wQFMAMBAf8wFgYDVR0RBA8wDYILZW5naW5lLXRlc3QwCgYIKoZI
zj0EAwIDSQAwRgIhAMK5qIW8tpfI3WVJsm5rwt9WYctIDvtGRKziEfGJ5cpuAiEA
4wGZiafVUbVEunFEJClBGcISfHLN9fGNMS3DnTVPtTI=
-----END CERTIFICATE-----
)";
constexpr const char* kServerKey = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgj334LGPap3Sn0e4Z
hmGnBNjwNgr5x+rLXBgM+o8n0dahRANCAAQwsO5VciQDQ6Fb+ld+gHwinf3iajBa
jaj1SQB2ackxO1E+pCYr5h1V6b332v8MdI2Gk7n8FOf9jsUt4icpIjSx
-----END PRIVATE KEY-----
)";
// Another self-signed certificate: the wrong CA for the server's.
constexpr const char* kOtherPem = R"(-----BEGIN CERTIFICATE-----
MIIBdzCCAR2gAwIBAgIUTfd1UcTyeD914Dc7dNJZR/EzTl0wCgYIKoZIzj0EAwIw
EDEOMAwGA1UEAwwFb3RoZXIwIBcNMjYxMTI1MTQ1NzQ5WhgPMjEyNjExMDExNDU3
NDlaMBAxDjAMBgNVBAMMBW90aGVyMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
VmzDx29qUEM+xdMf0vF/bqBBP7A/2I0Jdx7loIgycJN7GORe3lCvB6+83/nKPOPU
JmeoqPaZyXUQuoPhvHvLdqNTMFEwHQYDVR0OBBYEFKQaV4Wc+uNQYOEEXTpuVq4j
CozqMB8GA1UdIwQYMBaAFKQaV4Wc+uNQYOEEXTpuVq4jCozqMA8GA1UdEwEB/wQF
MAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgK4GYi17+pb2rDLuMPPtmOdCblnwHmmlS
GWdb84oSQiICIQD1cVx21p/XeWxslYwEBSb0ba/bEeUjcsBXxuFHv1YhsA==
-----END CERTIFICATE-----
)";

X509* loadCert(const char* pem) {
    BIO* b = BIO_new_mem_buf(pem, -1);
    X509* x = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
    BIO_free(b);
    return x;
}

SSL_CTX* serverCtx() {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    X509* cert = loadCert(kServerPem);
    BIO* b = BIO_new_mem_buf(kServerKey, -1);
    EVP_PKEY* key = PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr);
    BIO_free(b);
    REQUIRE(SSL_CTX_use_certificate(ctx, cert) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey(ctx, key) == 1);
    X509_free(cert);
    EVP_PKEY_free(key);
    return ctx;
}

// A client that verifies the server against `ca_pem` and expects the name engine-test.
SSL_CTX* clientCtx(const char* ca_pem) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    X509* ca = loadCert(ca_pem);
    X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), ca);
    X509_free(ca);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    return ctx;
}

// Moves the records each side has for the other until neither has any; the handshake steps on both sides.
void pump(Engine& client, Engine& server, Status& cs, Status& ss) {
    for (int round = 0; round < 10; ++round) {
        std::string to_server, to_client;
        client.drain(to_server);
        server.feed(to_server.data(), to_server.size());
        if (ss == Status::WantMore) ss = server.handshake();
        server.drain(to_client);
        client.feed(to_client.data(), to_client.size());
        if (cs == Status::WantMore) cs = client.handshake();
        if (to_server.empty() && to_client.empty()) return;
    }
}

}  // namespace

TEST_CASE("tls engine: handshake, data both ways, close_notify", "[tls]") {
    SSL_CTX* sctx = serverCtx();
    SSL_CTX* cctx = clientCtx(kServerPem);
    {
        Engine server(sctx, Role::Server);
        Engine client(cctx, Role::Client);
        SSL_set1_host(client.ssl(), "engine-test");
        Status cs = client.handshake();  // the ClientHello
        REQUIRE(cs == Status::WantMore);
        Status ss = Status::WantMore;
        pump(client, server, cs, ss);
        REQUIRE(cs == Status::Ok);
        REQUIRE(ss == Status::Ok);
        CHECK(SSL_get_verify_result(client.ssl()) == X509_V_OK);

        std::string big(100000, 'x');  // several records
        client.write(big.data(), big.size());
        std::string wire, plain;
        client.drain(wire);
        CHECK(wire.size() > big.size());
        server.feed(wire.data(), wire.size() / 2);  // a record cut in two: the rest comes later
        CHECK(server.read(plain) == Status::Ok);
        server.feed(wire.data() + wire.size() / 2, wire.size() - wire.size() / 2);
        CHECK(server.read(plain) == Status::Ok);
        CHECK(plain == big);

        server.write("pong", 4);
        wire.clear();
        server.drain(wire);
        client.feed(wire.data(), wire.size());
        plain.clear();
        CHECK(client.read(plain) == Status::Ok);  // also takes the TLS 1.3 session tickets
        CHECK(plain == "pong");

        server.shutdown();
        wire.clear();
        server.drain(wire);
        client.feed(wire.data(), wire.size());
        plain.clear();
        CHECK(client.read(plain) == Status::Closed);
    }
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

TEST_CASE("tls engine: a client that does not trust the server's CA fails the handshake", "[tls]") {
    SSL_CTX* sctx = serverCtx();
    SSL_CTX* cctx = clientCtx(kOtherPem);
    {
        Engine server(sctx, Role::Server);
        Engine client(cctx, Role::Client);
        std::string to_server, to_client;
        REQUIRE(client.handshake() == Status::WantMore);
        client.drain(to_server);
        server.feed(to_server.data(), to_server.size());
        REQUIRE(server.handshake() == Status::WantMore);  // its whole flight, certificate included
        server.drain(to_client);
        client.feed(to_client.data(), to_client.size());
        REQUIRE(client.handshake() == Status::Failed);
        // The error queue is the failing call's (it is per thread: read it before the next call).
        const unsigned long err = ERR_peek_error();
        CHECK(ERR_GET_REASON(err) == SSL_R_CERTIFICATE_VERIFY_FAILED);
        CHECK(SSL_get_verify_result(client.ssl()) != X509_V_OK);
        std::string alert;
        client.drain(alert);  // the client tells the server why
        CHECK_FALSE(alert.empty());
        server.feed(alert.data(), alert.size());
        CHECK(server.handshake() == Status::Failed);
        ERR_clear_error();
    }
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}
