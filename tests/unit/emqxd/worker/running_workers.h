#pragma once
// Test support: workers of a BrokerContext running on their own threads, with
// a way to run code on one of them and wait for it, and to hold one busy so
// that what is posted to it waits.
#include <functional>
#include <future>
#include <memory>
#include <vector>

#include "emqxd/broker/broker_context.h"
#include "emqxd/worker/worker.h"

namespace emqx::test {

// Makes `count` workers on `broker` and starts them; stops them when it ends.
class RunningWorkers {
public:
    RunningWorkers(BrokerContext& broker, unsigned count) {
        for (unsigned i = 0; i < count; ++i) workers.push_back(std::make_unique<Worker>(broker, i, nullptr));
        for (auto& w : workers) w->start();
    }
    ~RunningWorkers() {
        for (auto& w : workers) w->requestStop();
        for (auto& w : workers) w->join();
    }
    Worker& operator[](unsigned i) { return *workers[i]; }

    // Runs `fn` on worker `i` and waits for it.
    void onWorker(unsigned i, const std::function<void(Worker&)>& fn) {
        std::promise<void> done;
        Worker& w = *workers[i];
        w.post([&] {
            fn(w);
            done.set_value();
        });
        done.get_future().wait();
    }

    std::vector<std::unique_ptr<Worker>> workers;
};

// Keeps a worker busy from its construction to its release: what is posted to
// it meanwhile waits (the worker's thread waits in a task).
class Hold {
public:
    explicit Hold(Worker& w) {
        w.post([held = release_.get_future().share()] { held.wait(); });
    }
    ~Hold() { release(); }
    void release() {
        if (!released_) release_.set_value();
        released_ = true;
    }

private:
    std::promise<void> release_;
    bool released_ = false;
};

}  // namespace emqx::test
