// emqx-bench pub topics: emqtt_bench's %rand_N levels, drawn per message.
#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <string>

#include "bench/topic_template.h"

using namespace emqx::bench;

TEST_CASE("topic template: no %rand_N level is the topic itself", "[bench]") {
    TopicTemplate t;
    std::string error;
    REQUIRE(t.parse("bench/7/x%rand_3/%rand", error));  // only a whole level %rand_N is random
    CHECK_FALSE(t.isRandom());
    CHECK(t.text() == "bench/7/x%rand_3/%rand");
    std::mt19937_64 rng(1);
    std::string out;
    t.render(rng, out);
    CHECK(out == "bench/7/x%rand_3/%rand");
}

TEST_CASE("topic template: every %rand_N level draws 1..N, every time", "[bench]") {
    TopicTemplate t;
    std::string error;
    REQUIRE(t.parse("%rand_2/rt/%rand_3/e/%rand_1", error));
    CHECK(t.isRandom());
    std::mt19937_64 rng(42);
    std::set<std::string> seen;
    std::string out;
    for (int i = 0; i < 500; ++i) {
        t.render(rng, out);
        seen.insert(out);
    }
    CHECK(seen ==
          std::set<std::string>{"1/rt/1/e/1", "1/rt/2/e/1", "1/rt/3/e/1", "2/rt/1/e/1", "2/rt/2/e/1", "2/rt/3/e/1"});
}

TEST_CASE("topic template: N must be a whole number from 1", "[bench]") {
    TopicTemplate t;
    std::string error;
    for (const char* bad : {"a/%rand_0", "a/%rand_/b", "a/%rand_x", "%rand_5x", "%rand_-1", "a/%rand_4294967296"}) {
        INFO(bad);
        CHECK_FALSE(t.parse(bad, error));
        CHECK(error.find("%rand_N needs a whole number N from 1 to 4294967295") != std::string::npos);
    }
    CHECK(t.parse("a/%rand_4294967295", error));
}

TEST_CASE("topic template: %i and %c are the client's, in the levels that are not random", "[bench]") {
    TopicTemplate t;
    std::string error;
    REQUIRE(t.parse("rt/%i/%rand_2/c-%c/%rand_1", error));
    t.expand(7, "%rand_0");  // a client id that reads like a random level stays literal
    std::mt19937_64 rng(3);
    std::set<std::string> seen;
    std::string out;
    for (int i = 0; i < 100; ++i) {
        t.render(rng, out);
        seen.insert(out);
    }
    CHECK(seen == std::set<std::string>{"rt/7/1/c-%rand_0/1", "rt/7/2/c-%rand_0/1"});

    TopicTemplate fixed;
    REQUIRE(fixed.parse("bench/%i/%c", error));
    fixed.expand(12, "id");
    CHECK_FALSE(fixed.isRandom());
    CHECK(fixed.text() == "bench/12/id");
}
