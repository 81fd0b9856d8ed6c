// emqx-bench --ifaddr: emqtt_bench's comma-separated list, plus IPv4 ranges.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "bench/source_addresses.h"

using namespace emqx::bench;

namespace {

std::vector<std::string> texts(const std::vector<sockaddr_storage>& addrs) {
    std::vector<std::string> out;
    for (const auto& a : addrs) out.push_back(addressText(a));
    return out;
}

std::string errorOf(const std::string& spec) {
    std::vector<sockaddr_storage> out;
    std::string error;
    CHECK_FALSE(parseSourceAddresses(spec, out, error));
    return error;
}

}  // namespace

TEST_CASE("source addresses (--ifaddr): one address, a list, ranges, IPv6", "[bench]") {
    std::vector<sockaddr_storage> out;
    std::string error;
    REQUIRE(parseSourceAddresses("127.0.0.2", out, error));
    CHECK(texts(out) == std::vector<std::string>{"127.0.0.2"});
    CHECK(out[0].ss_family == AF_INET);

    REQUIRE(parseSourceAddresses("127.0.0.1,127.0.0.9", out, error));
    CHECK(texts(out) == std::vector<std::string>{"127.0.0.1", "127.0.0.9"});

    // a range crossing an octet, in a list, in order
    REQUIRE(parseSourceAddresses("127.0.0.254-127.0.1.1,127.0.0.7,127.0.0.3-127.0.0.3", out, error));
    CHECK(texts(out) ==
          std::vector<std::string>{"127.0.0.254", "127.0.0.255", "127.0.1.0", "127.0.1.1", "127.0.0.7", "127.0.0.3"});

    REQUIRE(parseSourceAddresses("::1", out, error));
    CHECK(texts(out) == std::vector<std::string>{"::1"});
    CHECK(out[0].ss_family == AF_INET6);
}

TEST_CASE("source addresses (--ifaddr): the biggest list allowed", "[bench]") {
    std::vector<sockaddr_storage> out;
    std::string error;
    REQUIRE(parseSourceAddresses("127.0.0.0-127.0.15.255", out, error));
    CHECK(out.size() == kMaxSourceAddresses);
    CHECK(addressText(out.back()) == "127.0.15.255");
}

TEST_CASE("source addresses (--ifaddr): what is refused, and why", "[bench]") {
    CHECK(errorOf("localhost") == "'localhost' is not an IP address (names and interfaces are not resolved)");
    CHECK(errorOf("eth0") == "'eth0' is not an IP address (names and interfaces are not resolved)");
    CHECK(errorOf("127.0.0.1,") == "empty item in '127.0.0.1,'");
    CHECK(errorOf("") == "empty item in ''");
    CHECK(errorOf("127.0.0.1 ,127.0.0.2").starts_with("'127.0.0.1 ' is not an IP address"));
    CHECK(errorOf("127.0.0.9-127.0.0.1") == "'127.0.0.9-127.0.0.1': the range ends before it starts");
    CHECK(errorOf("127.0.0.1-9") == "'127.0.0.1-9' is not an IPv4 range FIRST-LAST");
    CHECK(errorOf("::1-::9") == "'::1-::9' is not an IPv4 range FIRST-LAST");
    CHECK(errorOf("127.0.0.0-127.0.16.0") == "more than 4096 addresses");
    CHECK(errorOf("127.0.0.0-127.0.15.255,127.0.16.1") == "more than 4096 addresses");
    CHECK(errorOf("127.1.0.0,127.0.0.0-127.0.15.255") == "more than 4096 addresses");
}
