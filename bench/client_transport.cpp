#include "bench/client_transport.h"

#include "bench/tls_client.h"
#include "bench/ws_client.h"

namespace emqx::bench {

const char* transportName(TransportKind k) {
    switch (k) {
        case TransportKind::Tcp: return "tcp";
        case TransportKind::Tls: return "tls";
        case TransportKind::Ws: return "ws";
        case TransportKind::Wss: return "wss";
    }
    return "?";
}

bool makeTransportConfig(const Options& o, const Target& target, TransportConfig& out, std::string& error) {
    out = TransportConfig{};
    if (o.ws) out.kind = o.ssl ? TransportKind::Wss : TransportKind::Ws;
    else out.kind = o.ssl ? TransportKind::Tls : TransportKind::Tcp;
    out.server_name = target.host;
    out.server_is_ip = target.ip_literal;
    out.http_host = (target.ipv6 ? "[" + target.host + "]" : target.host) + ":" + std::to_string(o.port);
    out.ws_path = o.ws_path;
    if (o.ssl) {
        out.tls = TlsClientContext::create(o, error);
        if (!out.tls) return false;
    }
    return true;
}

std::unique_ptr<ClientTransport> makeClientTransport(const TransportConfig& config) {
    std::unique_ptr<ClientTransport> tls;
    if (config.tls) tls = std::make_unique<TlsClient>(config.tls, config.server_name, config.server_is_ip);
    if (config.kind == TransportKind::Ws || config.kind == TransportKind::Wss) {
        return std::make_unique<WsClient>(config.http_host, config.ws_path, std::move(tls));
    }
    return tls;
}

}  // namespace emqx::bench
