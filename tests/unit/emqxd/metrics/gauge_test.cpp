// A gauge's high-water mark is the true peak, whoever reads it and when.
#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "emqxd/metrics/gauge.h"

using emqx::Gauge;

TEST_CASE("gauge: the mark keeps the peak after the count falls", "[metrics]") {
    Gauge g;
    CHECK(g.value() == 0);
    CHECK(g.max() == 0);
    g.add();
    g.add(2);
    CHECK(g.value() == 3);
    CHECK(g.max() == 3);
    g.sub(2);
    CHECK(g.value() == 1);
    CHECK(g.max() == 3);
    g.add();
    CHECK(g.max() == 3);
    g.add(5);
    CHECK(g.value() == 7);
    CHECK(g.max() == 7);
}

TEST_CASE("gauge: concurrent adds reach the exact peak", "[metrics]") {
    Gauge g;
    constexpr int kThreads = 4, kEach = 10000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < kEach; ++i) g.add();
        });
    for (auto& t : threads) t.join();
    CHECK(g.value() == kThreads * kEach);
    CHECK(g.max() == kThreads * kEach);
    for (int i = 0; i < kThreads * kEach; ++i) g.sub();
    CHECK(g.value() == 0);
    CHECK(g.max() == kThreads * kEach);
}
