#include "emqxd/net/ws/ws_transport.h"

namespace emqx {

namespace {

const char* statusText(int status) {
    switch (status) {
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 426: return "Upgrade Required";
        case 431: return "Request Header Fields Too Large";
        default: return "Bad Request";
    }
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

WsTransport::WsTransport(const config::ListenerConfig& lc, uint64_t max_frame, std::string listener_id,
                         std::unique_ptr<Transport> inner)
    : lc_(lc), listener_id_(std::move(listener_id)), inner_(std::move(inner)), framer_(ws::Role::Server, max_frame) {
    upgrade_.emplace(ws::Role::Server, kMaxUpgradeBytes, lc_.websocket.proxy_address_header);
}

WsTransport::~WsTransport() = default;

void WsTransport::lower(const std::string& ws_bytes, std::string& wire) {
    if (ws_bytes.empty()) return;
    if (!inner_) {
        wire.append(ws_bytes);
        return;
    }
    uv_buf_t b = uv_buf_init(const_cast<char*>(ws_bytes.data()), static_cast<unsigned>(ws_bytes.size()));
    inner_->output({b}, wire);
}

bool WsTransport::input(const char* data, size_t len, std::string& plain, std::string& wire,
                        TransportFailure& failure) {
    if (!inner_) return wsInput(data, len, plain, wire, failure);
    std::string tls_plain;
    bool ok = inner_->input(data, len, tls_plain, wire, failure);
    if (!tls_plain.empty()) {
        std::string ws_out;
        TransportFailure ws_failure;
        if (!wsInput(tls_plain.data(), tls_plain.size(), plain, ws_out, ws_failure)) {
            if (ok) failure = std::move(ws_failure);
            ok = false;
        }
        lower(ws_out, wire);
    }
    return ok;
}

bool WsTransport::wsInput(const char* data, size_t len, std::string& plain, std::string& ws_out,
                          TransportFailure& failure) {
    if (failed_) return false;
    if (!upgraded_) {
        size_t used = 0;
        ws::ParseStatus st = upgrade_->feed(data, len, used);
        if (st == ws::ParseStatus::NeedMore) return true;
        int status = 400;
        std::string reason;
        ws::UpgradeDecision d;
        if (st == ws::ParseStatus::Done) {
            d = ws::decideUpgrade(upgrade_->request(), lc_.websocket.mqtt_path);
            status = d.status;
            reason = d.reason;
        } else {
            reason = upgrade_->error();
            if (reason.find("larger than") != std::string::npos) status = 431;
        }
        if (status != 101) {
            failure.msg = "websocket_upgrade_refused";
            failure.warning =
                "listener " + listener_id_ + ": " + std::to_string(status) + " " + statusText(status) + ": " + reason;
            ws_out += "HTTP/1.1 " + std::to_string(status) + " " + statusText(status) + "\r\n";
            if (status == 426) ws_out += "Sec-WebSocket-Version: 13\r\n";
            ws_out += "Connection: close\r\nContent-Length: 0\r\n\r\n";
            failed_ = true;
            failure.why = ShutdownReason::WsBadRequest;
            return false;
        }
        const ws::UpgradeRequest& req = upgrade_->request();
        if (!req.forwarded_for.empty()) forwarded_for_ = ws::firstForwardedAddress(req.forwarded_for);
        ws_out += "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
        ws_out += "Sec-WebSocket-Accept: " + ws::websocketAccept(trimmed(req.key)) + "\r\n";
        if (!d.subprotocol.empty()) ws_out += "Sec-WebSocket-Protocol: " + d.subprotocol + "\r\n";
        ws_out += "\r\n";
        upgraded_ = true;
        upgrade_.reset();
        data += used;
        len -= used;
        if (len == 0) return true;
    }
    if (framer_.feed(reinterpret_cast<const uint8_t*>(data), len, plain, ws_out)) return true;
    failed_ = true;
    switch (framer_.cause()) {
        case ws::CloseCause::PeerClosed: failure.why = ShutdownReason::Closed; break;
        case ws::CloseCause::TooLarge: failure.why = ShutdownReason::FrameTooLarge; break;
        default: failure.why = ShutdownReason::WsProtocolError; break;
    }
    if (failure.why != ShutdownReason::Closed) {
        failure.msg = "websocket_error";
        failure.warning = "listener " + listener_id_;
    }
    return false;
}

void WsTransport::output(const std::vector<uv_buf_t>& plain, std::string& wire) {
    if (!upgraded_) return;
    size_t total = 0;
    for (const uv_buf_t& b : plain) total += b.len;
    if (total == 0) return;
    scratch_.clear();
    scratch_.reserve(total + 10);
    if (!framer_.beginBinary(total, scratch_)) return;
    for (const uv_buf_t& b : plain) scratch_.append(b.base, b.len);
    if (inner_) lower(scratch_, wire);
    else wire.append(scratch_);
    if (scratch_.capacity() > 64 * 1024) std::string().swap(scratch_);
}

void WsTransport::shutdown(ShutdownReason why, std::string& wire) {
    if (upgraded_) {
        std::string ws_out;
        uint16_t code = 1000;
        if (why == ShutdownReason::FrameTooLarge) code = 1009;
        else if (why == ShutdownReason::WsProtocolError || why == ShutdownReason::MalformedPacket ||
                 why == ShutdownReason::ProtocolError)
            code = 1002;
        framer_.close(code, ws_out);
        lower(ws_out, wire);
    }
    if (inner_) inner_->shutdown(why, wire);
}

}  // namespace emqx
