// The MPSC inbox: one wakeup per batch, drain swaps, FIFO per producer.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "emqxd/runtime/inbox.h"

using namespace emqx;

TEST_CASE("inbox: wakes only when a push finds it empty", "[core][inbox]") {
    int wakes = 0;
    Inbox<int> inbox([&] { ++wakes; });
    std::vector<int> batch;

    inbox.drain(batch);  // nothing pending
    CHECK(batch.empty());
    CHECK(wakes == 0);

    inbox.push(1);
    CHECK(wakes == 1);
    inbox.push(2);
    inbox.push(3);
    CHECK(wakes == 1);

    inbox.drain(batch);
    CHECK(batch == std::vector<int>{1, 2, 3});
    CHECK(wakes == 1);

    batch.clear();
    inbox.push(4);
    CHECK(wakes == 2);
    inbox.drain(batch);
    CHECK(batch == std::vector<int>{4});
}

TEST_CASE("inbox: pushRange pushes with at most one wake", "[core][inbox]") {
    int wakes = 0;
    Inbox<std::string> inbox([&] { ++wakes; });
    std::vector<std::string> items{"a", "b", "c"};

    inbox.pushRange(items.begin(), items.begin());  // empty range
    CHECK(wakes == 0);

    inbox.pushRange(items.begin(), items.end());
    CHECK(wakes == 1);
    inbox.pushRange(items.begin(), items.begin() + 1);
    inbox.push("d");
    CHECK(wakes == 1);

    std::vector<std::string> batch;
    inbox.drain(batch);
    CHECK(batch == std::vector<std::string>{"a", "b", "c", "a", "d"});

    batch.clear();
    inbox.pushRange(items.begin() + 2, items.end());
    CHECK(wakes == 2);
}

TEST_CASE("inbox: drain swaps the batch, recycling capacity", "[core][inbox]") {
    Inbox<int> inbox([] {});
    std::vector<int> batch;
    batch.reserve(64);
    const int* recycled = batch.data();

    inbox.push(1);
    inbox.push(2);
    inbox.drain(batch);
    CHECK(batch == std::vector<int>{1, 2});
    CHECK(batch.data() != recycled);  // the inbox's own buffer came out

    // The empty vector handed in became the inbox's storage.
    inbox.push(3);
    std::vector<int> next;
    inbox.drain(next);
    CHECK(next == std::vector<int>{3});
    CHECK(next.data() == recycled);
    CHECK(next.capacity() >= 64);

    // Drained: the next drain gives nothing.
    std::vector<int> empty;
    inbox.drain(empty);
    CHECK(empty.empty());
}

TEST_CASE("inbox: 1000 pushes from another thread before a drain wake once", "[core][inbox]") {
    std::atomic<int> wakes{0};
    Inbox<int> inbox([&] { wakes.fetch_add(1); });
    std::thread producer([&] {
        for (int i = 0; i < 1000; ++i) inbox.push(i);
    });
    producer.join();
    CHECK(wakes.load() == 1);

    std::vector<int> batch;
    inbox.drain(batch);
    REQUIRE(batch.size() == 1000);
    for (int i = 0; i < 1000; ++i) REQUIRE(batch[i] == i);
    CHECK(wakes.load() == 1);
}

TEST_CASE("inbox: 4 producers, FIFO per producer, one wake per non-empty batch", "[core][inbox]") {
    constexpr int kProducers = 4;
    constexpr uint32_t kPerProducer = 20000;
    std::atomic<int> wakes{0};
    Inbox<std::pair<int, uint32_t>> inbox([&] { wakes.fetch_add(1); });

    std::atomic<bool> go{false};
    std::vector<std::thread> producers;
    for (int p = 0; p < kProducers; ++p) {
        producers.emplace_back([&, p] {
            while (!go.load()) std::this_thread::yield();
            for (uint32_t seq = 0; seq < kPerProducer; ++seq) inbox.push({p, seq});
        });
    }

    std::vector<uint32_t> next(kProducers, 0);
    bool in_order = true;
    uint64_t received = 0;
    int nonempty_batches = 0;
    std::vector<std::pair<int, uint32_t>> batch;
    go.store(true);
    while (received < uint64_t{kProducers} * kPerProducer) {
        batch.clear();
        inbox.drain(batch);
        if (batch.empty()) {
            std::this_thread::yield();
            continue;
        }
        ++nonempty_batches;
        for (auto& [p, seq] : batch) {
            if (seq != next[p]) in_order = false;
            next[p] = seq + 1;
            ++received;
        }
    }
    for (auto& t : producers) t.join();

    CHECK(in_order);
    CHECK(received == uint64_t{kProducers} * kPerProducer);
    for (int p = 0; p < kProducers; ++p) CHECK(next[p] == kPerProducer);
    batch.clear();
    inbox.drain(batch);
    CHECK(batch.empty());
    // Every batch began with exactly one push into an empty inbox, which woke once.
    CHECK(wakes.load() == nonempty_batches);
}
