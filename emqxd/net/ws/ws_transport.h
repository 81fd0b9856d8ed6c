#pragma once
// MQTT over WebSocket (RFC 6455): the HTTP/1.1 upgrade (common/ws/ws_upgrade,
// on http-parser), then binary frames (common/ws/ws_framer, on wslay). Every
// outgoing flush is one binary frame. With `inner` (WSS) the WebSocket bytes
// go through a TLS transport below.
#include <memory>
#include <optional>
#include <string>

#include "common/config/broker_config.h"
#include "common/ws/ws_framer.h"
#include "common/ws/ws_upgrade.h"
#include "emqxd/net/transport.h"

namespace emqx {

class WsTransport final : public Transport {
public:
    static constexpr size_t kMaxUpgradeBytes = 8 * 1024;

    WsTransport(const config::ListenerConfig& lc, uint64_t max_frame, std::string listener_id,
                std::unique_ptr<Transport> inner);
    ~WsTransport() override;

    bool input(const char* data, size_t len, std::string& plain, std::string& wire, TransportFailure& failure) override;
    void output(const std::vector<uv_buf_t>& plain, std::string& wire) override;
    bool established() const override { return upgraded_ && (!inner_ || inner_->established()); }
    void shutdown(ShutdownReason why, std::string& wire) override;
    std::string forwardedFor() const override { return forwarded_for_; }
    int64_t handshakeTimeoutMs() const override { return inner_ ? inner_->handshakeTimeoutMs() : -1; }
    std::optional<std::string> peerCertField(PeerCertField f) const override {
        return inner_ ? inner_->peerCertField(f) : std::nullopt;  // WSS: the TLS below
    }

private:
    // The WebSocket layer alone, on plaintext `data`: app bytes to `plain`, WS bytes to `ws_out`.
    bool wsInput(const char* data, size_t len, std::string& plain, std::string& ws_out, TransportFailure& failure);
    void lower(const std::string& ws_bytes, std::string& wire);

    const config::ListenerConfig& lc_;
    std::string listener_id_;
    std::unique_ptr<Transport> inner_;
    std::optional<ws::UpgradeParser> upgrade_;
    ws::Framer framer_;
    bool upgraded_ = false;
    bool failed_ = false;
    std::string forwarded_for_;
    std::string scratch_;
};

}  // namespace emqx
