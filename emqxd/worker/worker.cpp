#include "emqxd/worker/worker.h"

#include <unistd.h>

#include <cassert>
#include <chrono>

#include "common/topic/topic.h"
#include "emqxd/app/listener_stats.h"
#include "emqxd/auth/password_verifier.h"
#include "emqxd/auth/security.h"
#include "emqxd/net/connection.h"
#include "emqxd/net/transport.h"
#include "emqxd/session/session.h"
#include "emqxd/storage/durable_store.h"
#include "emqxd/storage/record_codec.h"

namespace emqx {

Worker::Worker(BrokerContext& ctx, uint32_t index)
    : ctx_(ctx), index_(index), inbox_([this] { uv_async_send(&wakeup_); }),
      protocol_errors_(ctx.cfg.log.throttling_time_window), read_buffer_(new char[kReadBufferSize]) {
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
    outgoing_.resize(ctx_.worker_count);
    verifier_ = std::make_unique<auth::PasswordVerifier>(&loop_);
}

Worker::~Worker() {
    if (thread_.joinable()) thread_.join();
    uv_loop_close(&loop_);
}

int64_t Worker::wallMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void Worker::refreshWallOffset() {
    uv_update_time(&loop_);
    wall_offset_ms_ = wallMs() - nowMs();
}

void Worker::start() {
    thread_ = std::thread([this] { run(); });
}

void Worker::join() {
    if (thread_.joinable()) thread_.join();
}

void Worker::run() {
    uv_run(&loop_, UV_RUN_DEFAULT);
    // Drain the handles closed on the way out.
    uv_run(&loop_, UV_RUN_DEFAULT);
}

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
        c.setConnectedAtMs(wallMs());
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
        Connection& c = newConnection(mc.fd, mc.listener, std::move(mc.peer), std::move(mc.transport), std::move(mc.wire));
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

void Worker::sendToOwner(MigratingConnection m, uint32_t owner) { ctx_.workers[owner]->adoptMigrating(std::move(m)); }

Connection& Worker::newConnection(int fd, ListenerStats* listener, std::string peer, std::unique_ptr<Transport> transport,
                                  std::string wire) {
    uint64_t id = next_connection_id_++;
    auto conn = std::make_unique<Connection>(*this, id, listener, std::move(peer));
    Connection& c = *conn;
    connections_.emplace(id, std::move(conn));
    connection_count_.store(connections_.size(), std::memory_order_relaxed);
    c.open(fd, std::move(transport), std::move(wire));
    return c;
}

Connection* Worker::findConnection(uint64_t id) {
    auto it = connections_.find(id);
    return it == connections_.end() ? nullptr : it->second.get();
}

void Worker::connectionClosed(uint64_t id) {
    auto it = connections_.find(id);
    if (it == connections_.end()) return;
    Connection* c = it->second.get();
    std::erase(dirty_, c);
    if (c->deadline_slot != DeadlineQueue::kNone)
        deadlines_.reschedule(DeadlineKind::Connection, id, c->deadline_slot, DeadlineQueue::kNone);
    connections_.erase(it);
    connection_count_.store(connections_.size(), std::memory_order_relaxed);
    if (stopping_ && connections_.empty()) {
        uv_close(reinterpret_cast<uv_handle_t*>(&wakeup_), nullptr);
        uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr);
        uv_close(reinterpret_cast<uv_handle_t*>(&prepare_), nullptr);
        uv_close(reinterpret_cast<uv_handle_t*>(&check_), nullptr);
    }
}

void Worker::requestStop() {
    post([this] {
        stopping_ = true;
        protocol_errors_.windowEnded();  // what it held back is told before the end
        verifier_->cancelQueued();  // the loop ends once the running ones are back
        std::vector<Connection*> all;
        for (auto& [id, c] : connections_) all.push_back(c.get());
        for (Connection* c : all) c->close(ShutdownReason::Shutdown);
        if (connections_.empty()) {
            uv_close(reinterpret_cast<uv_handle_t*>(&wakeup_), nullptr);
            uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr);
            uv_close(reinterpret_cast<uv_handle_t*>(&prepare_), nullptr);
            uv_close(reinterpret_cast<uv_handle_t*>(&check_), nullptr);
        }
    });
}

