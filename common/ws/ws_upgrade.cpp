#include "common/ws/ws_upgrade.h"

#include <http_parser.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "common/encoding/base64.h"

namespace emqx::ws {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// True when the comma-separated `list` holds `token` (case-insensitive).
bool hasToken(std::string_view list, std::string_view token) {
    while (!list.empty()) {
        size_t comma = list.find(',');
        std::string_view item = trim(list.substr(0, comma));
        if (lower(item) == token) return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

constexpr size_t kMaxField = 4096;

}  // namespace

struct UpgradeParser::State {
    http_parser parser{};
    http_parser_settings settings{};
    Role role = Role::Server;
    UpgradeRequest req;    // Role::Server
    UpgradeResponse resp;  // Role::Client
    std::string field;
    std::string value;
    std::string url;
    bool in_value = false;
    bool headers_done = false;
    std::string proxy_header;

    void commitHeader() {
        if (field.empty()) return;
        std::string name = lower(field);
        auto set = [&](std::string& dst) { dst = dst.empty() ? value : dst + "," + value; };
        if (role == Role::Client) {
            if (name == "upgrade") set(resp.upgrade);
            else if (name == "connection") set(resp.connection);
            else if (name == "sec-websocket-accept") set(resp.accept);
            else if (name == "sec-websocket-protocol") set(resp.protocol);
        } else if (name == "upgrade") set(req.upgrade);
        else if (name == "connection") set(req.connection);
        else if (name == "sec-websocket-key") set(req.key);
        else if (name == "sec-websocket-version") set(req.version);
        else if (name == "sec-websocket-protocol") set(req.protocols);
        else if (!proxy_header.empty() && name == proxy_header) set(req.forwarded_for);
        field.clear();
        value.clear();
        in_value = false;
    }
};

namespace {

UpgradeParser::State* stateOf(http_parser* p) { return static_cast<UpgradeParser::State*>(p->data); }

int onUrl(http_parser* p, const char* at, size_t len) {
    auto* s = stateOf(p);
    if (s->url.size() + len > kMaxField) return 1;
    s->url.append(at, len);
    return 0;
}

int onField(http_parser* p, const char* at, size_t len) {
    auto* s = stateOf(p);
    if (s->in_value) s->commitHeader();
    if (s->field.size() + len > kMaxField) return 1;
    s->field.append(at, len);
    return 0;
}

int onValue(http_parser* p, const char* at, size_t len) {
    auto* s = stateOf(p);
    s->in_value = true;
    if (s->value.size() + len > kMaxField) return 1;
    s->value.append(at, len);
    return 0;
}

int onHeadersComplete(http_parser* p) {
    auto* s = stateOf(p);
    if (s->in_value) s->commitHeader();
    s->headers_done = true;
    if (s->role == Role::Client) {
        s->resp.status = static_cast<int>(p->status_code);
        s->resp.http11 = p->http_major == 1 && p->http_minor >= 1;
        return 1;  // the head is all the client reads: no body, whatever the status
    }
    s->req.method = http_method_str(static_cast<http_method>(p->method));
    s->req.http11 = p->http_major == 1 && p->http_minor >= 1;
    std::string_view url = s->url;
    s->req.path = std::string(url.substr(0, url.find_first_of("?#")));
    return 0;
}

}  // namespace

UpgradeParser::UpgradeParser(Role role, size_t max_bytes, std::string proxy_header)
    : st_(std::make_unique<State>()), max_bytes_(max_bytes) {
    st_->role = role;
    st_->proxy_header = lower(proxy_header);
    http_parser_init(&st_->parser, role == Role::Server ? HTTP_REQUEST : HTTP_RESPONSE);
    st_->parser.data = st_.get();
    http_parser_settings_init(&st_->settings);
    st_->settings.on_url = onUrl;
    st_->settings.on_header_field = onField;
    st_->settings.on_header_value = onValue;
    st_->settings.on_headers_complete = onHeadersComplete;
    // An upgrade request has no body; returning from here ends the message.
    st_->settings.on_message_complete = [](http_parser* p) {
        http_parser_pause(p, 1);
        return 0;
    };
}

UpgradeParser::~UpgradeParser() = default;

const UpgradeRequest& UpgradeParser::request() const { return st_->req; }
const UpgradeResponse& UpgradeParser::response() const { return st_->resp; }

ParseStatus UpgradeParser::feed(const char* data, size_t len, size_t& consumed) {
    consumed = 0;
    if (bad_) return ParseStatus::Bad;
    if (done_) return ParseStatus::Done;
    size_t take = len;
    bool over = false;
    if (seen_ + len > max_bytes_) {
        take = max_bytes_ - seen_;
        over = true;
    }
    size_t n = http_parser_execute(&st_->parser, &st_->settings, data, take);
    seen_ += n;
    auto err = HTTP_PARSER_ERRNO(&st_->parser);
    if (st_->headers_done && (st_->parser.upgrade || err == HPE_PAUSED || err == HPE_OK)) {
        if (err == HPE_PAUSED || st_->parser.upgrade) {
            done_ = true;
            consumed = n;
            return ParseStatus::Done;
        }
    }
    if (err != HPE_OK && err != HPE_PAUSED) {
        bad_ = true;
        error_ = std::string(st_->role == Role::Server ? "bad HTTP request: " : "bad HTTP response: ") +
                 http_errno_name(err);
        return ParseStatus::Bad;
    }
    if (st_->headers_done && !st_->parser.upgrade) {
        // Headers ended but a body follows (Content-Length): not an upgrade we take.
        bad_ = true;
        error_ = "a request with a body";
        return ParseStatus::Bad;
    }
    if (over) {
        bad_ = true;
        error_ = std::string(st_->role == Role::Server ? "request" : "response") + " headers larger than " +
                 std::to_string(max_bytes_) + " bytes";
        return ParseStatus::Bad;
    }
    consumed = n;
    return ParseStatus::NeedMore;
}

bool isMqttSubprotocol(std::string_view p) {
    static constexpr std::string_view known[] = {"mqtt", "mqttv3.1", "mqtt-v3", "mqtt-v3.1.1", "mqtt-v5"};
    std::string l = lower(p);
    return std::find(std::begin(known), std::end(known), l) != std::end(known);
}

UpgradeDecision decideUpgrade(const UpgradeRequest& req, std::string_view mqtt_path) {
    UpgradeDecision d;
    auto fail = [&](int status, std::string why) {
        d.status = status;
        d.reason = std::move(why);
        return d;
    };
    if (req.method != "GET") return fail(405, "method " + req.method);
    if (!req.http11) return fail(400, "not HTTP/1.1");
    if (req.path != mqtt_path) return fail(404, "path " + req.path);
    if (!hasToken(req.upgrade, "websocket")) return fail(400, "no Upgrade: websocket");
    if (!hasToken(req.connection, "upgrade")) return fail(400, "no Connection: upgrade");
    if (trim(req.version) != "13") return fail(426, "Sec-WebSocket-Version " + req.version);
    std::string_view key = trim(req.key);
    // base64 of 16 bytes: 22 characters and "=="
    bool key_ok = key.size() == 24 && key.substr(22) == "==" && std::all_of(key.begin(), key.begin() + 22, [](char c) {
                      return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
                  });
    if (!key_ok) return fail(400, "bad Sec-WebSocket-Key");
    std::string_view list = req.protocols;
    while (!list.empty()) {
        size_t comma = list.find(',');
        std::string_view item = trim(list.substr(0, comma));
        if (isMqttSubprotocol(item)) {
            d.subprotocol = std::string(item);
            break;
        }
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    if (!req.protocols.empty() && d.subprotocol.empty()) return fail(400, "no MQTT subprotocol in " + req.protocols);
    return d;
}

std::string websocketAccept(std::string_view key) {
    std::string in(key);
    in += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(in.data()), in.size(), digest);
    return base64Encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string newWebsocketKey() {
    unsigned char nonce[16];
    if (RAND_bytes(nonce, sizeof nonce) != 1) std::abort();  // no randomness: nothing sensible to go on with
    return base64Encode(std::string_view(reinterpret_cast<const char*>(nonce), sizeof nonce));
}

std::string upgradeRequest(std::string_view host, std::string_view path, std::string_view key,
                           std::string_view subprotocol) {
    std::string r;
    r.reserve(192 + host.size() + path.size());
    r.append("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(host);
    r.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ").append(key);
    r.append("\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ").append(subprotocol).append("\r\n\r\n");
    return r;
}

std::string checkUpgradeResponse(const UpgradeResponse& resp, std::string_view key, std::string_view subprotocol) {
    if (resp.status != 101) return "HTTP " + std::to_string(resp.status) + " instead of 101";
    if (!hasToken(resp.upgrade, "websocket")) return "no Upgrade: websocket in the 101";
    if (!hasToken(resp.connection, "upgrade")) return "no Connection: upgrade in the 101";
    if (trim(resp.accept) != websocketAccept(key)) return "wrong Sec-WebSocket-Accept";
    if (lower(trim(resp.protocol)) != lower(subprotocol)) {
        return "subprotocol '" + resp.protocol + "' instead of " + std::string(subprotocol);
    }
    return "";
}

std::string firstForwardedAddress(std::string_view value) {
    std::string_view first = trim(value.substr(0, value.find(',')));
    if (first.empty() || first.size() > 64) return "";
    for (char c : first)
        if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == ':' || c == '[' || c == ']')) return "";
    return std::string(first);
}

}  // namespace emqx::ws
