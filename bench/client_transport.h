#pragma once
// What sits between a bench client's socket and its MQTT bytes: TLS
// (bench/tls_client), WebSocket (bench/ws_client) or both (WSS: WebSocket
// over TLS). Plain TCP has none: the worker writes and parses the socket's
// bytes directly, with no copy. One transport per connection, used only by
// the worker thread that owns the connection.
#include <memory>
#include <string>
#include <string_view>

#include "bench/options.h"

namespace emqx::bench {

class TlsClientContext;

class ClientTransport {
public:
    virtual ~ClientTransport() = default;

    // Right after the TCP connect: the bytes that open the transport
    // (ClientHello, the HTTP upgrade request) are appended to `wire`. False
    // when it cannot even start; error() says why.
    virtual bool start(std::string& wire) = 0;
    // Wire bytes in: MQTT bytes are appended to `app`, bytes to send back
    // (handshake records, the upgrade request once TLS is up, pong) to `wire`.
    // False once the connection must end; error() says why.
    virtual bool input(const char* data, size_t len, std::string& app, std::string& wire) = 0;
    // MQTT bytes out, once established(): wire bytes appended to `wire`.
    virtual void output(std::string_view app, std::string& wire) = 0;
    // MQTT may flow: the TLS handshake is done, the WebSocket upgraded.
    virtual bool established() const = 0;
    // After the DISCONNECT: the bytes that end the stream politely (close frame, close_notify).
    virtual void shutdown(std::string& wire) = 0;

    const std::string& error() const { return error_; }

protected:
    std::string error_;
};

enum class TransportKind { Tcp, Tls, Ws, Wss };

const char* transportName(TransportKind k);  // "tcp" | "tls" | "ws" | "wss"

// One run's transport, shared by every connection (and every worker thread).
struct TransportConfig {
    TransportKind kind = TransportKind::Tcp;
    std::shared_ptr<TlsClientContext> tls;  // Tls, Wss
    std::string server_name;                // -h without brackets: SNI (names only), the certificate check
    bool server_is_ip = true;
    std::string http_host;  // the upgrade request's Host: ("127.0.0.1:8083", "[::1]:8083")
    std::string ws_path;    // --ws-path
};

// The run's transport from the options (the TLS context loads the PEM files
// now). False with `error` naming the option and file when one does not load.
bool makeTransportConfig(const Options& o, const Target& target, TransportConfig& out, std::string& error);

// A new connection's transport; nullptr for TCP.
std::unique_ptr<ClientTransport> makeClientTransport(const TransportConfig& config);

}  // namespace emqx::bench
