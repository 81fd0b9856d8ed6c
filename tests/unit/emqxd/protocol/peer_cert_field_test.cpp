// The config words of peer_cert_as_username / peer_cert_as_clientid.
#include <catch2/catch.hpp>

#include "emqxd/protocol/peer_cert_field.h"

using namespace emqx;

TEST_CASE("peer cert: config words", "[core][peer_cert]") {
    CHECK(parsePeerCertField("cn") == PeerCertField::Cn);
    CHECK(parsePeerCertField("dn") == PeerCertField::Dn);
    CHECK(parsePeerCertField("crt") == PeerCertField::Crt);
    CHECK(parsePeerCertField("pem") == PeerCertField::Pem);
    CHECK(parsePeerCertField("md5") == PeerCertField::Md5);
    CHECK(parsePeerCertField("disabled") == PeerCertField::Disabled);
    CHECK(parsePeerCertField("CN") == PeerCertField::Disabled);
}
