#pragma once
// The client end of MQTT over WebSocket for emqx-bench (RFC 6455): the
// HTTP/1.1 upgrade with Sec-WebSocket-Protocol: mqtt and its answer checked
// (common/ws/ws_upgrade), then masked binary frames out and the broker's
// frames in (common/ws/ws_framer, on wslay). Every flush is one frame. With
// `inner` (WSS) the WebSocket bytes go through TLS below, and the upgrade
// request waits for the TLS handshake.
#include <memory>
#include <optional>
#include <string>

#include "bench/client_transport.h"
#include "common/ws/ws_framer.h"
#include "common/ws/ws_upgrade.h"

namespace emqx::bench {

class WsClient final : public ClientTransport {
public:
    // `http_host`: the request's Host:; `path`: what it asks for.
    WsClient(std::string http_host, std::string path, std::unique_ptr<ClientTransport> inner);

    bool start(std::string& wire) override;
    bool input(const char* data, size_t len, std::string& app, std::string& wire) override;
    void output(std::string_view app, std::string& wire) override;
    bool established() const override { return upgraded_; }
    void shutdown(std::string& wire) override;

private:
    // The upgrade request, once TLS below (if any) is up.
    void sendRequestWhenReady(std::string& wire);
    // The WebSocket layer alone, on plaintext: MQTT bytes to `app`, WebSocket bytes to `ws_out`.
    bool wsInput(const char* data, size_t len, std::string& app, std::string& ws_out);
    // WebSocket bytes to the wire: through TLS, or as they are.
    void lower(std::string_view ws_bytes, std::string& wire);

    std::string http_host_;
    std::string path_;
    std::unique_ptr<ClientTransport> inner_;
    std::string key_;
    std::optional<ws::UpgradeParser> upgrade_;
    ws::Framer framer_;
    bool request_sent_ = false;
    bool upgraded_ = false;
    std::string inner_plain_;  // WSS: what TLS decrypted, reused
    std::string scratch_;      // WSS: WebSocket bytes on their way into TLS, reused
};

}  // namespace emqx::bench
