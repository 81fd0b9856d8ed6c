// Percent-decoding and the query string's pairs.
#include <catch2/catch.hpp>

#include "common/http/query_string.h"

using namespace emqx::http;

TEST_CASE("query: pairs in order, names may repeat, values decoded", "[http]") {
    auto q = parseQuery("clientid=a&clientid=b%2Fc&like_username=x+y&flag&&page=");
    REQUIRE(q);
    REQUIRE(q->size() == 5);
    CHECK((*q)[0] == std::pair<std::string, std::string>{"clientid", "a"});
    CHECK((*q)[1].second == "b/c");
    CHECK((*q)[2].second == "x y");
    CHECK((*q)[3] == std::pair<std::string, std::string>{"flag", ""});
    CHECK((*q)[4] == std::pair<std::string, std::string>{"page", ""});
    REQUIRE(queryValue(*q, "clientid"));
    CHECK(*queryValue(*q, "clientid") == "a");
    CHECK_FALSE(queryValue(*q, "nothing"));
}

TEST_CASE("query: broken percent-encoding is refused", "[http]") {
    CHECK_FALSE(parseQuery("a=%"));
    CHECK_FALSE(parseQuery("a=%4"));
    CHECK_FALSE(parseQuery("a=%zz"));
    CHECK(percentDecode("a+b", false) == std::optional<std::string>("a+b"));
    CHECK(percentDecode("%41%62", false) == std::optional<std::string>("Ab"));
}
