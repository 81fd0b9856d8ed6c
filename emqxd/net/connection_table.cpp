#include "emqxd/net/connection_table.h"

#include <unistd.h>

#include "common/clock/wall_clock.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/broker/listener_stats.h"
#include "emqxd/net/connection.h"
#include "emqxd/protocol/channel_directory.h"

namespace emqx {

ConnectionTable::ConnectionTable(WorkerRuntime& runtime, BrokerShard& shard, BrokerContext& ctx,
                                 SendToOwner send_to_owner)
    : runtime_(runtime), shard_(shard), ctx_(ctx), send_to_owner_(std::move(send_to_owner)) {
    runtime_.local<ChannelDirectory>().find = [this](uint64_t id) -> Channel* {
        Connection* c = find(id);
        return c && !c->closing() ? &c->channel() : nullptr;
    };
}

ConnectionTable::~ConnectionTable() = default;

void ConnectionTable::accept(int fd, ListenerStats* listener, std::string peer) {
    if (runtime_.stopping()) {
        ::close(fd);
        listener->current.fetch_sub(1, std::memory_order_relaxed);
        return;
    }
    std::unique_ptr<Transport> transport = makeTransport(*listener, runtime_.nowMs(), ctx_.cfg.mqtt.max_packet_size);
    Connection& c = open(fd, listener, std::move(peer), std::move(transport));
    c.setConnectedAtMs(wallClockMs());
    if (c.closing()) return;
    int64_t at = runtime_.nowMs() + ctx_.cfg.mqtt.idle_timeout;
    if (int64_t hs = c.handshakeDeadline(); hs >= 0 && hs < at) at = hs;  // TLS handshake_timeout
    runtime_.schedule(DeadlineKind::Connection, c.id(), c.deadline_slot, at);
}

Connection& ConnectionTable::open(int fd, ListenerStats* listener, std::string peer,
                                  std::unique_ptr<Transport> transport, std::string wire) {
    uint64_t id = next_id_++;
    auto conn = std::make_unique<Connection>(*this, id, listener, std::move(peer));
    Connection& c = *conn;
    connections_.emplace(id, std::move(conn));
    count_.store(connections_.size(), std::memory_order_relaxed);
    c.open(fd, std::move(transport), std::move(wire));
    return c;
}

Connection* ConnectionTable::find(uint64_t id) {
    auto it = connections_.find(id);
    return it == connections_.end() ? nullptr : it->second.get();
}

bool ConnectionTable::isOpen(uint64_t id) {
    Connection* c = find(id);
    return c && !c->closing();
}

void ConnectionTable::connectionClosed(uint64_t id) {
    auto it = connections_.find(id);
    if (it == connections_.end()) return;
    Connection* c = it->second.get();
    std::erase(dirty_, c);
    runtime_.schedule(DeadlineKind::Connection, id, c->deadline_slot, DeadlineQueue::kNone);
    std::unique_ptr<Connection> closed = std::move(it->second);  // destroyed once out of the table
    connections_.erase(it);
    count_.store(connections_.size(), std::memory_order_relaxed);
    if (runtime_.stopping() && connections_.empty()) runtime_.closeLoopHandles();
}

void ConnectionTable::closeAll() {
    std::vector<Connection*> all;
    for (auto& [id, c] : connections_) all.push_back(c.get());
    for (Connection* c : all) c->close(ShutdownReason::Shutdown);
}

void ConnectionTable::flush() {
    // A flush can close a connection, which edits dirty_: work on a copy.
    while (!dirty_.empty()) {
        std::vector<Connection*> now;
        now.swap(dirty_);
        for (Connection* c : now) c->flush();
    }
}

void ConnectionTable::onDeadline(uint64_t id, int64_t now) {
    Connection* found = find(id);
    if (!found) return;
    Connection& c = *found;
    if (c.handshakeTimedOut(now)) {
        c.close(ShutdownReason::SslHandshakeTimeout);  // schedules its linger deadline
        return;
    }
    if (c.readPaused() && c.readPausedUntilMs() <= now) {
        c.resumeReading();
        if (c.closing()) return;  // closed (or moved) by what it parsed
    }
    int64_t next = c.channel().onDeadline(now);
    if (connections_.contains(id) && next >= 0) runtime_.schedule(DeadlineKind::Connection, id, c.deadline_slot, next);
}

}  // namespace emqx
