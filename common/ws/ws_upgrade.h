#pragma once
// The HTTP/1.1 request that opens a WebSocket (RFC 6455 section 4.2.1),
// parsed with Debian's http-parser, bounded in size, and checked: GET on the
// listener's mqtt_path, Upgrade: websocket, Connection: upgrade, version 13, a
// 16-byte key. Pure code (no I/O): fuzzed by tests/fuzz/ws_fuzz.cpp.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

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

enum class ParseStatus { NeedMore, Done, Bad };

class UpgradeParser {
public:
    // `proxy_header`: lower-case header name whose value is kept as
    // forwarded_for ("" keeps none). Requests larger than `max_bytes` are Bad.
    UpgradeParser(size_t max_bytes, std::string proxy_header);
    ~UpgradeParser();
    UpgradeParser(const UpgradeParser&) = delete;
    UpgradeParser& operator=(const UpgradeParser&) = delete;

    // Feeds request bytes. Done: the request ended, `consumed` bytes of this
    // call belong to it (the rest are WebSocket frames). Bad: see error().
    ParseStatus feed(const char* data, size_t len, size_t& consumed);
    const UpgradeRequest& request() const { return req_; }
    const std::string& error() const { return error_; }

    struct State;  // http-parser callbacks' view (public for the C callbacks)

private:
    std::unique_ptr<State> st_;
    UpgradeRequest& req_;
    std::string error_;
    size_t max_bytes_;
    size_t seen_ = 0;
    bool done_ = false;
    bool bad_ = false;
};

// The subprotocols emqxd speaks (EMQX's supported_subprotocols).
bool isMqttSubprotocol(std::string_view p);

struct UpgradeDecision {
    int status = 101;          // 101, or the HTTP error status to answer with
    std::string reason;        // why not 101 (logged)
    std::string subprotocol;   // the one chosen ("" when the client offered none)
};

// Checks a parsed request against the listener's path.
UpgradeDecision decideUpgrade(const UpgradeRequest& req, std::string_view mqtt_path);

// The first address of an X-Forwarded-For style value ("1.2.3.4, 10.0.0.1" -> "1.2.3.4"), "" if none.
std::string firstForwardedAddress(std::string_view value);

}  // namespace emqx::ws