void Worker::onWakeup() {
    inbox_.drain(batch_);
    for (InboxItem& item : batch_) {
        if (auto* d = std::get_if<Delivery>(&item)) {
            handle(*d);
        } else {
            std::get<Task>(item)();
        }
    }
    batch_.clear();
}

void Worker::markDirty(Connection* c) { dirty_.push_back(c); }

void Worker::postOutgoing() {
    for (uint32_t w = 0; w < outgoing_.size(); ++w) {
        auto& out = outgoing_[w];
        if (out.empty()) continue;
        ctx_.workers[w]->postDeliveries(std::make_move_iterator(out.begin()), std::make_move_iterator(out.end()));
        out.clear();
    }
}

void Worker::flushDirty() {
    postOutgoing();
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

size_t Worker::publish(const MessagePtr& published, RouteMemo* memo) {
    MessagePtr rewritten;
    const MessagePtr& msg = ctx_.hooks.publish(published, rewritten);  // message.publish: null when dropped
    if (!msg) return 0;
    if (msg->retain && ctx_.cfg.mqtt.retain_available) {
        ctx_.retain->put(msg);
        metrics_.add(Metric::MessagesRetained);
    }
    metrics_.add(Metric::MessagesPublish);
    size_t targets = 0;
    auto target = [&](const Subscriber& s, uint64_t shared_group) {
        ++targets;
        journal(*msg, s);
        Delivery d{msg, s.session_id, s.options, shared_group};
        if (s.worker == index_) {
            local_.push_back(std::move(d));
        } else {
            outgoing_[s.worker].push_back(std::move(d));
        }
    };
    uint64_t generation = ctx_.router.generation();
    if (const std::vector<Subscriber>* remembered = memo ? memo->lookup(generation, msg->topic) : nullptr) {
        for (const Subscriber& s : *remembered) target(s, 0);
    } else {
        if (memo) memo->begin();
        ctx_.router.route(*msg, index_, [&](const RouteTarget& t) {
            target(*t.subscriber, t.shared_group);
            if (memo) memo->add(*t.subscriber, t.shared_group);
        });
        if (memo) memo->finish(generation, msg->topic);
    }
    if (targets == 0) {
        ctx_.hooks.run(hooks::MessageDropped::noSubscribers(*msg));
        metrics_.add(Metric::MessagesDroppedNoSubscribers);
        metrics_.add(Metric::MessagesDropped);
        return 0;
    }
    // Local deliveries may publish again (a will, an event): take the batch first.
    std::vector<Delivery> local;
    local.swap(local_);
    for (Delivery& d : local) handle(d);
    local.clear();
    if (local_.empty()) local_.swap(local);
    return targets;
}

void Worker::journal(const Message& msg, const Subscriber& to) {
    uint8_t qos = std::min(msg.qos, to.options.qos);
    if (!to.options.durable || qos == 0 || msg.durable_id == 0 || !ctx_.durable) return;
    ctx_.durable->putJournaled(to.session_id, msg.durable_id, storage::encodeJournaled(msg, qos, to.options));
}

void Worker::handle(Delivery& d) {
    Session* s = findSession(d.session_id);
    if (d.shared_group != 0 && (!s || !s->connected())) {
        // The chosen member has gone: give the message to another live member.
        Subscriber other;
        if (ctx_.router.repick(d.shared_group, *d.msg, d.session_id, other) &&
            (other.worker != index_ || (findSession(other.session_id) && findSession(other.session_id)->connected()))) {
            // The journal follows the message to its new member.
            if (ctx_.durable && journalIdOf(d.msg, std::min(d.msg->qos, d.options.qos), d.options) != 0)
                ctx_.durable->finished(d.session_id, d.msg->durable_id);
            journal(*d.msg, other);
            Delivery next{d.msg, other.session_id, other.options, 0};
            if (other.worker == index_) {
                if (Session* o = findSession(other.session_id)) o->deliver(next.msg, next.options, loopWallMs());
            } else {
                outgoing_[other.worker].push_back(std::move(next));
            }
            return;
        }
    }
    if (!s) return;  // the session ended while the message was on its way
    s->deliver(d.msg, d.options, loopWallMs());
}

Session* Worker::findSession(uint64_t id) {
    auto it = sessions_.find(id);
    return it == sessions_.end() ? nullptr : it->second.get();
}

Session* Worker::findSessionByClientId(std::string_view client_id) {
    auto it = session_ids_by_client_.find(std::string(client_id));
    return it == session_ids_by_client_.end() ? nullptr : findSession(it->second);
}

Session& Worker::createSession(std::string client_id, uint64_t id) {
    // The session owns its client id (SessionRegistry's invariant). A CONNECT
    // claimed it before coming here (Channel::admitted); a restored one claims it now.
    [[maybe_unused]] uint32_t owner = ctx_.registry.claim(client_id, index_);
    assert(owner == index_);
    if (id == 0) id = ctx_.next_session_id.fetch_add(1, std::memory_order_relaxed);
    auto s = std::make_unique<Session>(id, client_id, ctx_.cfg.mqtt, metrics_);
    if (ctx_.durable) s->setJournal(ctx_.durable.get());
    s->setHooks(&ctx_.hooks);
    s->created_at_ms = wallMs();
    Session& ref = *s;
    session_ids_by_client_[std::move(client_id)] = id;
    sessions_.emplace(id, std::move(s));
    session_count_.store(sessions_.size(), std::memory_order_relaxed);
    ctx_.channels.add();
    return ref;
}

void Worker::publishWill(const MessagePtr& will, std::string_view username, std::string_view peer) {
    if (ctx_.security) {
        authz::ClientInfo who{will->publisher, username, peer};
        if (auto why = ctx_.security->willRefusal(who, will->topic, metrics_, wallMs())) {
            ctx_.hooks.run(hooks::MessageDropped::willRefused(will.get(), will->publisher, peer, will->topic, *why));
            return;
        }
    }
    publish(will);
}

void Worker::endSession(Session& s) {
    Router& router = ctx_.router;
    for (auto& [filter, sub] : s.subscriptions()) {
        bool valid = true;
        if (auto shared = topic::parseShared(filter, valid)) {
            router.unsubscribeShared(shared->group, shared->filter, s.id());
        } else {
            router.unsubscribe(filter, s.id());
        }
    }
    if (s.deadline_slot != DeadlineQueue::kNone)
        deadlines_.reschedule(DeadlineKind::Session, s.id(), s.deadline_slot, DeadlineQueue::kNone);
    std::unique_ptr<Session::PendingWill> will = std::move(s.pending_will);
    std::string username = will ? s.username : std::string();
    if (s.stored && ctx_.durable) {
        ctx_.durable->deleteSession(s.clientId());
        ctx_.durable->deleteJournal(s.id());
    }
    // A session replaced by a clean start's new one (created first) leaves the
    // client id, here and in the registry, to it.
    if (auto it = session_ids_by_client_.find(s.clientId()); it != session_ids_by_client_.end() && it->second == s.id()) {
        session_ids_by_client_.erase(it);
        ctx_.registry.release(s.clientId(), index_);
    }
    metrics_.add(Metric::SessionTerminated);
    attached_.erase(s.id());
    sessions_.erase(s.id());
    session_count_.store(sessions_.size(), std::memory_order_relaxed);
    ctx_.channels.sub();
    if (will) publishWill(will->message, username, will->peer);
}

void Worker::scheduleSession(Session& s) {
    // An offline persistent session: its state now is what a restart brings back.
    if (ctx_.durable && s.expiry_interval_s > 0) {
        ctx_.durable->putSession(s.clientId(), storage::encodeSession(s));
        s.stored = true;
    }
    int64_t wall = wallMs();
    int64_t at = -1;
    if (s.pending_will) at = s.pending_will->at_ms;
    if (s.expiry_interval_s != Session::kNeverExpire) {
        int64_t end = s.disconnected_at_ms + static_cast<int64_t>(s.expiry_interval_s) * 1000;
        if (at < 0 || end < at) at = end;
    }
    int64_t mono = at < 0 ? DeadlineQueue::kNone : nowMs() + std::max<int64_t>(0, at - wall);
    schedule(DeadlineKind::Session, s.id(), s.deadline_slot, mono);
}

void Worker::onSessionDeadline(uint64_t id) {
    Session* s = findSession(id);
    if (!s || s->connected()) return;
    int64_t wall = wallMs();
    if (s->pending_will && wall >= s->pending_will->at_ms) {
        std::unique_ptr<Session::PendingWill> will = std::move(s->pending_will);
        publishWill(will->message, s->username, will->peer);
        s = findSession(id);
        if (!s) return;
    }
    if (s->expiry_interval_s != Session::kNeverExpire &&
        wall >= s->disconnected_at_ms + static_cast<int64_t>(s->expiry_interval_s) * 1000) {
        endSession(*s);
        return;
    }
    scheduleSession(*s);
}

Connection* Worker::connectionOf(uint64_t session_id) {
    auto it = attached_.find(session_id);
    return it == attached_.end() ? nullptr : it->second;
}

void Worker::setConnectionOf(uint64_t session_id, Connection* c) {
    if (c) attached_[session_id] = c;
    else attached_.erase(session_id);
}

void Worker::schedule(DeadlineKind kind, uint64_t id, int64_t& slot, int64_t at_ms) {
    deadlines_.reschedule(kind, id, slot, at_ms);
}

void Worker::logProtocolError(const ProtocolErrorEvent& e) {
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
    uv_timer_start(&timer_, [](uv_timer_t* t) { static_cast<Worker*>(t->loop->data)->onTimer(); },
                   static_cast<uint64_t>(delay), 0);
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
            if (Session* s = findSession(e.id)) s->deadline_slot = DeadlineQueue::kNone;
            onSessionDeadline(e.id);
        } else {
            log_window_slot_ = DeadlineQueue::kNone;
            protocol_errors_.windowEnded();
        }
    });
    armTimer();
}

