#include "emqxd/app/startup_warnings.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdio>

#include "emqxd/net/listener.h"

namespace emqx {

namespace {

const char* fileName(const std::string& config_file) {
    return config_file.empty() ? "etc/emqx.toml" : config_file.c_str();
}

// A bind address that cannot be reached from another host. An address that
// does not parse is not judged here: the listener's start reports it.
bool loopbackOnly(const std::string& bind) {
    sockaddr_storage addr;
    std::string error;
    if (!parseBindAddress(bind, addr, error)) return true;
    if (addr.ss_family == AF_INET) {
        const auto& in = reinterpret_cast<const sockaddr_in&>(addr);
        return (ntohl(in.sin_addr.s_addr) >> 24) == 127;
    }
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(addr);
    return IN6_IS_ADDR_LOOPBACK(&in6.sin6_addr);
}

}  // namespace

void warnDefaultCookie(const config::BrokerConfig& cfg, const std::string& config_file) {
    if (cfg.node.cookie != "emqxsecretcookie") return;
    std::fprintf(stderr,
                 "WARNING: Default (insecure) Erlang cookie is in use.\n"
                 "WARNING: Configure node.cookie in %s or override from environment variable EMQX_NODE__COOKIE\n"
                 "WARNING: NOTE: Use the same cookie for all nodes in the cluster.\n"
                 "WARNING: (emqxd runs no Erlang: node.cookie is the secret its cluster nodes share.)\n",
                 fileName(config_file));
}

void warnAnonymousListeners(const config::BrokerConfig& cfg, const std::string& config_file) {
    bool authenticated = std::any_of(cfg.authentication.begin(), cfg.authentication.end(),
                                     [](const config::AuthenticatorConfig& a) { return a.enable; });
    if (authenticated) return;
    std::string exposed;
    for (const config::ListenerConfig& l : cfg.listeners) {
        if (!l.enable || loopbackOnly(l.bind)) continue;
        exposed += (exposed.empty() ? "" : ", ") + l.id() + " on " + l.bind;
    }
    if (exposed.empty()) return;
    std::fprintf(
        stderr,
        "WARNING: No authenticator is enabled: any client may connect anonymously to %s.\n"
        "WARNING: Configure `authentication` in %s (docs/security.md), or bind these listeners to 127.0.0.1.\n",
        exposed.c_str(), fileName(config_file));
}

}  // namespace emqx
