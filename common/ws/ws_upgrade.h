#pragma once
// The HTTP/1.1 handshake that opens a WebSocket (RFC 6455 section 4), both
// ends. The server parses the request with Debian's http-parser, bounded in
// size, and checks it: GET on the listener's mqtt_path, Upgrade: websocket,
// Connection: upgrade, version 13, a 16-byte key. The client writes the
// request and parses and checks the answer: 101, Upgrade, Connection, the
// Sec-WebSocket-Accept its key asks for (OpenSSL's SHA-1 and base64) and the
// subprotocol. Pure code (no I/O): fuzzed by tests/fuzz/ws_fuzz.cpp.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/ws/ws_role.h"

namespace emqx::ws {

struct UpgradeRequest {
    std::string method;
    std::string path;           // without the query string
    std::string upgrade;        // Upgrade:
    std::string connection;     // Connection:
    std::string key;            // Sec-WebSocket-Key:
    std::string version;        // Sec-WebSocket-Version:
    std::string protocols;      // Sec-WebSocket-Protocol: (comma-joined when repeated)
    std::string forwarded_for;  // the proxy address header, when configured and present
    bool http11 = false;
};

struct UpgradeResponse {
    int status = 0;
    std::string upgrade;     // Upgrade:
    std::string connection;  // Connection:
    std::string accept;      // Sec-WebSocket-Accept:
    std::string protocol;    // Sec-WebSocket-Protocol:
    bool http11 = false;
};

enum class ParseStatus { NeedMore, Done, Bad };

// Role::Server parses the client's request; Role::Client the server's answer
// (its head only: whatever follows it is WebSocket frames, or nothing).
class UpgradeParser {
public:
    // `proxy_header` (server): lower-case header name whose value is kept as
    // forwarded_for ("" keeps none). Heads larger than `max_bytes` are Bad.
    UpgradeParser(Role role, size_t max_bytes, std::string proxy_header = {});
    ~UpgradeParser();
    UpgradeParser(const UpgradeParser&) = delete;
    UpgradeParser& operator=(const UpgradeParser&) = delete;

    // Feeds bytes. Done: the head ended, `consumed` bytes of this call belong
    // to it (the rest are WebSocket frames). Bad: see error().
    ParseStatus feed(const char* data, size_t len, size_t& consumed);
    const UpgradeRequest& request() const;    // Role::Server
    const UpgradeResponse& response() const;  // Role::Client
    const std::string& error() const { return error_; }

    struct State;  // http-parser callbacks' view (public for the C callbacks)

private:
    std::unique_ptr<State> st_;
    std::string error_;
    size_t max_bytes_;
    size_t seen_ = 0;
    bool done_ = false;
    bool bad_ = false;
};

// The subprotocols emqxd speaks (EMQX's supported_subprotocols).
bool isMqttSubprotocol(std::string_view p);

struct UpgradeDecision {
    int status = 101;         // 101, or the HTTP error status to answer with
    std::string reason;       // why not 101 (logged)
    std::string subprotocol;  // the one chosen ("" when the client offered none)
};

// Checks a parsed request against the listener's path.
UpgradeDecision decideUpgrade(const UpgradeRequest& req, std::string_view mqtt_path);

// Sec-WebSocket-Accept for a Sec-WebSocket-Key (section 4.2.2).
std::string websocketAccept(std::string_view key);

// A fresh Sec-WebSocket-Key: base64 of 16 random bytes (section 4.1).
std::string newWebsocketKey();

// The client's upgrade request for ws://`host``path` offering `subprotocol`.
std::string upgradeRequest(std::string_view host, std::string_view path, std::string_view key,
                           std::string_view subprotocol);

// "" when `resp` accepts the upgrade asked for with `key`, speaking
// `subprotocol`; else why not ("HTTP 404", "wrong Sec-WebSocket-Accept"...).
std::string checkUpgradeResponse(const UpgradeResponse& resp, std::string_view key, std::string_view subprotocol);

// The first address of an X-Forwarded-For style value ("1.2.3.4, 10.0.0.1" -> "1.2.3.4"), "" if none.
std::string firstForwardedAddress(std::string_view value);

}  // namespace emqx::ws
