#include "emqxd/http/subscription_query.h"

#include <charconv>

#include "common/topic/topic.h"

namespace emqx::http {

namespace {

using ctl::Json;

std::optional<uint64_t> parseQos(const std::string& s) {
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v > 2) return std::nullopt;
    return v;
}

}  // namespace

std::optional<SubscriptionFilter> parseSubscriptionFilter(const QueryParams& q, std::string_view this_node,
                                                          QueryError& error) {
    SubscriptionFilter f;
    for (const auto& [name, value] : q) {
        if (name == "clientid") f.clientid = value;
        else if (name == "topic") f.topic = value;
        else if (name == "share_group") f.share_group = value;
        else if (name == "node") f.other_node = value != this_node;
        else if (name == "qos") {
            f.qos = parseQos(value);
            if (!f.qos) {
                error = {"BAD_REQUEST", "qos: expected 0, 1 or 2, got \"" + value + "\""};
                return std::nullopt;
            }
        } else if (name == "match_topic") {
            // EMQX's answer for a filter that is invalid or shared.
            auto parsed = topic::parseFilter(value);
            if (!parsed || parsed->shared()) {
                error = {"INVALID_PARAMETER", "match_topic_invalid"};
                return std::nullopt;
            }
            f.match_topic = value;
        }
    }
    return f;
}

bool subscriptionMatches(const SubscriptionFilter& f, const Json& row) {
    if (f.other_node) return false;
    const std::string& filter = row.at("topic").get_ref<const std::string&>();
    auto parsed = topic::parseFilter(filter);
    std::string_view group = parsed ? parsed->group : std::string_view();
    std::string_view real = parsed ? parsed->filter : std::string_view(filter);
    if (!f.clientid.empty() && row.value("clientid", "") != f.clientid) return false;
    if (f.qos && row.value("qos", uint64_t{0}) != *f.qos) return false;
    if (!f.share_group.empty() && group != f.share_group) return false;
    // As in EMQX, `topic` alone names a subscription that is not shared.
    if (!f.topic.empty() && (real != f.topic || (f.share_group.empty() && !group.empty()))) return false;
    if (!f.match_topic.empty() && !topic::matches(f.match_topic, real)) return false;
    return true;
}

Json emqxSubscription(const Json& row, std::string_view node) {
    return {
        {"clientid", row.at("clientid")},
        {"topic", row.at("topic")},
        {"qos", row.at("qos")},
        {"nl", row.value("nl", 0)},
        {"rap", row.value("rap", 0)},
        {"rh", row.value("rh", 0)},
        {"node", node},
        {"durable", false},
    };
}

}  // namespace emqx::http
