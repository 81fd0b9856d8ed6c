#pragma once
// The points of the hook bus. The first thirteen are EMQX's hooks, named as
// EMQX names them (client.connect, ... delivery.dropped); the last two are
// ours: EMQX traces packets from its connection's logger, not from a hook.
#include <cstddef>
#include <cstdint>

namespace emqx::hooks {

enum class HookPoint : uint8_t {
    ClientConnect,        // client.connect
    ClientConnack,        // client.connack
    ClientConnected,      // client.connected
    ClientDisconnected,   // client.disconnected
    ClientAuthenticate,   // client.authenticate
    ClientAuthorize,      // client.authorize
    SessionSubscribed,    // session.subscribed
    SessionUnsubscribed,  // session.unsubscribed
    MessagePublish,       // message.publish
    MessageDelivered,     // message.delivered
    MessageAcked,         // message.acked
    MessageDropped,       // message.dropped
    DeliveryDropped,      // delivery.dropped
    PacketReceived,       // packet.received (ours)
    PacketSent,           // packet.sent (ours)
};
inline constexpr size_t kHookPointCount = 15;

// EMQX's priorities (emqx_hooks.hrl): a higher priority runs first.
inline constexpr int kPriorityHighest = 1000;  // HP_HIGHEST: tracing, which records what came in
inline constexpr int kPrioritySysMsgs = 950;   // HP_SYS_MSGS: the $SYS client events

}  // namespace emqx::hooks
