// Peer addresses: host and port of "1.2.3.4:5", "[::1]:5" and bare addresses.
#include <catch2/catch.hpp>

#include "common/net/peer_address.h"

using namespace emqx::net;

TEST_CASE("peer address: IPv4 with a port", "[peer_address]") {
    CHECK(peerHost("1.2.3.4:5") == "1.2.3.4");
    CHECK(peerPort("1.2.3.4:5") == "5");
    CHECK(peerHost("127.0.0.1:55555") == "127.0.0.1");
}

TEST_CASE("peer address: IPv6 in brackets with a port", "[peer_address]") {
    CHECK(peerHost("[::1]:5") == "::1");
    CHECK(peerPort("[::1]:5") == "5");
    CHECK(peerHost("[fe80::1:2]:1883") == "fe80::1:2");
    CHECK(peerPort("[fe80::1:2]:1883") == "1883");
    CHECK(peerHost("[::1]") == "::1");
    CHECK(peerPort("[::1]") == "");
}

TEST_CASE("peer address: a bare address has no port and is not cut", "[peer_address]") {
    CHECK(peerHost("::1") == "::1");
    CHECK(peerPort("::1") == "");
    CHECK(peerHost("fe80::1:2") == "fe80::1:2");
    CHECK(peerPort("fe80::1:2") == "");
    CHECK(peerHost("10.0.0.1") == "10.0.0.1");
    CHECK(peerPort("10.0.0.1") == "");
    CHECK(peerHost("") == "");
    CHECK(peerHost("[::1") == "[::1");  // unclosed bracket: left as it is
}

TEST_CASE("peer address: joined back, IPv6 in brackets", "[peer_address]") {
    CHECK(joinPeer("1.2.3.4", "5") == "1.2.3.4:5");
    CHECK(joinPeer("::1", "5") == "[::1]:5");
    CHECK(joinPeer("[::1]", "5") == "[::1]:5");
    CHECK(joinPeer("1.2.3.4", "") == "1.2.3.4");
    CHECK(joinPeer("::1", "") == "[::1]");
    CHECK(peerHost(joinPeer("fe80::1", "7")) == "fe80::1");
    CHECK(peerPort(joinPeer("fe80::1", "7")) == "7");
}
