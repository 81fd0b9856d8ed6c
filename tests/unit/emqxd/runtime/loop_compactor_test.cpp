// Worker loops lent to worker 0's thread and given back: tasks posted to a
// lent loop run on the gatherer's thread, with the loop's owner moved along,
// and the loops end and their threads finish when the workers stop.
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <future>
#include <thread>
#include <vector>

#include "emqxd/runtime/loop_compactor.h"
#include "emqxd/runtime/worker_runtime.h"

using namespace emqx;

namespace {

void runTasks(WorkerRuntime& rt) {
    rt.setHandlers({
        .batch =
            [](std::vector<WorkerRuntime::InboxItem>& batch) {
                for (auto& item : batch) std::get<WorkerRuntime::Task>(item)();
            },
        .deadline = [](const DeadlineEntry&, int64_t) {},
        .end_of_iteration = [] {},
    });
}

CompactionPolicy::Thresholds alwaysGathered() {
    CompactionPolicy::Thresholds t;
    t.calm_periods = 1;
    t.gather_below = 1e9;
    t.spread_above_busy = 2;
    return t;
}

// Runtimes whose inbox items are tasks, run through `compactor` and started.
void startCompacted(LoopCompactor& compactor, std::vector<WorkerRuntime*> rts) {
    for (WorkerRuntime* rt : rts) {
        runTasks(*rt);
        rt->setCompactor(&compactor);
    }
    for (WorkerRuntime* rt : rts) rt->start();
}

// The thread a task posted to `rt` runs on, and whether it owns `rt` there.
std::pair<std::thread::id, bool> threadOf(WorkerRuntime& rt) {
    std::promise<std::pair<std::thread::id, bool>> p;
    auto f = p.get_future();
    rt.post([&] { p.set_value({std::this_thread::get_id(), rt.owner().isCurrent()}); });
    REQUIRE(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    return f.get();
}

// Posts a probe until `pred(thread of rt1 == thread of rt0)` holds (10 s deadline).
bool waitUntilShared(WorkerRuntime& rt0, WorkerRuntime& rt1, bool shared) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        if ((threadOf(rt0).first == threadOf(rt1).first) == shared) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

void stop(std::vector<WorkerRuntime*> rts) {
    for (WorkerRuntime* rt : rts) rt->post([rt] { rt->closeLoopHandles(); });
    for (WorkerRuntime* rt : rts) rt->join();
}

}  // namespace

TEST_CASE("loop compactor: an idle worker's loop runs on worker 0's thread, as its owner", "[core][runtime]") {
    WorkerRuntime rt0(0, 60000), rt1(1, 60000), rt2(2, 60000);
    LoopCompactor compactor({&rt0, &rt1, &rt2}, CompactionPolicy(alwaysGathered()), 10);
    startCompacted(compactor, {&rt0, &rt1, &rt2});

    REQUIRE(waitUntilShared(rt0, rt1, true));
    REQUIRE(waitUntilShared(rt0, rt2, true));
    auto [thread, owns] = threadOf(rt2);
    CHECK(thread == threadOf(rt0).first);
    CHECK(owns);
    // Stopping ends every loop, the lent ones too, and every thread finishes.
    stop({&rt0, &rt1, &rt2});
}

TEST_CASE("loop compactor: tasks bounce between gathered loops without a lost wake-up", "[core][runtime]") {
    WorkerRuntime rt0(0, 60000), rt1(1, 60000);
    LoopCompactor compactor({&rt0, &rt1}, CompactionPolicy(alwaysGathered()), 10);
    startCompacted(compactor, {&rt0, &rt1});
    REQUIRE(waitUntilShared(rt0, rt1, true));

    // Each hop is posted from the thread that runs both loops: the inbox is
    // marked, not signalled, and must still be drained every time.
    std::promise<int> done;
    int hops = 0;
    bool owned_every_hop = true;
    std::function<void(int)> hop = [&](int n) {
        WorkerRuntime& here = n % 2 ? rt1 : rt0;
        owned_every_hop = owned_every_hop && here.owner().isCurrent();
        ++hops;
        if (n == 10000) {
            done.set_value(hops);
            return;
        }
        WorkerRuntime& next = n % 2 ? rt0 : rt1;
        next.post([&hop, n] { hop(n + 1); });
    };
    rt0.post([&] { hop(0); });
    auto f = done.get_future();
    REQUIRE(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    CHECK(f.get() == 10001);
    CHECK(owned_every_hop);
    stop({&rt0, &rt1});
}

TEST_CASE("loop compactor: a busy gatherer gives the loops back to their threads", "[core][runtime]") {
    WorkerRuntime rt0(0, 60000), rt1(1, 60000);
    CompactionPolicy::Thresholds t;
    t.calm_periods = 1;
    t.gather_below = 0.5;
    t.spread_above_busy = 0.5;
    t.cooldown_ms = 60000;  // once spread, it stays spread
    LoopCompactor compactor({&rt0, &rt1}, CompactionPolicy(t), 20);
    startCompacted(compactor, {&rt0, &rt1});
    REQUIRE(waitUntilShared(rt0, rt1, true));

    // Busy the one thread for longer than a period.
    rt1.post([] {
        auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
        while (std::chrono::steady_clock::now() < until) {
        }
    });
    REQUIRE(waitUntilShared(rt0, rt1, false));
    auto [thread, owns] = threadOf(rt1);
    CHECK(thread != threadOf(rt0).first);
    CHECK(owns);
    stop({&rt0, &rt1});
}
