#pragma once
// GET /api/v5/clients in EMQX 5.8's terms, on the handler of `emqxctl
// clients list`: the query's filters as its arguments (clientid and
// username, repeatable and exact; ip_address; conn_state; like_clientid and
// like_username, substrings) and EMQX's client object for its rows. EMQX's
// filters that are not built yet (clean_start, proto_ver,
// gte_/lte_created_at, gte_/lte_connected_at) are refused with 400 rather
// than ignored. Pure JSON in, JSON out.
#include <optional>
#include <string>
#include <string_view>

#include "common/config/broker_config.h"
#include "common/ctl/protocol.h"
#include "common/http/query_string.h"

namespace emqx::http {

// The arguments of `clients list` (emqxd/ctl/client_filter.h checks their
// values) for the query's filters; nullopt with why for a filter not built.
// `other_node`: the query names another node, where no client of this one is.
std::optional<ctl::Json> clientListArgs(const QueryParams& q, std::string_view this_node, bool& other_node,
                                        std::string& error);

// EMQX's client object for a row of `clients list` (or the client of
// `clients show`). Dates are RFC 3339; the *_max fields come from `mqtt`.
ctl::Json emqxClient(const ctl::Json& row, const config::MqttConfig& mqtt, std::string_view node);

}  // namespace emqx::http