void Worker::forEachSession(const std::function<void(Session&)>& visit) {
    for (auto& [id, s] : sessions_) visit(*s);
}

void Worker::addSubscription(Session& s, const std::string& filter, SubscriptionOptions options) {
    options.durable = ctx_.durable && s.expiry_interval_s > 0;
    s.subscriptions().insert_or_assign(filter, Subscription{filter, options});
    Subscriber target{index_, s.id(), options};
    bool valid = true;
    if (auto shared = topic::parseShared(filter, valid)) {
        ctx_.router.subscribeShared(shared->group, shared->filter, target);
    } else {
        ctx_.router.subscribe(filter, target);
    }
}

bool Worker::removeSubscription(Session& s, const std::string& filter) {
    auto it = s.subscriptions().find(filter);
    if (it == s.subscriptions().end()) return false;
    s.subscriptions().erase(it);
    bool valid = true;
    if (auto shared = topic::parseShared(filter, valid)) {
        ctx_.router.unsubscribeShared(shared->group, shared->filter, s.id());
    } else {
        ctx_.router.unsubscribe(filter, s.id());
    }
    return true;
}

void Worker::sessionChanged(Session& s) {
    if (!ctx_.durable) return;
    bool durable = s.expiry_interval_s > 0;
    std::vector<Subscription> changed;
    for (auto& [filter, sub] : s.subscriptions())
        if (sub.options.durable != durable) changed.push_back(sub);
    for (Subscription& sub : changed) addSubscription(s, sub.filter, sub.options);
    if (durable) {
        ctx_.durable->putSession(s.clientId(), storage::encodeSession(s));
        s.stored = true;
    }
}

