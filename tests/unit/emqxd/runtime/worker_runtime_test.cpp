// A worker's runtime: per-layer state by type (made on first use, told of the
// stop), and the handlers its inbox batches and deadlines go to. Runtimes that
// are started run their loop on their own thread; the test waits on futures.
#include <catch2/catch.hpp>

#include <future>
#include <string>
#include <vector>

#include "emqxd/runtime/worker_runtime.h"

using namespace emqx;

namespace {

struct Counter {
    int value = 0;
};

// Made from the runtime it belongs to; counts the stops it is told of.
struct StoppableState {
    explicit StoppableState(WorkerRuntime& rt) : runtime(&rt) {}
    void onWorkerStop() { ++stops; }
    WorkerRuntime* runtime;
    int stops = 0;
};

struct FromLoop {
    explicit FromLoop(uv_loop_t* l) : loop(l) {}
    uv_loop_t* loop;
};

}  // namespace

TEST_CASE("runtime: a layer's state is one per type and runtime, made on first use", "[core][runtime]") {
    WorkerRuntime a(0, 60000);
    WorkerRuntime b(1, 60000);
    a.local<Counter>().value = 7;
    CHECK(a.local<Counter>().value == 7);
    CHECK(&a.local<Counter>() == &a.local<Counter>());
    CHECK(b.local<Counter>().value == 0);  // b's own
    CHECK(&a.local<StoppableState>() != &b.local<StoppableState>());
    CHECK(a.local<StoppableState>().runtime == &a);  // made from its runtime
    CHECK(b.local<FromLoop>().loop == b.loop());     // or from its loop
}

TEST_CASE("runtime: the stop is told to the states that exist", "[core][runtime]") {
    WorkerRuntime rt(0, 60000);
    StoppableState& s = rt.local<StoppableState>();
    CHECK_FALSE(rt.stopping());
    rt.beginStop();
    CHECK(rt.stopping());
    CHECK(s.stops == 1);
}

TEST_CASE("runtime: inbox batches and deadlines go to the worker's handlers, in order", "[core][runtime]") {
    WorkerRuntime rt(3, 60000);
    std::vector<std::string> seen;
    std::promise<void> done;
    DeadlineSlot slot;
    rt.setHandlers({
        .batch =
            [&](std::vector<WorkerRuntime::InboxItem>& batch) {
                for (auto& item : batch) {
                    if (auto* d = std::get_if<Delivery>(&item))
                        seen.push_back("delivery " + std::to_string(d->session_id));
                    else std::get<WorkerRuntime::Task>(item)();
                }
            },
        .deadline =
            [&](const DeadlineEntry& e, int64_t) {
                seen.push_back("deadline " + std::to_string(e.id));
                rt.closeLoopHandles();  // the loop ends
                done.set_value();
            },
        .end_of_iteration = [] {},
    });
    std::vector<Delivery> deliveries(2);
    deliveries[0].session_id = 1;
    deliveries[1].session_id = 2;
    rt.post([&] { seen.push_back("task"); });
    rt.postDeliveries(deliveries.begin(), deliveries.end());
    rt.post([&] { rt.schedule(DeadlineKind::Session, 9, slot, rt.nowMs()); });
    rt.start();
    done.get_future().wait();
    rt.join();
    CHECK(seen == std::vector<std::string>{"task", "delivery 1", "delivery 2", "deadline 9"});
}
