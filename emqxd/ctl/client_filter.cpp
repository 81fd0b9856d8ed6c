#include "emqxd/ctl/client_filter.h"

#include <arpa/inet.h>

#include <algorithm>

#include "common/net/peer_address.h"

namespace emqx::ctl {

namespace {

bool isIpAddress(const std::string& s) {
    unsigned char buf[sizeof(in6_addr)];
    return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

std::vector<std::string> strings(const Json& args, const char* key) {
    auto it = args.find(key);
    if (it == args.end()) return {};
    return it->get<std::vector<std::string>>();
}

bool anyOf(const std::vector<std::string>& wanted, std::string_view value) {
    return wanted.empty() || std::find(wanted.begin(), wanted.end(), value) != wanted.end();
}

bool contains(std::string_view haystack, const std::string& needle) {
    return needle.empty() || haystack.find(needle) != std::string_view::npos;
}

}  // namespace

std::optional<ClientFilter> clientFilterFromArgs(const Json& args, std::string& error) {
    ClientFilter f;
    f.clientids = strings(args, "clientid");
    f.usernames = strings(args, "username");
    f.like_clientid = args.value("match", std::string());
    f.like_username = args.value("like_username", std::string());
    f.ip_address = args.value("ip_address", std::string());
    if (!f.ip_address.empty() && !isIpAddress(f.ip_address)) {
        error = "the ip_address parameter expected type is ip, but the value is " + f.ip_address;
        return std::nullopt;
    }
    std::string state = args.value("conn_state", std::string());
    if (state == "connected") f.state = ClientFilter::State::Connected;
    else if (state == "disconnected") f.state = ClientFilter::State::Disconnected;
    else if (state == "idle") f.state = ClientFilter::State::Idle;
    else if (!state.empty()) {
        error = "conn_state: expected connected, idle or disconnected, got \"" + state + "\"";
        return std::nullopt;
    }
    return f;
}

bool clientPasses(const ClientFilter& f, std::string_view clientid, std::string_view username, std::string_view peer,
                  bool connected) {
    using State = ClientFilter::State;
    if (f.state == State::Idle || (f.state == State::Connected && !connected) ||
        (f.state == State::Disconnected && connected))
        return false;
    if (!anyOf(f.clientids, clientid) || !anyOf(f.usernames, username)) return false;
    if (!contains(clientid, f.like_clientid) || !contains(username, f.like_username)) return false;
    return f.ip_address.empty() || (!peer.empty() && net::peerHost(peer) == f.ip_address);
}

}  // namespace emqx::ctl
