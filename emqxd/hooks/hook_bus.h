#pragma once
// The hook bus: typed hook points (hook_events.h), each with its subscribers in
// priority order (higher first, as EMQX's; ties in the order they were added).
// $SYS client events (emqxd/protocol/client_events.cpp) and tracing
// (emqxd/trace/trace_hooks.cpp) are its subscribers.
//
// Cost when idle: each point keeps a count of the subscribers that are live;
// a call site reads it inline (one relaxed load and a branch that predicts
// "nobody") and does nothing else: no allocation, no lock, no indirect call.
//
// Threads and registration: subscribers are added at start-up, before the
// workers start (BrokerApp::run), and never removed; after that the lists are
// read-only and every worker runs them on its own thread, in the code path of
// the event. A subscriber that must come and go at run time is added behind a
// Switch (tracing: on while a trace runs, turned by TraceRegistry on the
// control loop): turning it changes only atomics, the live count of its points
// and its own flag, which run() checks before calling it. A worker that still
// saw the old count either finds the switch off and skips it, or runs a trace
// whose lines the registry then filters; nothing is freed under it.
//
// What subscribers may do: the client.* points may publish (the $SYS events
// do, through the event's worker); the session and message points run in the
// middle of a session's or a publish's work and must not publish or change
// sessions there (post to the worker instead).
//
// A rule engine or a bridge would subscribe at start-up like the $SYS events,
// at EMQX's HP_RULE_ENGINE / HP_BRIDGE priorities (900 / 870), to
// message.publish and the client and session points. Per issue #12 its
// consumers are sessions without a socket: a subscriber would hand each event
// to such a session, made through the worker's broker shard, so the work
// happens on that session's worker and never in the caller's path.
#include <algorithm>
#include <array>
#include <atomic>
#include <functional>
#include <tuple>
#include <type_traits>
#include <vector>

#include "emqxd/hooks/hook_events.h"

namespace emqx::hooks {

// Subscribers turned on and off together at run time (see above).
class Switch {
public:
    Switch() = default;
    Switch(const Switch&) = delete;
    Switch& operator=(const Switch&) = delete;

    bool on() const { return on_.load(std::memory_order_relaxed); }
    // Control loop. Off at first.
    void set(bool on);

private:
    friend class HookBus;
    std::atomic<bool> on_{false};
    std::vector<std::atomic<uint32_t>*> live_counts_;  // per subscriber behind it: its point's
};

class HookBus {
public:
    template <class E>
    using Handler = std::function<typename E::Result(const E&)>;

    HookBus() = default;
    HookBus(const HookBus&) = delete;
    HookBus& operator=(const HookBus&) = delete;

    // Start-up only. `gate`: the switch it runs behind, outliving the bus's
    // use (null: always live).
    template <class E>
    void add(int priority, Handler<E> handler, Switch* gate = nullptr) {
        auto& list = std::get<List<E>>(lists_);
        auto at = std::find_if(list.begin(), list.end(), [&](const Subscriber<E>& s) { return s.priority < priority; });
        list.insert(at, Subscriber<E>{priority, std::move(handler), gate});
        std::atomic<uint32_t>& live = live_[static_cast<size_t>(E::kPoint)];
        if (gate) gate->live_counts_.push_back(&live);
        if (!gate || gate->on()) live.fetch_add(1, std::memory_order_relaxed);
    }

    // Whether a subscriber of `p` is live: what a call site pays when none is.
    bool active(HookPoint p) const { return live_[static_cast<size_t>(p)].load(std::memory_order_relaxed) != 0; }

    // Tells the point's live subscribers, in priority order.
    template <class E>
    void run(const E& e) const {
        static_assert(std::is_void_v<typename E::Result>, "message.publish runs through publish()");
        if (!active(E::kPoint)) return;
        for (const auto& s : std::get<List<E>>(lists_))
            if (!s.gate || s.gate->on()) s.handler(e);
    }

    // message.publish: the message to retain and route, `m` itself unless a
    // subscriber replaced it (then it is kept in `slot`); null when one
    // dropped it.
    const MessagePtr& publish(const MessagePtr& m, MessagePtr& slot) const {
        if (!active(HookPoint::MessagePublish)) return m;
        return runPublish(m, slot);
    }

private:
    template <class E>
    struct Subscriber {
        int priority;
        Handler<E> handler;
        const Switch* gate;
    };
    template <class E>
    using List = std::vector<Subscriber<E>>;

    const MessagePtr& runPublish(const MessagePtr& m, MessagePtr& slot) const;

    std::tuple<List<ClientConnect>, List<ClientConnack>, List<ClientConnected>, List<ClientDisconnected>,
               List<ClientAuthenticate>, List<ClientAuthorize>, List<SessionSubscribed>, List<SessionUnsubscribed>,
               List<MessagePublish>, List<MessageDelivered>, List<MessageAcked>, List<MessageDropped>,
               List<DeliveryDropped>, List<PacketReceived>, List<PacketSent>>
        lists_;
    std::array<std::atomic<uint32_t>, kHookPointCount> live_{};
};

}  // namespace emqx::hooks
