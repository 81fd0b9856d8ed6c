#pragma once
// What each hook point tells its subscribers: one struct per point, naming
// its point and what its subscribers return (void: they are told; Verdict:
// they decide). Members are references into the caller's state, valid only
// during the call: running a hook copies nothing.
#include <cstdint>
#include <string_view>

#include "common/mqtt/packet.h"
#include "common/mqtt/shutdown_reason.h"
#include "emqxd/authz/authz.h"
#include "emqxd/hooks/client_view.h"
#include "emqxd/hooks/hook_point.h"
#include "emqxd/message/message.h"
#include "emqxd/router/subscription_options.h"

namespace emqx {

class BrokerShard;
class Session;
enum class DropReason;

namespace hooks {

// client.connect: a CONNECT came (before banned and authentication are checked).
// EMQX: (ConnInfo, Props).
struct ClientConnect {
    static constexpr HookPoint kPoint = HookPoint::ClientConnect;
    using Result = void;
    ClientView client;
    const mqtt::Connect& connect;
};

// client.connack: a CONNACK about to be sent, accepting or refusing.
// EMQX: (ConnInfo, Rc, Props).
struct ClientConnack {
    static constexpr HookPoint kPoint = HookPoint::ClientConnack;
    using Result = void;
    ClientView client;
    const mqtt::Connack& connack;
};

// client.authenticate: the verdict on a CONNECT's credentials (a banned client
// is refused here too), once per CONNECT while authentication is configured.
// EMQX: (ClientInfo, Result), a fold through which the authenticators decide;
// here emqxd/auth decides and the hook is told.
struct ClientAuthenticate {
    static constexpr HookPoint kPoint = HookPoint::ClientAuthenticate;
    using Result = void;
    ClientView client;
    const mqtt::Connect& connect;
    bool allowed;
};

// client.connected: the session is open; the CONNACK is sent right after (EMQX's
// order). `shard` is the one of the worker the client lives on: a subscriber publishes there.
// EMQX: (ClientInfo, ConnInfo).
struct ClientConnected {
    static constexpr HookPoint kPoint = HookPoint::ClientConnected;
    using Result = void;
    BrokerShard& shard;
    ClientView client;
};

// client.disconnected: a connected client's connection closed (a connection
// refused before CONNACK never connected). EMQX: (ClientInfo, Reason, ConnInfo).
struct ClientDisconnected {
    static constexpr HookPoint kPoint = HookPoint::ClientDisconnected;
    using Result = void;
    BrokerShard& shard;
    ClientView client;
    ShutdownReason reason;
};

// client.authorize: a decision of the authorization rules (a result the
// client's cache answered is not decided again). EMQX: (ClientInfo, Action,
// Topic, Result), a fold; here emqxd/authz decides and the hook is told.
struct ClientAuthorize {
    static constexpr HookPoint kPoint = HookPoint::ClientAuthorize;
    using Result = void;
    ClientView client;
    authz::Action action;
    std::string_view topic;
    const authz::Decision& decision;
};

// session.subscribed: a subscription added or replaced (SUBSCRIBE, auto
// subscribe). EMQX: (ClientInfo, Topic, SubOpts). Run as each filter enters
// the session; the router gets the packet's filters together after the last.
struct SessionSubscribed {
    static constexpr HookPoint kPoint = HookPoint::SessionSubscribed;
    using Result = void;
    const Session& session;
    std::string_view filter;
    const SubscriptionOptions& options;
};

// session.unsubscribed: a subscription removed by UNSUBSCRIBE. EMQX also passes
// the options; here they are gone with the subscription.
struct SessionUnsubscribed {
    static constexpr HookPoint kPoint = HookPoint::SessionUnsubscribed;
    using Result = void;
    const Session& session;
    std::string_view filter;
};

// What a message.publish subscriber decides: go on to the next subscriber,
// stop there and publish the message as it now is, or drop it.
enum class Verdict { Continue, Stop, Drop };

// message.publish: every message before it is retained and routed (clients'
// publishes, wills, $SYS). A subscriber may replace `message` (messages are
// shared and immutable: it makes a new one, keeping durable_id when it has
// one); the next subscribers see the replacement. EMQX: (Message), a fold.
struct MessagePublish {
    static constexpr HookPoint kPoint = HookPoint::MessagePublish;
    using Result = Verdict;
    MessagePtr& message;
};

// message.delivered: a PUBLISH written to a client. `dup`: a resend, for which
// EMQX does not run the hook (a subscriber counting deliveries skips it).
// EMQX: (ClientInfo, Message).
struct MessageDelivered {
    static constexpr HookPoint kPoint = HookPoint::MessageDelivered;
    using Result = void;
    ClientView client;
    const Message& message;
    uint8_t qos;
    uint16_t packet_id;
    bool dup;
    bool retain;  // the flag as sent
};

// message.acked: the client acknowledged a message: PUBACK, or for QoS 2 the
// PUBREC (as EMQX runs it). EMQX: (ClientInfo, Message).
struct MessageAcked {
    static constexpr HookPoint kPoint = HookPoint::MessageAcked;
    using Result = void;
    const Session& session;
    const Message& message;
    uint16_t packet_id;
};

// Why a message went nowhere: EMQX's no_subscribers, or (ours) a will refused
// by authorization or a ban, which EMQX only logs.
enum class MessageDropReason { NoSubscribers, WillRefused };

// message.dropped: a message that reaches no session. `message` is null for a
// will refused at CONNECT (not made into a message yet); `peer` is empty when
// not known; `detail` says why a will was refused. EMQX: (Message, #{node}, Reason).
struct MessageDropped {
    static constexpr HookPoint kPoint = HookPoint::MessageDropped;
    using Result = void;
    const Message* message;
    std::string_view publisher;
    std::string_view peer;
    std::string_view topic;
    MessageDropReason reason;
    std::string_view detail;

    static MessageDropped noSubscribers(const Message& m) {
        return {&m, m.publisher, {}, m.topic, MessageDropReason::NoSubscribers, {}};
    }
    static MessageDropped willRefused(const Message* m, std::string_view publisher, std::string_view peer,
                                      std::string_view topic, std::string_view why) {
        return {m, publisher, peer, topic, MessageDropReason::WillRefused, why};
    }
};

// delivery.dropped: a message meant for a session not delivered to it.
// EMQX: (ClientInfo, Message, Reason).
struct DeliveryDropped {
    static constexpr HookPoint kPoint = HookPoint::DeliveryDropped;
    using Result = void;
    const Session& session;
    const Message* message;  // null when the drop concerns no message
    DropReason reason;
};

// packet.received (ours): a decoded packet from the client, CONNECT included.
struct PacketReceived {
    static constexpr HookPoint kPoint = HookPoint::PacketReceived;
    using Result = void;
    ClientView client;
    const mqtt::Packet& packet;
};

// packet.sent (ours): a packet to the client; a PUBLISH is message.delivered.
struct PacketSent {
    static constexpr HookPoint kPoint = HookPoint::PacketSent;
    using Result = void;
    ClientView client;
    const mqtt::Packet& packet;
};

}  // namespace hooks
}  // namespace emqx