Session& Worker::restoreSession(storage::StoredSession&& st) {
    Session& s = createSession(st.client_id, st.id);
    s.expiry_interval_s = st.expiry_interval_s;
    s.created_at_ms = st.created_at_ms;
    s.disconnected_at_ms = st.disconnected_at_ms;
    s.username = std::move(st.username);
    s.stored = true;
    for (const Subscription& sub : st.subscriptions) addSubscription(s, sub.filter, sub.options);
    ctx_.router.setOnline(s.id(), false);
    for (InflightEntry& e : st.inflight) s.restoreInflight(std::move(e));
    for (QueuedMessage& q : st.mqueue) s.restoreQueued(std::move(q));
    int64_t now = wallMs();
    for (uint16_t id : st.awaiting_rel) s.awaitRel(id, now);
    int64_t wall = wallMs();
    int64_t at = DeadlineQueue::kNone;
    if (s.expiry_interval_s != Session::kNeverExpire) {
        int64_t end = s.disconnected_at_ms + static_cast<int64_t>(s.expiry_interval_s) * 1000;
        at = nowMs() + std::max<int64_t>(0, end - wall);
    }
    schedule(DeadlineKind::Session, s.id(), s.deadline_slot, at);
    return s;
}

size_t Worker::saveSessions() {
    if (!ctx_.durable) return 0;
    size_t n = 0;
    for (auto& [id, s] : sessions_) {
        if (s->expiry_interval_s == 0) continue;
        ctx_.durable->putSession(s->clientId(), storage::encodeSession(*s));
        s->stored = true;
        ++n;
    }
    return n;
}

