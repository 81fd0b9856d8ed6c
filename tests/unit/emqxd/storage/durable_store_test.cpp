// The durable store's write hold at start: what a load queues (removing
// expired records) is committed only when released, and dropped when the
// load found damage. The ids of new messages.
#include <catch2/catch.hpp>

#include <string>

#include "emqxd/storage/durable_store.h"
#include "tests/unit/emqxd/storage/temp_store.h"

using namespace emqx;
using emqx::test::TempStore;

namespace {

size_t retainedCount(storage::DurableStore& store) {
    size_t n = 0;
    std::string error;
    REQUIRE(store.forEachRetained([&](std::string_view, std::string_view) { return ++n, true; }, error));
    return n;
}

}  // namespace

TEST_CASE("durable store: held writes are dropped by discard, committed by release", "[storage]") {
    TempStore t;
    t.store->putRetained("a", "1");
    t.store->putRetained("b", "2");
    t.reopen();
    REQUIRE(retainedCount(*t.store) == 2);

    t.store->holdWrites();
    t.store->deleteRetained("a");
    t.store->discardWrites();
    t.reopen();
    CHECK(retainedCount(*t.store) == 2);  // nothing changed

    t.store->holdWrites();
    uint64_t seq = t.store->deleteRetained("a");
    t.store->releaseWrites();
    t.reopen();
    CHECK(seq > 0);
    CHECK(retainedCount(*t.store) == 1);
}

TEST_CASE("durable store: only QoS 1 and 2 messages take a durable id, in order", "[storage]") {
    TempStore t;
    t.store->startMessageIdsAt(10);
    CHECK(t.store->idForNewMessage(0) == 0);
    CHECK(t.store->idForNewMessage(1) == 10);
    CHECK(t.store->idForNewMessage(0) == 0);
    CHECK(t.store->idForNewMessage(2) == 11);
    CHECK(t.store->nextMessageId() == 12);  // QoS 0 took none
}
