#include "bench/ws_client.h"

namespace emqx::bench {

namespace {

constexpr const char* kSubprotocol = "mqtt";
constexpr size_t kMaxResponseHead = 8 * 1024;
// The broker writes one frame per flush: several packets, at most one of them maximum-size.
constexpr uint64_t kMaxFrame = 1ull << 30;

}  // namespace

WsClient::WsClient(std::string http_host, std::string path, std::unique_ptr<ClientTransport> inner)
    : http_host_(std::move(http_host)),
      path_(std::move(path)),
      inner_(std::move(inner)),
      key_(ws::newWebsocketKey()),
      framer_(ws::Role::Client, kMaxFrame) {
    upgrade_.emplace(ws::Role::Client, kMaxResponseHead);
}

bool WsClient::start(std::string& wire) {
    if (inner_ && !inner_->start(wire)) {
        error_ = inner_->error();
        return false;
    }
    sendRequestWhenReady(wire);
    return true;
}

void WsClient::sendRequestWhenReady(std::string& wire) {
    if (request_sent_ || (inner_ && !inner_->established())) return;
    request_sent_ = true;
    lower(ws::upgradeRequest(http_host_, path_, key_, kSubprotocol), wire);
}

void WsClient::lower(std::string_view ws_bytes, std::string& wire) {
    if (ws_bytes.empty()) return;
    if (inner_) inner_->output(ws_bytes, wire);
    else wire.append(ws_bytes);
}

bool WsClient::input(const char* data, size_t len, std::string& app, std::string& wire) {
    if (!inner_) return wsInput(data, len, app, wire);
    inner_plain_.clear();
    bool ok = inner_->input(data, len, inner_plain_, wire);
    if (!ok) error_ = inner_->error();
    else sendRequestWhenReady(wire);
    if (!inner_plain_.empty()) {
        std::string ws_out;
        if (!wsInput(inner_plain_.data(), inner_plain_.size(), app, ws_out)) ok = false;
        lower(ws_out, wire);
    }
    return ok;
}

bool WsClient::wsInput(const char* data, size_t len, std::string& app, std::string& ws_out) {
    if (!upgraded_) {
        if (!upgrade_) return false;  // already refused
        size_t used = 0;
        const ws::ParseStatus st = upgrade_->feed(data, len, used);
        if (st == ws::ParseStatus::NeedMore) return true;
        if (st == ws::ParseStatus::Bad) {
            error_ = "WebSocket upgrade: " + upgrade_->error();
            upgrade_.reset();
            return false;
        }
        const std::string why = ws::checkUpgradeResponse(upgrade_->response(), key_, kSubprotocol);
        upgrade_.reset();
        if (!why.empty()) {
            error_ = "WebSocket upgrade refused: " + why;
            return false;
        }
        upgraded_ = true;
        data += used;
        len -= used;
        if (len == 0) return true;
    }
    if (framer_.feed(reinterpret_cast<const uint8_t*>(data), len, app, ws_out)) return true;
    switch (framer_.cause()) {
        case ws::CloseCause::PeerClosed: error_ = "WebSocket close frame from the broker"; break;
        case ws::CloseCause::TooLarge: error_ = "WebSocket frame from the broker larger than 1 GiB"; break;
        case ws::CloseCause::NotBinary: error_ = "WebSocket text frame from the broker (MQTT needs binary)"; break;
        default: error_ = "WebSocket protocol error from the broker"; break;
    }
    return false;
}

void WsClient::output(std::string_view app, std::string& wire) {
    if (!upgraded_ || app.empty()) return;
    if (!inner_) {
        framer_.sendBinary(app, wire);
        return;
    }
    scratch_.clear();
    framer_.sendBinary(app, scratch_);
    inner_->output(scratch_, wire);
    if (scratch_.capacity() > 256 * 1024) std::string().swap(scratch_);
}

void WsClient::shutdown(std::string& wire) {
    if (upgraded_) {
        std::string ws_out;
        framer_.close(1000, ws_out);
        lower(ws_out, wire);
    }
    if (inner_) inner_->shutdown(wire);
}

}  // namespace emqx::bench