bool Worker::ackMustWait(uint64_t connection_id, uint64_t seq) const {
    if (!deferred_per_connection_.empty() && deferred_per_connection_.contains(connection_id)) return true;
    if (seq == 0) return false;
    const storage::DurableStore* d = ctx_.durable.get();
    return d && d->ackWaitsForCommit() && d->committedSeq() < seq;
}

void Worker::deferUntilCommitted(uint64_t connection_id, uint64_t first_seq, uint64_t seq,
                                 std::function<void(Connection&, bool)> send) {
    storage::DurableStore* d = ctx_.durable.get();
    uint64_t wait_for = std::max(seq, deferred_acks_.empty() ? uint64_t{0} : deferred_acks_.back().seq);
    deferred_acks_.push_back(DeferredAck{wait_for, first_seq, seq, connection_id, std::move(send)});
    ++deferred_per_connection_[connection_id];
    // Set the flag before reading the committed sequence: the writer stores the
    // sequence before reading the flag, so one of us sees the other.
    waiting_commit_.store(true);
    if (d && d->committedSeq() >= wait_for) onDurableCommitted(d->committedSeq());
}

void Worker::onDurableCommitted(uint64_t seq) {
    while (!deferred_acks_.empty() && deferred_acks_.front().seq <= seq) {
        DeferredAck a = std::move(deferred_acks_.front());
        deferred_acks_.pop_front();
        auto n = deferred_per_connection_.find(a.connection_id);
        if (n != deferred_per_connection_.end() && --n->second == 0) deferred_per_connection_.erase(n);
        auto it = connections_.find(a.connection_id);
        if (it == connections_.end() || it->second->closing()) continue;
        bool stored = a.own_seq == 0 || !ctx_.durable || !ctx_.durable->anyFailed(a.first_seq, a.own_seq);
        a.send(*it->second, stored);
    }
    if (deferred_acks_.empty()) waiting_commit_.store(false);
}

}  // namespace emqx
