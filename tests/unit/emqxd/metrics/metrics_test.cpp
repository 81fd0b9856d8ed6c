// Broker metrics: EMQX's names, per-worker counters.
#include <catch2/catch.hpp>

#include <set>
#include <string_view>

#include "emqxd/metrics/metrics.h"

using namespace emqx;

TEST_CASE("metrics: names are EMQX's", "[core][metrics]") {
    CHECK(metricName(Metric::BytesReceived) == "bytes.received");
    CHECK(metricName(Metric::PacketsConnackAuthError) == "packets.connack.auth_error");
    CHECK(metricName(Metric::PacketsPublishDropped) == "packets.publish.dropped");
    CHECK(metricName(Metric::MessagesDropped) == "messages.dropped");
    CHECK(metricName(Metric::MessagesDroppedExpired) == "messages.dropped.expired");
    CHECK(metricName(Metric::MessagesDroppedNoSubscribers) == "messages.dropped.no_subscribers");
    CHECK(metricName(Metric::MessagesDroppedAwaitPubrelTimeout) == "messages.dropped.await_pubrel_timeout");
    CHECK(metricName(Metric::MessagesAcked) == "messages.acked");
    CHECK(metricName(Metric::DeliveryDropped) == "delivery.dropped");
    CHECK(metricName(Metric::DeliveryDroppedNoLocal) == "delivery.dropped.no_local");
    CHECK(metricName(Metric::DeliveryDroppedTooLarge) == "delivery.dropped.too_large");
    CHECK(metricName(Metric::DeliveryDroppedQos0Msg) == "delivery.dropped.qos0_msg");
    CHECK(metricName(Metric::DeliveryDroppedQueueFull) == "delivery.dropped.queue_full");
    CHECK(metricName(Metric::DeliveryDroppedExpired) == "delivery.dropped.expired");
    CHECK(metricName(Metric::ClientAuthAnonymous) == "client.auth.anonymous");
    CHECK(metricName(Metric::SessionTakenover) == "session.takenover");
    CHECK(metricName(Metric::SessionTerminated) == "session.terminated");
    static_assert(metricName(Metric::BytesSent) == "bytes.sent");
}

TEST_CASE("metrics: every name is unique and dotted", "[core][metrics]") {
    std::set<std::string_view> names;
    for (size_t i = 0; i < kMetricCount; ++i) {
        std::string_view n = metricName(static_cast<Metric>(i));
        CHECK(n.find('.') != std::string_view::npos);
        CHECK(n.find(' ') == std::string_view::npos);
        names.insert(n);
    }
    CHECK(names.size() == kMetricCount);
    CHECK(kMetricCount == static_cast<size_t>(Metric::SessionTerminated) + 1);
}

TEST_CASE("metrics: counters start at zero and add", "[core][metrics]") {
    Metrics m;
    for (size_t i = 0; i < kMetricCount; ++i) CHECK(m.get(static_cast<Metric>(i)) == 0);
    m.add(Metric::MessagesReceived);
    m.add(Metric::MessagesReceived);
    m.add(Metric::BytesReceived, 1500);
    m.add(Metric::BytesReceived, 0);
    CHECK(m.get(Metric::MessagesReceived) == 2);
    CHECK(m.get(Metric::BytesReceived) == 1500);
    CHECK(m.get(Metric::MessagesSent) == 0);
    m.add(Metric::SessionTerminated, uint64_t{1} << 40);
    CHECK(m.get(Metric::SessionTerminated) == (uint64_t{1} << 40));
    CHECK(m.get(Metric::SessionDiscarded) == 0);
}
