#include "emqxd/shard/session_manager.h"

#include <cassert>

#include "common/clock/wall_clock.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/router/router.h"
#include "emqxd/runtime/worker_runtime.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/storage/durable_store.h"
#include "emqxd/storage/record_codec.h"

namespace emqx {

SessionManager::SessionManager(WorkerRuntime& runtime, BrokerShard& shard)
    : runtime_(runtime),
      shard_(shard),
      ctx_(shard.ctx()),
      index_(runtime.index()),
      services_{ctx_.cfg.mqtt, runtime.metrics(), ctx_.durable.get(), &ctx_.hooks} {
    services_.owner.bind(runtime.owner());
}

SessionManager::~SessionManager() = default;

Session* SessionManager::find(uint64_t id) {
    if (auto it = sessions_.find(id); it != sessions_.end()) return it->second.get();
    auto it = internal_.find(id);
    return it == internal_.end() ? nullptr : it->second.get();
}

Session* SessionManager::findByClientId(std::string_view client_id) {
    auto it = by_client_id_.find(client_id);
    return it == by_client_id_.end() ? nullptr : *it;
}

void SessionManager::forEach(const std::function<void(Session&)>& visit) {
    for (auto& [id, s] : sessions_) visit(*s);
}

Session& SessionManager::create(std::string client_id, uint64_t id) {
    // The session owns its client id (SessionLocator's invariant). A CONNECT
    // claimed it before coming here (Channel::admitted), a hand-over named this
    // worker the owner; a restored session claims it now.
    [[maybe_unused]] SessionOwner owner = ctx_.locator.claim(client_id, index_);
    assert(owner.worker == index_);
    if (id == 0) id = ctx_.next_session_id.fetch_add(1, std::memory_order_relaxed);
    auto s = std::make_unique<Session>(id, std::move(client_id), services_);
    s->created_at_ms = wallClockMs();
    Session& ref = *s;
    // A clean start's new session takes the index entry of the old one, which ends next.
    by_client_id_.erase(ref.clientId());
    by_client_id_.insert(&ref);
    sessions_.emplace(id, std::move(s));
    count_.store(sessions_.size(), std::memory_order_relaxed);
    ctx_.channels.add();
    return ref;
}

Session& SessionManager::createInternal(std::string name) {
    uint64_t id = ctx_.next_session_id.fetch_add(1, std::memory_order_relaxed);
    auto s = std::make_unique<Session>(id, std::move(name), services_);
    s->created_at_ms = wallClockMs();
    Session& ref = *s;
    internal_.emplace(id, std::move(s));
    ctx_.router.setOnline(id, true);
    return ref;
}

void SessionManager::endInternal(Session& s) {
    unrouteAll(s);
    internal_.erase(s.id());
}

OpenedSession SessionManager::open(const SessionRequest& request) {
    Metrics& metrics = runtime_.metrics();
    Session* existing = findByClientId(request.client_id);
    if (existing) takeOver(*existing, request.clean_start);
    Session* s = existing;
    bool present = existing && !request.clean_start;
    if (present) {
        s->takePendingWill();  // resumed in time: a delayed will is not sent
        unschedule(*s);
        metrics.add(Metric::SessionResumed);
    } else {
        s = &create(std::string(request.client_id));
        metrics.add(Metric::SessionCreated);
        if (existing) {
            // Ended after the new session exists, so the client id stays this
            // worker's throughout (see end()); its pending will goes out.
            metrics.add(Metric::SessionDiscarded);
            end(*existing);
        }
    }
    s->expiry_interval_s = request.expiry_interval_s;
    s->username = request.username;
    ctx_.router.setOnline(s->id(), true);
    return {*s, present};
}

void SessionManager::takeOver(Session& s, bool discard) {
    DeliverySink* old = s.sink();
    if (!old) return;
    old->takeOver(discard);  // closes the connection, which releases the session (taken over)
    runtime_.metrics().add(Metric::SessionTakenover);
}

void SessionManager::release(Session& s, ReleasedSession released) {
    s.detach();
    ctx_.router.setOnline(s.id(), false);
    int64_t now = wallClockMs();
    s.disconnected_at_ms = now;
    if (released.will && (released.will_delay_s == 0 || s.expiry_interval_s == 0)) {
        shard_.publishWill(released.will, released.username, released.peer, released.superuser);
        released.will.reset();
    }
    if (released.will)
        s.setPendingWill(std::make_unique<Session::PendingWill>(
            Session::PendingWill{std::move(released.will), std::string(released.peer),
                                 now + static_cast<int64_t>(released.will_delay_s) * 1000, released.superuser}));
    if (released.taken_over) return;  // the new connection decides the session's fate
    if (s.expiry_interval_s == 0) {
        end(s);
        return;
    }
    schedule(s);
}

void SessionManager::end(Session& s) {
    unrouteAll(s);
    unschedule(s);
    std::unique_ptr<Session::PendingWill> will = s.takePendingWill();
    std::string username = will ? s.username : std::string();
    if (s.stored && ctx_.durable) {
        ctx_.durable->deleteSession(s.clientId());
        ctx_.durable->deleteJournal(s.id());
    }
    // A session replaced by a clean start's new one (created first) leaves the
    // client id, here and in the locator, to it.
    if (auto it = by_client_id_.find(s.clientId()); it != by_client_id_.end() && *it == &s)
        ctx_.locator.release(s.clientId(), index_);
    runtime_.metrics().add(Metric::SessionTerminated);
    forget(s);
    if (will) shard_.publishWill(will->message, username, will->peer, will->superuser);
}

// Out of the tables (ended, or handed over: then the caller has taken it out of sessions_ first).
void SessionManager::forget(Session& s) {
    if (auto it = by_client_id_.find(s.clientId()); it != by_client_id_.end() && *it == &s) by_client_id_.erase(it);
    if (auto it = sessions_.find(s.id()); it != sessions_.end()) {
        std::unique_ptr<Session> gone = std::move(it->second);  // destroyed once out of the table
        sessions_.erase(it);
    }
    count_.store(sessions_.size(), std::memory_order_relaxed);
    ctx_.channels.sub();
}

void SessionManager::schedule(Session& s) {
    // An offline persistent session: its state now is what a restart brings back.
    if (ctx_.durable && s.expiry_interval_s > 0) {
        ctx_.durable->putSession(s.clientId(), storage::encodeSession(s));
        s.stored = true;
    }
    int64_t wall = wallClockMs();
    int64_t at = -1;
    if (const Session::PendingWill* will = s.pendingWill()) at = will->at_ms;
    if (s.expiry_interval_s != Session::kNeverExpire) {
        int64_t end = s.disconnected_at_ms + static_cast<int64_t>(s.expiry_interval_s) * 1000;
        if (at < 0 || end < at) at = end;
    }
    if (at < 0) {
        unschedule(s);
        return;
    }
    runtime_.schedule(DeadlineKind::Session, s.id(), s.deadlineSlot(),
                      runtime_.nowMs() + std::max<int64_t>(0, at - wall));
}

void SessionManager::unschedule(Session& s) {
    DeadlineSlot* slot = s.deadlineSlotIfMade();
    if (!slot) return;
    runtime_.schedule(DeadlineKind::Session, s.id(), *slot, DeadlineQueue::kNone);
    s.trimRareParts();
}

void SessionManager::onDeadline(uint64_t id) {
    Session* s = find(id);
    if (!s) return;
    if (s->connected()) return;
    int64_t wall = wallClockMs();
    if (s->pendingWill() && wall >= s->pendingWill()->at_ms) {
        std::unique_ptr<Session::PendingWill> will = s->takePendingWill();
        shard_.publishWill(will->message, s->username, will->peer, will->superuser);
        s = find(id);
        if (!s) return;
    }
    if (s->expiry_interval_s != Session::kNeverExpire &&
        wall >= s->disconnected_at_ms + static_cast<int64_t>(s->expiry_interval_s) * 1000) {
        end(*s);
        return;
    }
    schedule(*s);
}

void SessionManager::addSubscription(Session& s, const std::string& filter, SubscriptionOptions options,
                                     RouteBatch& routes) {
    // Durable when the session is persistent and durable storage is on, so
    // publishers journal what they route to it.
    options.durable = ctx_.durable && s.expiry_interval_s > 0;
    s.subscriptions().insert_or_assign(filter, Subscription{filter, options});
    routes.subscribe(filter, Subscriber{index_, s.id(), options});
}

bool SessionManager::removeSubscription(Session& s, const std::string& filter, RouteBatch& routes) {
    auto it = s.subscriptions().find(filter);
    if (it == s.subscriptions().end()) return false;
    s.subscriptions().erase(it);
    routes.unsubscribe(filter, s.id());
    return true;
}

void SessionManager::applyRoutes(const RouteBatch& routes) { ctx_.router.apply(routes); }

void SessionManager::unrouteAll(const Session& s) {
    RouteBatch routes;
    for (auto& [filter, sub] : s.subscriptions()) routes.unsubscribe(filter, s.id());
    ctx_.router.apply(routes);
}

void SessionManager::changed(Session& s) {
    if (!ctx_.durable) return;
    bool durable = s.expiry_interval_s > 0;
    std::vector<Subscription> changed;
    for (auto& [filter, sub] : s.subscriptions())
        if (sub.options.durable != durable) changed.push_back(sub);
    RouteBatch routes;
    for (Subscription& sub : changed) addSubscription(s, sub.filter, sub.options, routes);
    ctx_.router.apply(routes);
    if (durable) {
        ctx_.durable->putSession(s.clientId(), storage::encodeSession(s));
        s.stored = true;
    }
}

Session& SessionManager::restore(storage::StoredSession&& st) {
    Session& s = create(st.client_id, st.id);
    s.expiry_interval_s = st.expiry_interval_s;
    s.created_at_ms = st.created_at_ms;
    s.disconnected_at_ms = st.disconnected_at_ms;
    s.username = std::move(st.username);
    s.stored = true;
    RouteBatch routes;
    for (const Subscription& sub : st.subscriptions) addSubscription(s, sub.filter, sub.options, routes);
    ctx_.router.apply(routes);
    ctx_.router.setOnline(s.id(), false);
    for (InflightEntry& e : st.inflight) s.restoreInflight(std::move(e));
    for (QueuedMessage& q : st.mqueue) s.restoreQueued(std::move(q));
    int64_t wall = wallClockMs();
    for (uint16_t id : st.awaiting_rel) s.awaitRel(id, wall);
    if (s.expiry_interval_s != Session::kNeverExpire) {
        int64_t end = s.disconnected_at_ms + static_cast<int64_t>(s.expiry_interval_s) * 1000;
        runtime_.schedule(DeadlineKind::Session, s.id(), s.deadlineSlot(),
                          runtime_.nowMs() + std::max<int64_t>(0, end - wall));
    }
    return s;
}

size_t SessionManager::save() {
    if (!ctx_.durable) return 0;
    size_t n = 0;
    auto put = [&](Session& s) {
        if (s.expiry_interval_s == 0) return;
        ctx_.durable->putSession(s.clientId(), storage::encodeSession(s));
        s.stored = true;
        ++n;
    };
    for (auto& [id, s] : sessions_) put(*s);
    for (auto& [id, out] : outgoing_) put(*out.session);
    return n;
}

// --- hand-over ---

void SessionManager::post(uint32_t to, std::function<void(SessionManager&)> task) {
    BrokerShard* shard = ctx_.shards[to];
    shard->runtime().post([shard, task = std::move(task)] { task(shard->sessions()); });
}

void SessionManager::requestHandOver(std::string client_id, bool clean_start, uint32_t owner, HandOverDone done) {
    auto& waiters = waiting_[client_id];
    waiters.push_back(Waiter{clean_start, std::move(done)});
    if (waiters.size() > 1) return;  // asked already: this CONNECT follows the first one's answer
    post(owner, [client_id, r = Request{index_, clean_start}](SessionManager& m) { m.onRequest(client_id, r); });
}

void SessionManager::onRequest(const std::string& client_id, Request r) {
    // This worker is itself waiting for the id's session: answer once it has it.
    if (waiting_.count(client_id)) {
        deferred_[client_id].push_back(r);
        return;
    }
    std::optional<SessionOwner> owner = ctx_.locator.owner(client_id);
    if (!owner || owner->worker != index_) return answer(r.from, client_id, HandOverOutcome::Retry);
    Session* s = findByClientId(client_id);
    if (s) takeOver(*s, r.clean_start);
    if (s && !r.clean_start) return handOver(*s, r.from);
    ctx_.locator.transfer(client_id, index_, r.from);
    if (s) {
        runtime_.metrics().add(Metric::SessionDiscarded);
        end(*s);  // no longer the owner: the id stays the requester's
    }
    answer(r.from, client_id, HandOverOutcome::Fresh);
}

void SessionManager::handOver(Session& s, uint32_t to) {
    const uint64_t id = s.id();
    const std::string client_id = s.clientId();
    // Before the routes move: the requester must know the id before a delivery for it can reach it.
    post(to, [id](SessionManager& m) { m.onStarted(id); });
    RouteBatch routes;
    for (auto& [filter, sub] : s.subscriptions()) routes.subscribe(filter, Subscriber{to, id, sub.options});
    ctx_.router.apply(routes);
    ctx_.locator.transfer(client_id, index_, to);
    unschedule(s);
    Outgoing& out = outgoing_[id];
    out.session = std::move(sessions_.at(id));
    out.to = to;
    out.fences_left = ctx_.shards.size() - 1;
    forget(*out.session);
    BrokerShard* home = ctx_.shards[index_];
    for (uint32_t w = 0; w < ctx_.shards.size(); ++w) {
        if (w == index_) continue;
        BrokerShard* other = ctx_.shards[w];
        other->runtime().post([other, home, id] {
            // What this worker routed to the session before its routes moved
            // goes out ahead of the answer, in the same inbox.
            other->flushOutgoing();
            home->runtime().post([home, id] { home->sessions().onFence(id); });
        });
    }
}

void SessionManager::onFence(uint64_t session_id) {
    auto it = outgoing_.find(session_id);
    if (it == outgoing_.end() || --it->second.fences_left > 0) return;
    Outgoing out = std::move(it->second);
    outgoing_.erase(it);
    std::string record = storage::encodeSession(*out.session, storage::SessionRecordScope::HandOver);
    post(out.to, [client_id = out.session->clientId(), record = std::move(record), stored = out.session->stored,
                  deliveries = std::move(out.deliveries)](SessionManager& m) mutable {
        m.onArrived(client_id, record, stored, std::move(deliveries));
    });
}

bool SessionManager::holdForHandOver(Delivery& d) {
    if (auto it = outgoing_.find(d.session_id); it != outgoing_.end()) {
        it->second.deliveries.push_back(std::move(d));
        return true;
    }
    if (auto it = arriving_.find(d.session_id); it != arriving_.end()) {
        it->second.push_back(std::move(d));
        return true;
    }
    return false;
}

void SessionManager::onStarted(uint64_t session_id) { arriving_[session_id]; }

void SessionManager::onArrived(const std::string& client_id, const std::string& record, bool stored,
                               std::vector<Delivery> deliveries) {
    storage::StoredSession st;
    [[maybe_unused]] bool decoded = storage::decodeSession(record, st);
    assert(decoded);  // made by encodeSession in this process
    Session& s = create(client_id, st.id);
    s.expiry_interval_s = st.expiry_interval_s;
    s.created_at_ms = st.created_at_ms;
    // 0: it never had a connection that went (a record says 0 while connected): offline from now.
    s.disconnected_at_ms = st.disconnected_at_ms != 0 ? st.disconnected_at_ms : wallClockMs();
    s.username = std::move(st.username);
    s.stored = stored;
    // The router already names this worker for them (handOver moved them).
    for (Subscription& sub : st.subscriptions) s.subscriptions().insert_or_assign(sub.filter, std::move(sub));
    ctx_.router.setOnline(s.id(), false);
    for (InflightEntry& e : st.inflight) s.restoreInflight(std::move(e));
    for (QueuedMessage& q : st.mqueue) s.restoreQueued(std::move(q));
    int64_t wall = wallClockMs();
    for (uint16_t id : st.awaiting_rel) s.awaitRel(id, wall);
    // The owner's deliveries were routed before the ones held here.
    std::vector<Delivery> held = std::move(arriving_[s.id()]);
    arriving_.erase(s.id());
    for (Delivery& d : deliveries) shard_.deliver(d);
    for (Delivery& d : held) shard_.deliver(d);
    // Offline until a CONNECT resumes it (open() unschedules it then), as any
    // session whose connection went: if the one that asked has gone too, it expires.
    schedule(s);
    onAnswer(client_id, HandOverOutcome::Resumed);
}

void SessionManager::answer(uint32_t to, const std::string& client_id, HandOverOutcome outcome) {
    post(to, [client_id, outcome](SessionManager& m) { m.onAnswer(client_id, outcome); });
}

void SessionManager::onAnswer(const std::string& client_id, HandOverOutcome outcome) {
    auto it = waiting_.find(client_id);
    std::deque<Waiter> waiters;
    if (it != waiting_.end()) {
        waiters = std::move(it->second);
        waiting_.erase(it);
    }
    bool taken = !waiters.empty() && waiters.front().done(outcome);
    // The CONNECT that asked has gone: an id with no session here is nobody's.
    if (!taken && !findByClientId(client_id)) ctx_.locator.release(client_id, index_);
    // The others locate the id again: here now, or wherever it went.
    for (size_t i = 1; i < waiters.size(); ++i) waiters[i].done(HandOverOutcome::Retry);
    auto d = deferred_.find(client_id);
    if (d == deferred_.end()) return;
    std::vector<Request> requests = std::move(d->second);
    deferred_.erase(d);
    for (const Request& r : requests) onRequest(client_id, r);
}

}  // namespace emqx
