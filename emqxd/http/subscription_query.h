#pragma once
// GET /api/v5/subscriptions in EMQX 5.8's terms, on the rows of the handler
// of `emqxctl subscriptions list`: the query's filters and EMQX's
// subscription object. Pure JSON in, JSON out.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/ctl/protocol.h"
#include "common/http/query_string.h"

namespace emqx::http {

struct SubscriptionFilter {
    std::string clientid;         // exact
    std::string topic;            // exact: the filter, without `$share/<group>/`
    std::string share_group;      // only shared subscriptions of this group
    std::string match_topic;      // only filters this filter matches (EMQX's emqx_topic:match)
    std::optional<uint64_t> qos;  // exact
    bool other_node = false;      // `node` names another node: nothing here matches
};

// What a bad query is answered with (400).
struct QueryError {
    std::string code;  // BAD_REQUEST, or EMQX's INVALID_PARAMETER for match_topic
    std::string message;
};

// nullopt with `error` for a bad value.
std::optional<SubscriptionFilter> parseSubscriptionFilter(const QueryParams& q, std::string_view this_node,
                                                          QueryError& error);

// Whether a row of `subscriptions list` passes.
bool subscriptionMatches(const SubscriptionFilter& f, const ctl::Json& row);

// EMQX's subscription object for a row of `subscriptions list` or `subscriptions show`.
ctl::Json emqxSubscription(const ctl::Json& row, std::string_view node);

}  // namespace emqx::http
