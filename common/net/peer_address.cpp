#include "common/net/peer_address.h"

namespace emqx::net {

namespace {

struct Split {
    std::string_view host;
    std::string_view port;
};

Split split(std::string_view peer) {
    if (!peer.empty() && peer.front() == '[') {
        size_t close = peer.find(']');
        if (close == std::string_view::npos) return {peer, {}};
        std::string_view rest = peer.substr(close + 1);
        return {peer.substr(1, close - 1), rest.starts_with(':') ? rest.substr(1) : std::string_view{}};
    }
    size_t colon = peer.rfind(':');
    // No colon: no port. More than one: a bare IPv6 address.
    if (colon == std::string_view::npos || peer.find(':') != colon) return {peer, {}};
    return {peer.substr(0, colon), peer.substr(colon + 1)};
}

}  // namespace

std::string_view peerHost(std::string_view peer) { return split(peer).host; }

std::string_view peerPort(std::string_view peer) { return split(peer).port; }

std::string joinPeer(std::string_view host, std::string_view port) {
    bool bracket = host.find(':') != std::string_view::npos && !host.starts_with('[');
    std::string out;
    if (bracket) out += '[';
    out += host;
    if (bracket) out += ']';
    if (!port.empty()) {
        out += ':';
        out += port;
    }
    return out;
}

}  // namespace emqx::net
