// TlsContext from an SslOptions alone (the ssl/wss listeners' and the HTTP
// API's dashboard.listeners.https): errors start with the caller's name and
// key prefix, and the certificate's notAfter is read as Unix seconds.
#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>
#include <string>

#include "emqxd/net/tls/tls_context.h"
#include "tests/unit/temp_dir.h"

using namespace emqx;

namespace {

// A self-signed EC certificate valid until `not_after` (Unix seconds), and its key, as PEM files.
void writeSelfSigned(const std::string& cert_path, const std::string& key_path, time_t not_after) {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
    REQUIRE(key);
    std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    ASN1_TIME_set(X509_getm_notAfter(cert.get()), not_after);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("unit"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    REQUIRE(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0);
    FILE* c = std::fopen(cert_path.c_str(), "w");
    REQUIRE(c);
    PEM_write_X509(c, cert.get());
    std::fclose(c);
    FILE* k = std::fopen(key_path.c_str(), "w");
    REQUIRE(k);
    PEM_write_PrivateKey(k, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(k);
}

}  // namespace

TEST_CASE("tls context: built from SslOptions, the certificate's notAfter in Unix seconds", "[core][tls]") {
    test::TempDir d;
    const time_t not_after = 1924991999;  // 2030-12-31T23:59:59Z
    writeSelfSigned(d.file("cert.pem"), d.file("key.pem"), not_after);
    config::SslOptions o;
    o.certfile = d.file("cert.pem");
    o.keyfile = d.file("key.pem");
    std::string error;
    auto ctx = TlsContext::create(o, "dashboard.listeners.https: ", "dashboard.listeners.https.ssl_options.", error);
    REQUIRE(ctx);
    CHECK(error.empty());
    CHECK(ctx->certExpiryAt() == not_after);
}

TEST_CASE("tls context: errors name the caller and its keys", "[core][tls]") {
    test::TempDir d;
    config::SslOptions o;
    std::string error;
    CHECK_FALSE(TlsContext::create(o, "dashboard.listeners.https: ", "dashboard.listeners.https.ssl_options.", error));
    CHECK(error ==
          "dashboard.listeners.https: dashboard.listeners.https.ssl_options.certfile is not set (a TLS listener "
          "needs a certificate)");
    o.certfile = d.file("missing.pem");
    o.keyfile = d.file("missing.key");
    CHECK_FALSE(TlsContext::create(o, "dashboard.listeners.https: ", "dashboard.listeners.https.ssl_options.", error));
    CHECK(error == "dashboard.listeners.https: cannot load dashboard.listeners.https.ssl_options.certfile \"" +
                       o.certfile + "\": cannot read the file");

    config::ListenerConfig lc;
    lc.type = "ssl";
    lc.name = "edge";
    CHECK_FALSE(TlsContext::forListener(lc, error));
    CHECK(error.starts_with("listener ssl:edge: listeners.ssl.edge.ssl_options.certfile is not set"));
}
