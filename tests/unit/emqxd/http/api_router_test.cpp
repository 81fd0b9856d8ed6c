// The route table: one route per method and path, every route in the
// OpenAPI document with its parameters and security, and what each role may call.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <set>

#include "emqxd/http/api_auth.h"
#include "emqxd/http/api_router.h"
#include "emqxd/http/openapi.h"

using namespace emqx::http;
using Json = nlohmann::json;

TEST_CASE("api routes: one handler per method and path", "[http]") {
    std::set<std::string> seen;
    for (const Route& r : apiRoutes()) {
        INFO(r.method << " " << r.pattern);
        CHECK(seen.insert(std::string(r.method) + " " + std::string(r.pattern)).second);
        CHECK(r.handler);
        CHECK_FALSE(r.summary.empty());
        CHECK((r.pattern.starts_with("/api/v5/") || !r.needs_key));
    }
}

TEST_CASE("api routes: every route is in the OpenAPI document", "[http]") {
    Json doc = openApiDocument(apiRoutes());
    CHECK(doc["openapi"] == "3.0.0");
    for (const Route& r : apiRoutes()) {
        std::string path = openApiPath(r.pattern);
        std::string method(r.method);
        for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        INFO(method << " " << path);
        REQUIRE(doc["paths"].contains(path));
        REQUIRE(doc["paths"][path].contains(method));
        const Json& op = doc["paths"][path][method];
        CHECK(op["summary"] == std::string(r.summary));
        CHECK(op["security"].empty() == !r.needs_key);
        bool lists_401 = std::find(r.statuses.begin(), r.statuses.end(), 401) != r.statuses.end();
        CHECK(op["responses"].contains("401") == (r.needs_key || lists_401));  // login answers 401 itself
        for (const std::string& p : pathParamNames(r.pattern)) {
            bool found = false;
            for (const Json& param : op["parameters"]) found = found || (param["in"] == "path" && param["name"] == p);
            CHECK(found);
        }
        CHECK(op["parameters"].size() == pathParamNames(r.pattern).size() + r.query.size());
    }
    size_t operations = 0;
    for (auto& [path, methods] : doc["paths"].items()) operations += methods.size();
    CHECK(operations == apiRoutes().size());
}

TEST_CASE("api roles: administrator all, viewer GET only, publisher publishing only", "[http]") {
    CHECK(roleAllows("administrator", "DELETE", "/api/v5/clients/:clientid"));
    CHECK(roleAllows("viewer", "GET", "/api/v5/clients"));
    CHECK_FALSE(roleAllows("viewer", "DELETE", "/api/v5/clients/:clientid"));
    CHECK_FALSE(roleAllows("viewer", "POST", "/api/v5/api_key"));
    CHECK_FALSE(roleAllows("publisher", "GET", "/api/v5/clients"));
    CHECK(roleAllows("publisher", "POST", "/api/v5/publish"));
    CHECK_FALSE(roleAllows("root", "GET", "/api/v5/clients"));
}
