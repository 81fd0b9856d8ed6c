#pragma once
// The sessions of one owner (a worker) as the protocol and the control plane
// see them (DESIGN.md §4): opening a session for a CONNECT, taking it over
// from an older connection or from another owner, releasing it when its
// connection ends, its subscriptions, its end. The in-memory implementation
// is SessionManager (emqxd/shard); durable storage keeps its records through
// it, so the protocol code does not change when where sessions live does.
// Owner: one worker thread; nothing here is called per message.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "emqxd/message/message.h"
#include "emqxd/router/route_batch.h"
#include "emqxd/router/subscription_options.h"

namespace emqx {

class Session;

// A CONNECT admitted on the owner of its client id.
struct SessionRequest {
    std::string_view client_id;
    std::string_view username;
    bool clean_start = true;
    uint32_t expiry_interval_s = 0;
};

struct OpenedSession {
    Session& session;
    bool present;  // CONNACK's Session Present
};

// What a connection leaves when it ends: its will (null: none), to publish
// now or after `will_delay_s`, and whether another connection took the
// session over (then its fate is the new connection's).
struct ReleasedSession {
    MessagePtr will;
    uint32_t will_delay_s = 0;
    std::string_view username;
    std::string_view peer;
    bool taken_over = false;
    bool superuser = false;  // the will's authorization skips the rules
};

// How a request for a session owned by another worker ended (see
// SessionManager's hand-over). Resumed: the session now lives here; Fresh:
// there is none to resume (none existed, or a clean start discarded it) and
// the client id is this owner's; Retry: the other worker no longer owned the
// client id: locate it again.
enum class HandOverOutcome { Resumed, Fresh, Retry };
// Called on the requesting worker; true when the CONNECT that asked took the
// outcome (false: its connection has gone, and a resumed session stays here offline).
using HandOverDone = std::function<bool(HandOverOutcome)>;

class SessionStore {
public:
    virtual ~SessionStore() = default;

    virtual Session* find(uint64_t id) = 0;
    virtual Session* findByClientId(std::string_view client_id) = 0;
    // For the control plane (`emqxctl clients`, `subscriptions`): every session here, connected or not.
    virtual void forEach(const std::function<void(Session&)>& visit) = 0;
    // Any thread.
    virtual size_t count() const = 0;

    // The session of a CONNECT whose client id this worker owns: an older
    // connection of the id is closed (taken over, or discarded for a clean
    // start); the session is resumed, or a new one made.
    virtual OpenedSession open(const SessionRequest& request) = 0;
    // The session's connection has gone: publishes or keeps its will, then
    // ends the session or schedules its expiry.
    virtual void release(Session& s, ReleasedSession released) = 0;
    // Asks `owner`, another worker, to hand the client id's session over to
    // this one; `done` runs here once it has arrived or cannot.
    virtual void requestHandOver(std::string client_id, bool clean_start, uint32_t owner, HandOverDone done) = 0;
    // Ends the session now: routes, pending will, stored record (a kick of an offline session, an expiry).
    virtual void end(Session& s) = 0;

    // Adds or replaces `filter` in the session; its route goes into
    // `routes`, for applyRoutes once the packet's filters are all in (one
    // router lock per SUBSCRIBE). `filter` must outlive the apply.
    virtual void addSubscription(Session& s, const std::string& filter, SubscriptionOptions options,
                                 RouteBatch& routes) = 0;
    // False when the session had no such subscription.
    virtual bool removeSubscription(Session& s, const std::string& filter, RouteBatch& routes) = 0;
    virtual void applyRoutes(const RouteBatch& routes) = 0;
    // One filter, routed at once.
    void addSubscription(Session& s, const std::string& filter, SubscriptionOptions options) {
        RouteBatch routes;
        addSubscription(s, filter, options, routes);
        applyRoutes(routes);
    }
    bool removeSubscription(Session& s, const std::string& filter) {
        RouteBatch routes;
        bool removed = removeSubscription(s, filter, routes);
        applyRoutes(routes);
        return removed;
    }
    // After CONNECT or a change of subscriptions: a persistent session's record is rewritten.
    virtual void changed(Session& s) = 0;
};

}  // namespace emqx
