#pragma once
// The connections of one worker: made at accept (or when one moves here), found
// by id (asynchronous completions hold ids, never pointers), flushed once per
// loop iteration, driven at their deadlines, and forgotten once closed.
// Owner: the worker thread, but count().
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "emqxd/net/migrating_connection.h"
#include "emqxd/net/write_request.h"
#include "emqxd/runtime/worker_runtime.h"

namespace emqx {

class BrokerShard;
class Connection;
class Transport;
struct BrokerContext;
struct ListenerStats;

class ConnectionTable {
public:
    // `send_to_owner`: hands a connection to the worker owning its session.
    ConnectionTable(WorkerRuntime& runtime, BrokerShard& shard, BrokerContext& ctx, SendToOwner send_to_owner);
    ~ConnectionTable();
    ConnectionTable(const ConnectionTable&) = delete;
    ConnectionTable& operator=(const ConnectionTable&) = delete;

    WorkerRuntime& runtime() { return runtime_; }
    BrokerShard& shard() { return shard_; }
    BrokerContext& ctx() { return ctx_; }

    // A socket from a listener: a new connection, its idle (or TLS handshake)
    // deadline set; closed at once while the worker stops.
    void accept(int fd, ListenerStats* listener, std::string peer);
    Connection& open(int fd, ListenerStats* listener, std::string peer, std::unique_ptr<Transport> transport,
                     std::string wire = {});
    // Null once it is gone.
    Connection* find(uint64_t id);
    bool isOpen(uint64_t id);
    // Any thread.
    size_t count() const { return count_.load(std::memory_order_relaxed); }
    bool empty() const { return connections_.empty(); }

    void markDirty(Connection* c) { dirty_.push_back(c); }
    // Writes the output of every connection marked this iteration.
    void flush();
    // A Connection deadline has come (WorkerRuntime::Handlers::deadline).
    void onDeadline(uint64_t id, int64_t now_ms);
    void connectionClosed(uint64_t id);  // from the connection's uv_close callback
    // Closes every connection with reason `shutdown` (at the worker's stop).
    void closeAll();
    void sendToOwner(MigratingConnection m, uint32_t owner) { send_to_owner_(std::move(m), owner); }

    WriteRequestPool& writeRequests() { return write_requests_; }
    OutputBufferPool& outputBuffers() { return output_buffers_; }
    PartialPacketPool& partialPackets() { return partial_packets_; }

private:
    WorkerRuntime& runtime_;
    BrokerShard& shard_;
    BrokerContext& ctx_;
    SendToOwner send_to_owner_;
    uint64_t next_id_ = 1;
    // Open addressing: about 20 B per connection where a node map took 40.
    absl::flat_hash_map<uint64_t, std::unique_ptr<Connection>> connections_;
    std::vector<Connection*> dirty_;
    std::atomic<size_t> count_{0};
    OutputBufferPool output_buffers_{runtime_.owner()};
    WriteRequestPool write_requests_{output_buffers_};
    PartialPacketPool partial_packets_;
};

}  // namespace emqx
