// Route paths with :parameters, as the route table writes them.
#include <catch2/catch.hpp>

#include "common/http/path_pattern.h"

using namespace emqx::http;

TEST_CASE("path: a parameter is one segment, decoded after the split", "[http]") {
    PathParams p;
    REQUIRE(matchPath("/api/v5/clients/:clientid", "/api/v5/clients/c%2F1", p) == PathMatch::Yes);
    REQUIRE(p.size() == 1);
    CHECK(p[0] == std::pair<std::string, std::string>{"clientid", "c/1"});
    CHECK(matchPath("/api/v5/clients/:clientid", "/api/v5/clients/a/b", p) == PathMatch::No);
    CHECK(matchPath("/api/v5/clients/:clientid", "/api/v5/clients/", p) == PathMatch::No);
    CHECK(matchPath("/api/v5/clients/:clientid", "/api/v5/clients", p) == PathMatch::No);
    CHECK(matchPath("/api/v5/clients", "/api/v5/clients", p) == PathMatch::Yes);
    CHECK(p.empty());
    CHECK(matchPath("/api/v5/clients", "/api/v5/client", p) == PathMatch::No);
    CHECK(matchPath("/api/v5/clients/:clientid", "/api/v5/clients/%zz", p) == PathMatch::BadEncoding);
}

TEST_CASE("path: several parameters, OpenAPI's form", "[http]") {
    PathParams p;
    REQUIRE(matchPath("/nodes/:node/stats", "/nodes/emqx@127.0.0.1/stats", p) == PathMatch::Yes);
    CHECK(p[0].second == "emqx@127.0.0.1");
    CHECK(openApiPath("/api/v5/clients/:clientid") == "/api/v5/clients/{clientid}");
    CHECK(openApiPath("/status") == "/status");
    CHECK(pathParamNames("/a/:x/b/:y") == std::vector<std::string>{"x", "y"});
}
