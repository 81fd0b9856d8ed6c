#pragma once
// Broker metrics with EMQX's names. Each worker owns one Metrics; only its
// thread increments it (relaxed load+store: no locked instruction on the hot
// path); readers on the control loop sum all workers.
#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

namespace emqx {

#define EMQX_METRICS(X)                                                           \
    X(BytesReceived, "bytes.received")                                            \
    X(BytesSent, "bytes.sent")                                                    \
    X(PacketsReceived, "packets.received")                                        \
    X(PacketsSent, "packets.sent")                                                \
    X(PacketsConnectReceived, "packets.connect.received")                         \
    X(PacketsConnackSent, "packets.connack.sent")                                 \
    X(PacketsConnackError, "packets.connack.error")                               \
    X(PacketsConnackAuthError, "packets.connack.auth_error")                      \
    X(PacketsPublishReceived, "packets.publish.received")                         \
    X(PacketsPublishSent, "packets.publish.sent")                                 \
    X(PacketsPublishError, "packets.publish.error")                               \
    X(PacketsPublishDropped, "packets.publish.dropped")                           \
    X(PacketsPubackReceived, "packets.puback.received")                           \
    X(PacketsPubackSent, "packets.puback.sent")                                   \
    X(PacketsPubackMissed, "packets.puback.missed")                               \
    X(PacketsPubrecReceived, "packets.pubrec.received")                           \
    X(PacketsPubrecSent, "packets.pubrec.sent")                                   \
    X(PacketsPubrecMissed, "packets.pubrec.missed")                               \
    X(PacketsPubrelReceived, "packets.pubrel.received")                           \
    X(PacketsPubrelSent, "packets.pubrel.sent")                                   \
    X(PacketsPubrelMissed, "packets.pubrel.missed")                               \
    X(PacketsPubcompReceived, "packets.pubcomp.received")                         \
    X(PacketsPubcompSent, "packets.pubcomp.sent")                                 \
    X(PacketsPubcompMissed, "packets.pubcomp.missed")                             \
    X(PacketsSubscribeReceived, "packets.subscribe.received")                     \
    X(PacketsSubscribeError, "packets.subscribe.error")                           \
    X(PacketsSubackSent, "packets.suback.sent")                                   \
    X(PacketsUnsubscribeReceived, "packets.unsubscribe.received")                 \
    X(PacketsUnsubackSent, "packets.unsuback.sent")                               \
    X(PacketsPingreqReceived, "packets.pingreq.received")                         \
    X(PacketsPingrespSent, "packets.pingresp.sent")                               \
    X(PacketsDisconnectReceived, "packets.disconnect.received")                   \
    X(PacketsDisconnectSent, "packets.disconnect.sent")                           \
    X(PacketsAuthReceived, "packets.auth.received")                               \
    X(MessagesReceived, "messages.received")                                      \
    X(MessagesSent, "messages.sent")                                              \
    X(MessagesQos0Received, "messages.qos0.received")                             \
    X(MessagesQos0Sent, "messages.qos0.sent")                                     \
    X(MessagesQos1Received, "messages.qos1.received")                             \
    X(MessagesQos1Sent, "messages.qos1.sent")                                     \
    X(MessagesQos2Received, "messages.qos2.received")                             \
    X(MessagesQos2Sent, "messages.qos2.sent")                                     \
    X(MessagesPublish, "messages.publish")                                        \
    X(MessagesDropped, "messages.dropped")                                        \
    X(MessagesDroppedExpired, "messages.dropped.expired")                         \
    X(MessagesDroppedNoSubscribers, "messages.dropped.no_subscribers")            \
    X(MessagesDroppedAwaitPubrelTimeout, "messages.dropped.await_pubrel_timeout") \
    X(MessagesForward, "messages.forward")                                        \
    X(MessagesDelayed, "messages.delayed")                                        \
    X(MessagesDelivered, "messages.delivered")                                    \
    X(MessagesAcked, "messages.acked")                                            \
    X(MessagesRetained, "messages.retained")                                      \
    X(MessagesDurableRefused, "messages.durable.refused")                         \
    X(DeliveryDropped, "delivery.dropped")                                        \
    X(DeliveryDroppedNoLocal, "delivery.dropped.no_local")                        \
    X(DeliveryDroppedTooLarge, "delivery.dropped.too_large")                      \
    X(DeliveryDroppedQos0Msg, "delivery.dropped.qos0_msg")                        \
    X(DeliveryDroppedQueueFull, "delivery.dropped.queue_full")                    \
    X(DeliveryDroppedExpired, "delivery.dropped.expired")                         \
    X(DeliveryDroppedNotAuthorized, "delivery.dropped.not_authorized")            \
    X(ClientConnect, "client.connect")                                            \
    X(ClientConnack, "client.connack")                                            \
    X(ClientConnected, "client.connected")                                        \
    X(ClientAuthenticate, "client.authenticate")                                  \
    X(ClientAuthAnonymous, "client.auth.anonymous")                               \
    X(ClientAuthorize, "client.authorize")                                        \
    X(AuthenticationSuccess, "authentication.success")                            \
    X(AuthenticationSuccessAnonymous, "authentication.success.anonymous")         \
    X(AuthenticationFailure, "authentication.failure")                            \
    X(AuthorizationAllow, "authorization.allow")                                  \
    X(AuthorizationDeny, "authorization.deny")                                    \
    X(AuthorizationCacheHit, "authorization.cache_hit")                           \
    X(ClientSubscribe, "client.subscribe")                                        \
    X(ClientUnsubscribe, "client.unsubscribe")                                    \
    X(ClientDisconnected, "client.disconnected")                                  \
    X(SessionCreated, "session.created")                                          \
    X(SessionResumed, "session.resumed")                                          \
    X(SessionTakenover, "session.takenover")                                      \
    X(SessionDiscarded, "session.discarded")                                      \
    X(SessionTerminated, "session.terminated")

enum class Metric : unsigned {
#define EMQX_METRIC_ENUM(id, name) id,
    EMQX_METRICS(EMQX_METRIC_ENUM)
#undef EMQX_METRIC_ENUM
        Count
};

inline constexpr size_t kMetricCount = static_cast<size_t>(Metric::Count);

constexpr std::string_view metricName(Metric m) {
    constexpr std::string_view names[] = {
#define EMQX_METRIC_NAME(id, name) name,
        EMQX_METRICS(EMQX_METRIC_NAME)
#undef EMQX_METRIC_NAME
    };
    return names[static_cast<unsigned>(m)];
}

class Metrics {
public:
    // Only the owning thread calls add().
    void add(Metric m, uint64_t n = 1) {
        auto& c = counters_[static_cast<unsigned>(m)];
        c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    uint64_t get(Metric m) const { return counters_[static_cast<unsigned>(m)].load(std::memory_order_relaxed); }

private:
    std::array<std::atomic<uint64_t>, kMetricCount> counters_{};
};

}  // namespace emqx
