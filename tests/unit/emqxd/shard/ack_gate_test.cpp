// AckGate: a publisher's acks wait for the durable writes they depend on and
// leave in the order their publishes came, per connection.
#include <catch2/catch.hpp>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "emqxd/shard/ack_gate.h"
#include "tests/unit/emqxd/storage/temp_store.h"

using namespace emqx;

namespace {

DurableWrites upTo(uint64_t seq) {
    DurableWrites w;
    w.add(seq);
    return w;
}

}  // namespace

TEST_CASE("ack gate: acks of one connection keep their order behind a deferred one", "[core][ack]") {
    std::set<uint64_t> closed;
    AckGate gate(nullptr, [&](uint64_t id) { return !closed.contains(id); });
    std::vector<std::string> sent;

    CHECK_FALSE(gate.mustWait(1, {}));
    gate.defer(1, upTo(5), [&](bool stored) { sent.push_back(stored ? "a1" : "a1-not-stored"); });
    CHECK(gate.waitingForCommit());
    // A later ack of the same connection waits behind it, even with nothing to write.
    CHECK(gate.mustWait(1, {}));
    gate.defer(1, {}, [&](bool) { sent.push_back("a2"); });
    // Other connections are not held up.
    CHECK_FALSE(gate.mustWait(2, {}));

    gate.onCommitted(4);
    CHECK(sent.empty());
    gate.onCommitted(5);
    CHECK(sent == std::vector<std::string>{"a1", "a2"});
    CHECK_FALSE(gate.waitingForCommit());
    CHECK_FALSE(gate.mustWait(1, {}));
}

TEST_CASE("ack gate: an ack for a connection closed meanwhile is not sent", "[core][ack]") {
    std::set<uint64_t> closed;
    AckGate gate(nullptr, [&](uint64_t id) { return !closed.contains(id); });
    int sent = 0;
    gate.defer(7, upTo(3), [&](bool) { ++sent; });
    closed.insert(7);
    gate.onCommitted(3);
    CHECK(sent == 0);
    CHECK_FALSE(gate.mustWait(7, {}));
}

TEST_CASE("ack gate: with durable.fsync always an ack waits for the commit of its write", "[core][ack]") {
    test::TempStore t(storage::FsyncMode::Always);
    AckGate gate(t.store.get(), [](uint64_t) { return true; });
    DurableWrites writes = upTo(t.store->putRetained("t", "v"));
    REQUIRE(writes.last_seq != 0);
    int sent = 0;
    bool was_stored = false;
    auto send = [&](bool stored) {
        ++sent;
        was_stored = stored;
    };
    if (gate.mustWait(1, writes)) gate.defer(1, writes, send);
    else send(!gate.anyFailed(writes));  // the writer was quicker than us
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (t.store->committedSeq() < writes.last_seq && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    REQUIRE(t.store->committedSeq() >= writes.last_seq);
    gate.onCommitted(t.store->committedSeq());  // what the commit listener posts to the worker
    CHECK(sent == 1);
    CHECK(was_stored);
    CHECK_FALSE(gate.mustWait(1, writes));
}

TEST_CASE("ack gate: a refused write is told as refused, not waited for", "[core][ack]") {
    DurableWrites w;
    w.add(0);  // what a store that refuses writes returns
    CHECK(w.refused);
    CHECK(w.last_seq == 0);
    AckGate gate(nullptr, [](uint64_t) { return true; });
    CHECK_FALSE(gate.mustWait(1, w));
}
