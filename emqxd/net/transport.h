#pragma once
// What sits between a Connection's socket and its MQTT channel: a byte-stream
// transform. Plain TCP has none (the Connection's fast path: PUBLISH payloads
// are written from the shared Message, zero-copy); TLS (OpenSSL on memory
// BIOs), WebSocket (RFC 6455) and WSS (TLS below WebSocket) are Transports.
// The channel never knows which one it runs on. A Transport is owned by one
// Connection and moves with it when the connection migrates to the worker
// owning its session (only one thread touches it at a time).
#include <uv.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/mqtt/shutdown_reason.h"
#include "emqxd/net/tls/peer_cert.h"

namespace emqx {

struct ListenerStats;

// Why a transport gave up on its connection. `warning` says what the peer did
// wrong, for the worker's throttled protocol-error log (ProtocolErrorLog),
// under EMQX's word `msg`; it stays empty when there is nothing to warn about
// (the peer just closed). Transports never log themselves: a flood of bad
// handshakes must not fill the disk.
struct TransportFailure {
    ShutdownReason why = ShutdownReason::Closed;
    std::string_view msg;
    std::string warning;
};

class Transport {
public:
    virtual ~Transport() = default;

    // Wire bytes in: plaintext for the channel is appended to `plain`, bytes
    // to send back (handshake records, HTTP 101, pong, alerts) to `wire`.
    // False when the connection must close, for `failure` (`wire` is still sent).
    virtual bool input(const char* data, size_t len, std::string& plain, std::string& wire,
                       TransportFailure& failure) = 0;
    // Plaintext out (the channel's packets) -> wire bytes appended to `wire`.
    virtual void output(const std::vector<uv_buf_t>& plain, std::string& wire) = 0;
    // Plaintext may flow both ways (TLS handshake done, WebSocket upgraded).
    virtual bool established() const = 0;
    // The bytes that end the stream politely (close_notify, close frame).
    virtual void shutdown(ShutdownReason why, std::string& wire) = 0;
    // The client address a proxy reported (X-Forwarded-For), "" if none.
    virtual std::string forwardedFor() const { return {}; }
    // Until when the handshake may take (monotonic ms), -1: no limit.
    virtual int64_t handshakeTimeoutMs() const { return -1; }
    // A field of the client's certificate (peer_cert_as_username/clientid), computed when
    // asked (once per CONNECT) from the certificate OpenSSL keeps anyway: nothing is
    // stored per connection. nullopt without TLS or without a client certificate.
    virtual std::optional<std::string> peerCertField(PeerCertField) const { return std::nullopt; }

    // The connection's wire bytes not yet handed to uv_write (what the calls
    // above were given as `wire`), kept here so plain TCP carries no string.
    std::string wire;
};

// The transport a listener of `stats`' type needs; nullptr for plain TCP.
std::unique_ptr<Transport> makeTransport(ListenerStats& stats, int64_t now_ms, uint64_t max_packet_size);

}  // namespace emqx
