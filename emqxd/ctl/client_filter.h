#pragma once
// Which clients `clients list` keeps (its filter arguments, which are also
// GET /api/v5/clients' query filters): exact client ids and usernames (any
// of several), the peer's IP address, the connection state, and substrings
// of the client id and username. Checked on the worker that owns each
// session, so only the clients that pass are turned into JSON.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ctl/protocol.h"

namespace emqx::ctl {

struct ClientFilter {
    std::vector<std::string> clientids;  // any of them (exact); empty: all
    std::vector<std::string> usernames;  // any of them (exact); empty: all
    std::string ip_address;
    // A session exists from CONNECT on, so no listed client is ever idle
    // (EMQX's state before CONNECT): `idle` keeps none.
    enum class State : uint8_t { Any, Connected, Disconnected, Idle } state = State::Any;
    std::string like_clientid;
    std::string like_username;
};

// From `clients list`'s arguments; nullopt with why for a bad ip_address or
// conn_state.
std::optional<ClientFilter> clientFilterFromArgs(const Json& args, std::string& error);

// `peer` is "host:port" ("[v6]:port"), empty for an offline session.
bool clientPasses(const ClientFilter& f, std::string_view clientid, std::string_view username, std::string_view peer,
                  bool connected);

}  // namespace emqx::ctl
