#include "emqxd/worker/worker.h"

#include <unistd.h>

#include <cassert>

#include "common/clock/wall_clock.h"
#include "emqxd/auth/password_verifier.h"
#include "emqxd/net/connection.h"
#include "emqxd/net/listener_stats.h"
#include "emqxd/net/transport.h"
#include "emqxd/shard/broker_shard.h"

namespace emqx {

Worker::Worker(BrokerContext& ctx, uint32_t index)
    : ctx_(ctx),
      index_(index),
      inbox_([this] { uv_async_send(&wakeup_); }),
      protocol_errors_(ctx.cfg.log.throttling_time_window),
      read_buffer_(new char[kReadBufferSize]) {
    uv_loop_init(&loop_);
    loop_.data = this;
    uv_async_init(&loop_, &wakeup_, [](uv_async_t* a) { static_cast<Worker*>(a->loop->data)->onWakeup(); });
    uv_timer_init(&loop_, &timer_);
    uv_prepare_init(&loop_, &prepare_);
    uv_check_init(&loop_, &check_);
    refreshWallOffset();
    uv_prepare_start(&prepare_, [](uv_prepare_t* p) {
        auto* w = static_cast<Worker*>(p->loop->data);
        w->refreshWallOffset();
        w->flushDirty();
    });
    uv_check_start(&check_, [](uv_check_t* c) { static_cast<Worker*>(c->loop->data)->flushDirty(); });
    uv_unref(reinterpret_cast<uv_handle_t*>(&prepare_));
    uv_unref(reinterpret_cast<uv_handle_t*>(&check_));
    verifier_ = std::make_unique<auth::PasswordVerifier>(&loop_);
    deadlines_.bindOwner(owner_);
    shard_ = std::make_unique<BrokerShard>(*this);
}

Worker::~Worker() {
    if (thread_.joinable()) thread_.join();
    if (!started_) {
        // Never run (a start that failed later, a unit test): close what the
        // constructor opened, or the loop cannot close and its memory leaks.
        closeLoopHandles();
        uv_run(&loop_, UV_RUN_DEFAULT);
    }
    uv_loop_close(&loop_);
}

void Worker::closeLoopHandles() {
    uv_close(reinterpret_cast<uv_handle_t*>(&wakeup_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&prepare_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&check_), nullptr);
}

void Worker::refreshWallOffset() {
    uv_update_time(&loop_);
    wall_offset_ms_ = wallClockMs() - nowMs();
}

void Worker::start() {
    started_ = true;
    thread_ = std::thread([this] { run(); });
}

void Worker::join() {
    if (thread_.joinable()) thread_.join();
}

void Worker::run() {
    owner_.enter();
    uv_run(&loop_, UV_RUN_DEFAULT);
    // Drain the handles closed on the way out.
    uv_run(&loop_, UV_RUN_DEFAULT);
    owner_.leave();  // the main thread saves and frees what the loop owned
}

bool Worker::acksWaitForCommit() const { return shard_->acks().waitingForCommit(); }

void Worker::post(Task task) { inbox_.push(InboxItem{std::move(task)}); }

void Worker::adoptSocket(int fd, ListenerStats* listener, std::string peer) {
    post([this, fd, listener, peer = std::move(peer)]() mutable {
        if (stopping_) {
            ::close(fd);
            listener->current.fetch_sub(1, std::memory_order_relaxed);
            return;
        }
        std::unique_ptr<Transport> transport = makeTransport(*listener, nowMs(), ctx_.cfg.mqtt.max_packet_size);
        Connection& c = newConnection(fd, listener, std::move(peer), std::move(transport));
        c.setConnectedAtMs(wallClockMs());
        if (!c.closing()) {
            int64_t at = nowMs() + ctx_.cfg.mqtt.idle_timeout;
            if (int64_t hs = c.handshakeDeadline(); hs >= 0 && hs < at) at = hs;  // TLS handshake_timeout
            schedule(DeadlineKind::Connection, c.id(), c.deadline_slot, at);
        }
    });
}

void Worker::adoptMigrating(MigratingConnection m) {
    auto shared = std::make_shared<MigratingConnection>(std::move(m));
    post([this, shared] {
        MigratingConnection& mc = *shared;
        if (stopping_) {
            ::close(mc.fd);
            mc.listener->current.fetch_sub(1, std::memory_order_relaxed);
            return;
        }
        Connection& c =
            newConnection(mc.fd, mc.listener, std::move(mc.peer), std::move(mc.transport), std::move(mc.wire));
        c.setConnectedAtMs(mc.connected_at_ms);
        if (c.closing()) return;
        metrics_.add(Metric::PacketsConnectReceived);
        c.channel().handleMigratedConnect(std::move(mc.connect), mc.hops);
        if (auto again = c.channel().takeMigration()) {
            // The owner changed meanwhile: follow it (bounded by hops).
            c.migrate(std::move(*again), std::move(mc.unread));
            return;
        }
        c.feed(mc.unread);
    });
}

void Worker::sendToOwner(MigratingConnection m, uint32_t owner) {
    EMQX_ASSERT_OWNER(owner_);
    ctx_.workers[owner]->adoptMigrating(std::move(m));
}

Connection& Worker::newConnection(int fd, ListenerStats* listener, std::string peer,
                                  std::unique_ptr<Transport> transport, std::string wire) {
    uint64_t id = next_connection_id_++;
    auto conn = std::make_unique<Connection>(*this, id, listener, std::move(peer));
    Connection& c = *conn;
    connections_.emplace(id, std::move(conn));
    connection_count_.store(connections_.size(), std::memory_order_relaxed);
    c.open(fd, std::move(transport), std::move(wire));
    return c;
}

Connection* Worker::findConnection(uint64_t id) {
    EMQX_ASSERT_OWNER(owner_);
    auto it = connections_.find(id);
    return it == connections_.end() ? nullptr : it->second.get();
}

bool Worker::connectionOpen(uint64_t id) {
    EMQX_ASSERT_OWNER(owner_);
    Connection* c = findConnection(id);
    return c && !c->closing();
}

void Worker::connectionClosed(uint64_t id) {
    EMQX_ASSERT_OWNER(owner_);
    auto it = connections_.find(id);
    if (it == connections_.end()) return;
    Connection* c = it->second.get();
    std::erase(dirty_, c);
    if (c->deadline_slot != DeadlineQueue::kNone)
        deadlines_.reschedule(DeadlineKind::Connection, id, c->deadline_slot, DeadlineQueue::kNone);
    connections_.erase(it);
    connection_count_.store(connections_.size(), std::memory_order_relaxed);
    if (stopping_ && connections_.empty()) closeLoopHandles();
}

void Worker::requestStop() {
    post([this] {
        stopping_ = true;
        protocol_errors_.windowEnded();  // what it held back is told before the end
        verifier_->cancelQueued();       // the loop ends once the running ones are back
        std::vector<Connection*> all;
        for (auto& [id, c] : connections_) all.push_back(c.get());
        for (Connection* c : all) c->close(ShutdownReason::Shutdown);
        if (connections_.empty()) closeLoopHandles();
    });
}

void Worker::onWakeup() {
    inbox_.drain(batch_);
    for (InboxItem& item : batch_) {
        if (auto* d = std::get_if<Delivery>(&item)) {
            shard_->deliver(*d);
        } else {
            std::get<Task>(item)();
        }
    }
    batch_.clear();
}

void Worker::markDirty(Connection* c) {
    EMQX_ASSERT_OWNER(owner_);
    dirty_.push_back(c);
}

void Worker::flushDirty() {
    shard_->flushOutgoing();
    // Once per loop iteration: the cached headers let go of their message.
    publish_headers_.clear();
    // A flush can close a connection, which edits dirty_: work on a copy.
    while (!dirty_.empty()) {
        std::vector<Connection*> now;
        now.swap(dirty_);
        for (Connection* c : now) c->flush();
    }
    armTimer();
}

Channel* Worker::channelOf(uint64_t session_id) {
    EMQX_ASSERT_OWNER(owner_);
    auto it = attached_.find(session_id);
    return it == attached_.end() ? nullptr : it->second;
}

void Worker::setChannelOf(uint64_t session_id, Channel* c) {
    EMQX_ASSERT_OWNER(owner_);
    if (c) attached_[session_id] = c;
    else attached_.erase(session_id);
}

void Worker::schedule(DeadlineKind kind, uint64_t id, int64_t& slot, int64_t at_ms) {
    EMQX_ASSERT_OWNER(owner_);
    deadlines_.reschedule(kind, id, slot, at_ms);
}

void Worker::logProtocolError(const ProtocolErrorEvent& e) {
    EMQX_ASSERT_OWNER(owner_);
    schedule(DeadlineKind::LogWindow, 0, log_window_slot_, protocol_errors_.report(nowMs(), e));
}

void Worker::armTimer() {
    int64_t earliest = deadlines_.earliest();
    if (earliest == timer_armed_at_) return;
    timer_armed_at_ = earliest;
    if (earliest == DeadlineQueue::kNone) {
        uv_timer_stop(&timer_);
        return;
    }
    int64_t delay = std::max<int64_t>(0, earliest - nowMs());
    uv_timer_start(
        &timer_, [](uv_timer_t* t) { static_cast<Worker*>(t->loop->data)->onTimer(); }, static_cast<uint64_t>(delay),
        0);
}

void Worker::onTimer() {
    timer_armed_at_ = -1;
    int64_t now = nowMs();
    deadlines_.popDue(now, [&](const DeadlineEntry& e) {
        if (e.kind == DeadlineKind::Connection) {
            auto it = connections_.find(e.id);
            if (it == connections_.end()) return;
            Connection& c = *it->second;
            c.deadline_slot = DeadlineQueue::kNone;
            if (c.handshakeTimedOut(now)) {
                c.close(ShutdownReason::SslHandshakeTimeout);  // schedules its linger deadline
                return;
            }
            if (c.readPaused() && c.readPausedUntilMs() <= now) {
                c.resumeReading();
                if (c.closing()) return;  // closed (or moved) by what it parsed
            }
            int64_t next = c.channel().onDeadline(now);
            if (connections_.contains(e.id) && next >= 0)
                schedule(DeadlineKind::Connection, e.id, c.deadline_slot, next);
        } else if (e.kind == DeadlineKind::Session) {
            shard_->onSessionDeadline(e.id);
        } else {
            log_window_slot_ = DeadlineQueue::kNone;
            protocol_errors_.windowEnded();
        }
    });
    armTimer();
}

}  // namespace emqx
