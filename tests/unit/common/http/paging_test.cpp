// EMQX's paging: page and limit from the query, and the meta of a page.
#include <catch2/catch.hpp>

#include "common/http/paging.h"

using namespace emqx::http;
using Json = nlohmann::json;

TEST_CASE("paging: defaults and bounds as EMQX's", "[http]") {
    std::string error;
    auto p = parsePageRequest({}, error);
    REQUIRE(p);
    CHECK(p->page == 1);
    CHECK(p->limit == 100);
    p = parsePageRequest({{"page", "3"}, {"limit", "10000"}}, error);
    REQUIRE(p);
    CHECK(p->page == 3);
    CHECK(p->limit == 10000);
    for (QueryParams bad : {QueryParams{{"page", "0"}}, QueryParams{{"page", "x"}}, QueryParams{{"page", "-1"}},
                            QueryParams{{"limit", "0"}}, QueryParams{{"limit", "10001"}}, QueryParams{{"limit", "5x"}},
                            QueryParams{{"page", ""}}}) {
        error.clear();
        CHECK_FALSE(parsePageRequest(bad, error));
        CHECK(error.find(bad[0].first + ":") == 0);
    }
}

TEST_CASE("paging: a page of rows with count and hasnext", "[http]") {
    Json rows = Json::array();
    for (int i = 0; i < 5; ++i) rows.push_back(i);
    Json first = pageOf(rows, {1, 2});
    CHECK(first["data"] == Json::array({0, 1}));
    CHECK(first["meta"] == Json{{"page", 1}, {"limit", 2}, {"count", 5}, {"hasnext", true}});
    Json last = pageOf(rows, {3, 2});
    CHECK(last["data"] == Json::array({4}));
    CHECK(last["meta"]["hasnext"] == false);
    Json beyond = pageOf(rows, {9, 2});
    CHECK(beyond["data"].empty());
    CHECK(beyond["meta"]["count"] == 5);
    CHECK(pageOf(rows, {1, 5})["meta"]["hasnext"] == false);
}
