// FifoQueue: order kept across the bulk reclaiming of popped slots, and
// erasing the front (O(1)) or from the middle, as the inflight window does.
#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <memory>
#include <vector>

#include "emqxd/session/fifo_queue.h"

using namespace emqx;

namespace {

std::vector<int> contents(const FifoQueue<std::unique_ptr<int>>& q) {
    std::vector<int> v;
    for (const auto& p : q) v.push_back(*p);
    return v;
}

}  // namespace

TEST_CASE("fifo queue: erasing the front and the middle keeps the rest in order", "[core][session]") {
    FifoQueue<std::unique_ptr<int>> q;
    std::deque<int> model;
    int next = 0;
    // A window of 40 that slides over 1,000 entries: most erases at the front
    // (acknowledgements in order), every seventh a few places in.
    for (int round = 0; round < 1000; ++round) {
        while (model.size() < 40) {
            q.push_back(std::make_unique<int>(next));
            model.push_back(next++);
        }
        size_t at = round % 7 == 0 ? 3 : 0;
        auto it = std::find_if(q.begin(), q.end(), [&](const auto& p) { return *p == model[at]; });
        REQUIRE(it != q.end());
        q.erase(it);
        model.erase(model.begin() + static_cast<std::ptrdiff_t>(at));
        REQUIRE(q.size() == model.size());
        REQUIRE(*q.front() == model.front());
    }
    CHECK(contents(q) == std::vector<int>(model.begin(), model.end()));
    while (!q.empty()) q.erase(q.begin());
    CHECK(q.begin() == q.end());
    q.push_back(std::make_unique<int>(7));
    CHECK(contents(q) == std::vector<int>{7});
}

TEST_CASE("fifo queue: erasing the last entry of many", "[core][session]") {
    FifoQueue<std::unique_ptr<int>> q;
    for (int i = 0; i < 100; ++i) q.push_back(std::make_unique<int>(i));
    for (int i = 0; i < 70; ++i) q.pop_front();  // reclaims the first 64 slots
    q.erase(q.end() - 1);
    std::vector<int> want;
    for (int i = 70; i < 99; ++i) want.push_back(i);
    CHECK(contents(q) == want);
}
