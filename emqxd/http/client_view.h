#pragma once
// GET /api/v5/clients in EMQX 5.8's terms, on the rows of the handler of
// `emqxctl clients list`: the filters of the query (clientid and username,
// repeatable and exact; ip_address; conn_state; like_clientid and
// like_username, substrings) and EMQX's client object. EMQX's filters that
// are not built yet (clean_start, proto_ver, gte_/lte_created_at,
// gte_/lte_connected_at) are refused with 400 rather than ignored. Pure
// JSON in, JSON out.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config/broker_config.h"
#include "common/ctl/protocol.h"
#include "common/http/query_string.h"

namespace emqx::http {

struct ClientFilter {
    std::vector<std::string> clientids;  // any of them (exact)
    std::vector<std::string> usernames;  // any of them (exact)
    std::string ip_address;
    std::string conn_state;  // connected | idle | disconnected
    std::string like_clientid;
    std::string like_username;
    bool other_node = false;  // `node` names another node: nothing here matches
};

// nullopt with why for a bad value or a filter not built.
std::optional<ClientFilter> parseClientFilter(const QueryParams& q, std::string_view this_node, std::string& error);

// Whether a row of `clients list` passes.
bool clientMatches(const ClientFilter& f, const ctl::Json& row);

// EMQX's client object for a row of `clients list` (or the client of
// `clients show`). Dates are RFC 3339; the *_max fields come from `mqtt`.
ctl::Json emqxClient(const ctl::Json& row, const config::MqttConfig& mqtt, std::string_view node);

}  // namespace emqx::http
