#pragma once
// The sessions one worker owns, their whole life: made or resumed for a
// CONNECT, taken over, released when the connection goes, expired, ended, saved
// and restored, and handed over to another worker by message.
//
// Hand-over (the path a cluster takes between nodes, CLUSTER.md §6; between
// workers when node.session_handover = move_session). Worker B, where a
// CONNECT arrived, asks owner A. A closes the old connection (0x8E), names B
// the owner in the locator, and for a clean start ends the session and answers
// Fresh. Otherwise A tells B the session's id, points the session's routes at
// B, takes the session out of its table and keeps every delivery that still
// reaches it; then it asks every other worker to flush what it routed before
// the change (a fence), and once all have answered no delivery can still be on
// its way to A: it sends B the session record (storage::encodeSession, all of
// it) and the deliveries it kept. B holds the deliveries routed to it directly
// meanwhile and gives them after A's, so each publisher's order holds.
// Owner: the worker thread.
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include "emqxd/runtime/delivery.h"
#include "emqxd/session/session.h"
#include "emqxd/session/session_store.h"

namespace emqx {

class WorkerRuntime;
class BrokerShard;
struct BrokerContext;
namespace storage {
struct StoredSession;
}

class SessionManager final : public SessionStore {
public:
    SessionManager(WorkerRuntime& runtime, BrokerShard& shard);
    ~SessionManager() override;
    SessionManager(const SessionManager&) = delete;
    SessionManager& operator=(const SessionManager&) = delete;

    // SessionStore
    Session* find(uint64_t id) override;
    Session* findByClientId(std::string_view client_id) override;
    void forEach(const std::function<void(Session&)>& visit) override;
    size_t count() const override { return count_.load(std::memory_order_relaxed); }
    OpenedSession open(const SessionRequest& request) override;
    void release(Session& s, ReleasedSession released) override;
    void requestHandOver(std::string client_id, bool clean_start, uint32_t owner, HandOverDone done) override;
    void end(Session& s) override;
    using SessionStore::addSubscription;
    using SessionStore::removeSubscription;
    void addSubscription(Session& s, const std::string& filter, SubscriptionOptions options,
                         RouteBatch& routes) override;
    bool removeSubscription(Session& s, const std::string& filter, RouteBatch& routes) override;
    void applyRoutes(const RouteBatch& routes) override;
    void changed(Session& s) override;

    // `id` 0: a new id; otherwise a restored or arriving session's own
    // (journals are keyed by it). Claims the client id for this worker.
    Session& create(std::string client_id, uint64_t id = 0);
    // The session of an internal subscriber (internal_subscriber.h): found by
    // id for deliveries, never by client id, not counted or listed as a client's.
    Session& createInternal(std::string name);
    void endInternal(Session& s);
    // The session's deadline (expiry or a delayed will) has come.
    void onDeadline(uint64_t id);
    // A delivery for a session not in the table: kept when the session is
    // being handed over from or to this worker (true), else false.
    bool holdForHandOver(Delivery& d);
    const SessionServices& services() const { return services_; }

    // --- durable storage (emqxd/storage) ---
    // Before the worker starts (main thread): a stored session lives here
    // again: its locator entry, its subscriptions in the router (offline), its expiry.
    Session& restore(storage::StoredSession&& stored);
    // After the worker stopped (main thread): writes every persistent session
    // (those halfway through a hand-over from here too); returns how many.
    size_t save();

private:
    struct Waiter {
        bool clean_start;
        HandOverDone done;
    };
    struct Request {
        uint32_t from;
        bool clean_start;
    };
    // A session on its way out: the deliveries that still reach it here, and
    // how many workers have not yet flushed what they routed before its routes moved.
    struct Outgoing {
        std::unique_ptr<Session> session;
        uint32_t to;
        size_t fences_left;
        std::vector<Delivery> deliveries;
    };

    // Schedules an offline session's end (expiry) and its pending will.
    void schedule(Session& s);
    void unschedule(Session& s);
    // Closes the connection attached to `s`, if any: another one takes the session.
    void takeOver(Session& s, bool discard);
    void forget(Session& s);
    // Takes every route of `s` out of the router, under one lock.
    void unrouteAll(const Session& s);

    // Owner side of a hand-over (the messages between workers, in order).
    void onRequest(const std::string& client_id, Request r);
    void handOver(Session& s, uint32_t to);
    void onFence(uint64_t session_id);
    // Requester side.
    void onStarted(uint64_t session_id);
    void onArrived(const std::string& client_id, const std::string& record, bool stored,
                   std::vector<Delivery> deliveries);
    void answer(uint32_t to, const std::string& client_id, HandOverOutcome outcome);
    void onAnswer(const std::string& client_id, HandOverOutcome outcome);
    // Runs on worker `to`'s thread, with its session manager.
    void post(uint32_t to, std::function<void(SessionManager&)> task);

    WorkerRuntime& runtime_;
    BrokerShard& shard_;
    BrokerContext& ctx_;
    const uint32_t index_;
    SessionServices services_;  // what every session of this worker points to
    // Open addressing, as the client-id index below: a client's entry costs
    // about 20 B (10 B in the index) where a node map took 40 or more.
    absl::flat_hash_map<uint64_t, std::unique_ptr<Session>> sessions_;
    // The sessions of sessions_ by client id: pointers hashed and compared by
    // the session's own client id (a map from a copy of it took 64 B more per client).
    struct ByClientId {
        using is_transparent = void;
        static std::string_view key(const Session* s) { return s->clientId(); }
        static std::string_view key(std::string_view client_id) { return client_id; }
        size_t operator()(auto k) const { return std::hash<std::string_view>{}(key(k)); }
        bool operator()(auto a, auto b) const { return key(a) == key(b); }
    };
    absl::flat_hash_set<Session*, ByClientId, ByClientId> by_client_id_;
    std::unordered_map<uint64_t, std::unique_ptr<Session>> internal_;
    std::atomic<size_t> count_{0};
    std::unordered_map<uint64_t, Outgoing> outgoing_;                 // by session id
    std::unordered_map<uint64_t, std::vector<Delivery>> arriving_;    // by session id: deliveries held
    std::unordered_map<std::string, std::deque<Waiter>> waiting_;     // CONNECTs waiting for a hand-over
    std::unordered_map<std::string, std::vector<Request>> deferred_;  // requests for ids being waited for
};

}  // namespace emqx
