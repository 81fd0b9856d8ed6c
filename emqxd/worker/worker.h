#pragma once
// One I/O worker: a thread running its own libuv loop (the runtime) with the
// connections it owns (net's ConnectionTable) and the broker's work for the
// sessions living on it (the shard). The worker makes the three and wires the
// runtime's handlers to them. Other threads reach it only through its inbox
// (post / adoptSocket / adoptMigrating / requestStop).
#include <cstdint>
#include <memory>
#include <string>

#include "emqxd/broker/broker_context.h"
#include "emqxd/net/connection_table.h"
#include "emqxd/net/migrating_connection.h"
#include "emqxd/runtime/worker_runtime.h"
#include "emqxd/shard/broker_shard.h"

namespace emqx {

class Worker {
public:
    using Task = WorkerRuntime::Task;

    // `send_to_owner`: where a connection goes whose session another worker owns.
    Worker(BrokerContext& ctx, uint32_t index, SendToOwner send_to_owner);
    ~Worker();

    // --- any thread ---
    void start() { runtime_.start(); }
    void join() { runtime_.join(); }
    uint32_t index() const { return runtime_.index(); }
    void post(Task task) { runtime_.post(std::move(task)); }
    void adoptSocket(int fd, ListenerStats* listener, std::string peer);
    void adoptMigrating(MigratingConnection m);
    // Closes every connection with reason `shutdown` and stops the loop.
    void requestStop();
    const Metrics& metrics() const { return runtime_.metrics(); }
    size_t connectionCount() const { return connections_.count(); }
    // Whether acks of this worker wait for a durable commit (the store's
    // writer thread asks, to wake only the workers that wait).
    bool acksWaitForCommit() const;

    // --- the worker's own thread ---
    WorkerRuntime& runtime() { return runtime_; }
    Metrics& metrics() { return runtime_.metrics(); }
    // The broker's work on this worker: sessions, subscriptions, publish, acks.
    BrokerShard& shard() { return shard_; }

private:
    void runBatch(std::vector<WorkerRuntime::InboxItem>& batch);
    void endOfIteration();

    WorkerRuntime runtime_;
    BrokerShard shard_;
    ConnectionTable connections_;
};

}  // namespace emqx
