// `clients list`'s filter arguments (also GET /api/v5/clients' query filters).
#include <catch2/catch.hpp>

#include "emqxd/ctl/client_filter.h"

using namespace emqx::ctl;

namespace {

ClientFilter filter(const Json& args) {
    std::string error;
    auto f = clientFilterFromArgs(args, error);
    REQUIRE(f);
    return *f;
}

}  // namespace

TEST_CASE("client filter: no arguments keep every client", "[ctl]") {
    CHECK(clientPasses(filter(Json::object()), "a", "", "", false));
    CHECK(clientPasses(filter(Json::object()), "b", "u", "127.0.0.1:1", true));
}

TEST_CASE("client filter: exact client ids and usernames, any of several", "[ctl]") {
    ClientFilter ids = filter({{"clientid", {"sensor-2", "sensor-1"}}});
    CHECK(clientPasses(ids, "sensor-1", "", "", false));
    CHECK_FALSE(clientPasses(ids, "sensor", "", "", false));
    ClientFilter users = filter({{"username", {"alice"}}});
    CHECK(clientPasses(users, "x", "alice", "", false));
    CHECK_FALSE(clientPasses(users, "x", "alice2", "", false));
    CHECK_FALSE(clientPasses(users, "x", "", "", false));
}

TEST_CASE("client filter: substrings of client id and username", "[ctl]") {
    CHECK(clientPasses(filter({{"match", "sor-"}}), "sensor-1", "", "", false));
    CHECK_FALSE(clientPasses(filter({{"match", "sor-"}}), "sensor1", "", "", false));
    CHECK(clientPasses(filter({{"like_username", "lic"}}), "x", "alice", "", false));
    CHECK_FALSE(clientPasses(filter({{"like_username", "lic"}}), "x", "bob", "", false));
}

TEST_CASE("client filter: the peer's address, v4 and v6", "[ctl]") {
    CHECK(clientPasses(filter({{"ip_address", "::1"}}), "x", "", "[::1]:6000", true));
    CHECK_FALSE(clientPasses(filter({{"ip_address", "127.0.0.1"}}), "x", "", "[::1]:6000", true));
    CHECK(clientPasses(filter({{"ip_address", "127.0.0.1"}}), "x", "", "127.0.0.1:5000", true));
    CHECK_FALSE(clientPasses(filter({{"ip_address", "127.0.0.1"}}), "x", "", "", false));
}

TEST_CASE("client filter: connection state", "[ctl]") {
    CHECK(clientPasses(filter({{"conn_state", "connected"}}), "x", "", "127.0.0.1:1", true));
    CHECK_FALSE(clientPasses(filter({{"conn_state", "connected"}}), "x", "", "", false));
    CHECK(clientPasses(filter({{"conn_state", "disconnected"}}), "x", "", "", false));
    CHECK_FALSE(clientPasses(filter({{"conn_state", "disconnected"}}), "x", "", "127.0.0.1:1", true));
    CHECK_FALSE(clientPasses(filter({{"conn_state", "idle"}}), "x", "", "127.0.0.1:1", true));
    CHECK_FALSE(clientPasses(filter({{"conn_state", "idle"}}), "x", "", "", false));
}

TEST_CASE("client filter: bad values are refused with why", "[ctl]") {
    std::string error;
    CHECK_FALSE(clientFilterFromArgs({{"conn_state", "sleeping"}}, error));
    CHECK(error.find("conn_state") == 0);
    CHECK_FALSE(clientFilterFromArgs({{"ip_address", "300.1.1.1"}}, error));
    CHECK(error.find("ip_address") != std::string::npos);
}
