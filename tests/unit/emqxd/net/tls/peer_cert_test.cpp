// Client certificate fields for peer_cert_as_username / peer_cert_as_clientid.
// The expected values were computed outside OpenSSL's C API: the DN by
// `openssl x509 -noout -subject -nameopt RFC2253`, the base64 and MD5 of the
// DER by Python's base64 and hashlib.
#include <catch2/catch.hpp>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "emqxd/net/tls/peer_cert.h"

using namespace emqx;

namespace {

// Subject /C=SE/O=EMQ, Inc./CN=client-1 (a comma inside a value, to be escaped in the DN).
constexpr const char* kClientPem = R"(-----BEGIN CERTIFICATE-----
MIIBwDCCAWWgAwIBAgIUCJjhDQViKpMRrrJYma2LrceYLikwCgYIKoZIzj0EAwIw
NDELMAkGA1UEBhMCU0UxEjAQBgNVBAoMCUVNUSwgSW5jLjERMA8GA1UEAwwIY2xp
ZW50LTEwIBcNMjYxMTI1MTExMTI2WhgPMjEyNjExMDExMTExMjZaMDQxCzAJBgNV
BAYTAlNFMRIwEAYDVQQKDAlFTVEsIEluYy4xETAPBgNVBAMMCGNsaWVudC0xMFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEE8lnd8GVUCvnTXuMUM/tuBw7FKJUvo0g
G3ypOkYlKNpiEJAhf97sksN9a/Rwf3wdXQJPtI2wgWoXKwcR2KHfa6NTMFEwHQYD
VR0OBBYEFI6Tk0TZqH9osc/FM77fPNxeFPDwMB8GA1UdIwQYMBaAFI6Tk0TZqH9o
sc/FM77fPNxeFPDwMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIh
AIp6O3LZlOjuSIu8ZLH0tPlrXDGNvywjtOkv5eplbZ9qAiEA+qgnFJRQIZC+3USg
g9OTVh+ApXs6G6ASIHrCNunSGuk=
-----END CERTIFICATE-----
)";
// Subject /O=NoCN: no commonName.
constexpr const char* kNoCnPem = R"(-----BEGIN CERTIFICATE-----
MIIBdTCCARugAwIBAgIUVia2hlGmHwdsNNVNmVtlJpCeyrUwCgYIKoZIzj0EAwIw
DzENMAsGA1UECgwETm9DTjAgFw0yNjExMjUxMTExMjdaGA8yMTI2MTEwMTExMTEy
N1owDzENMAsGA1UECgwETm9DTjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABBi+
i3pV/5Cap23lViaN7X10zkValtEPyriQluKF/o57LdhumtCh7P5PYRC5q6ANsddD
yQAPSJ1AjqL9s89p462jUzBRMB0GA1UdDgQWBBQ5JKejC2emdznXwhC2JHivSlsH
ETAfBgNVHSMEGDAWgBQ5JKejC2emdznXwhC2JHivSlsHETAPBgNVHRMBAf8EBTAD
AQH/MAoGCCqGSM49BAMCA0gAMEUCIQCVbtDQFHEr5MHqf2DdcFCfKn0t0Eoq/qRp
7zdr+982rAIge2mdM2SmDXlPddELvjmQttHKGIHN/4eOMDR/h/lnWdw=
-----END CERTIFICATE-----
)";

std::unique_ptr<X509, decltype(&X509_free)> load(const char* pem) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem, -1), BIO_free);
    return {PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free};
}

}  // namespace

TEST_CASE("peer cert: config words", "[core][peer_cert]") {
    CHECK(parsePeerCertField("cn") == PeerCertField::Cn);
    CHECK(parsePeerCertField("dn") == PeerCertField::Dn);
    CHECK(parsePeerCertField("crt") == PeerCertField::Crt);
    CHECK(parsePeerCertField("pem") == PeerCertField::Pem);
    CHECK(parsePeerCertField("md5") == PeerCertField::Md5);
    CHECK(parsePeerCertField("disabled") == PeerCertField::Disabled);
    CHECK(parsePeerCertField("CN") == PeerCertField::Disabled);
}

TEST_CASE("peer cert: cn, dn, crt, pem and md5 as EMQX computes them", "[core][peer_cert]") {
    auto cert = load(kClientPem);
    REQUIRE(cert);
    CHECK(peerCertField(cert.get(), PeerCertField::Cn) == "client-1");
    CHECK(peerCertField(cert.get(), PeerCertField::Dn) == "CN=client-1,O=EMQ\\, Inc.,C=SE");
    const std::string der_b64 =
        "MIIBwDCCAWWgAwIBAgIUCJjhDQViKpMRrrJYma2LrceYLikwCgYIKoZIzj0EAwIwNDELMAkGA1UEBhMCU0UxEjAQBgNVBAoMCUVNUSwgSW5jLj"
        "ERMA8GA1UEAwwIY2xpZW50LTEwIBcNMjYxMTI1MTExMTI2WhgPMjEyNjExMDExMTExMjZaMDQxCzAJBgNVBAYTAlNFMRIwEAYDVQQKDAlFTVEs"
        "IEluYy4xETAPBgNVBAMMCGNsaWVudC0xMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEE8lnd8GVUCvnTXuMUM/"
        "tuBw7FKJUvo0gG3ypOkYlKNpiEJAhf97sksN9a/Rwf3wdXQJPtI2wgWoXKwcR2KHfa6NTMFEwHQYDVR0OBBYEFI6Tk0TZqH9osc/"
        "FM77fPNxeFPDwMB8GA1UdIwQYMBaAFI6Tk0TZqH9osc/FM77fPNxeFPDwMA8GA1UdEwEB/"
        "wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhAIp6O3LZlOjuSIu8ZLH0tPlrXDGNvywjtOkv5eplbZ9qAiEA+qgnFJRQIZC+3USgg9OTVh+"
        "ApXs6G6ASIHrCNunSGuk=";
    CHECK(peerCertField(cert.get(), PeerCertField::Pem) == der_b64);
    CHECK(peerCertField(cert.get(), PeerCertField::Crt) == der_b64);
    CHECK(peerCertField(cert.get(), PeerCertField::Md5) == "fb6d7501d27d9b679d97e7e9c7ec53b4");
    CHECK_FALSE(peerCertField(cert.get(), PeerCertField::Disabled));
}

TEST_CASE("peer cert: no certificate, or no CN, gives nothing", "[core][peer_cert]") {
    CHECK_FALSE(peerCertField(nullptr, PeerCertField::Cn));
    CHECK_FALSE(peerCertField(nullptr, PeerCertField::Md5));
    auto cert = load(kNoCnPem);
    REQUIRE(cert);
    CHECK_FALSE(peerCertField(cert.get(), PeerCertField::Cn));
    CHECK(peerCertField(cert.get(), PeerCertField::Dn) == "O=NoCN");
}
