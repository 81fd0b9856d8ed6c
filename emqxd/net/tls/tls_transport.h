#pragma once
// TLS on memory BIOs (common/tls/tls_engine): the worker's loop reads the
// socket, feeds the records here and writes what OpenSSL produces; nothing
// ever blocks. Handshake
// failures are named with EMQX's words (certificate_expired,
// no_suitable_cipher, handshake_failure, unknown_ca, protocol_version) and
// logged with the peer.
#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "common/tls/tls_engine.h"
#include "emqxd/net/transport.h"

namespace emqx {

class TlsContext;

class TlsTransport final : public Transport {
public:
    TlsTransport(std::shared_ptr<TlsContext> ctx, std::string listener_id, int64_t handshake_deadline_ms);
    ~TlsTransport() override;

    bool input(const char* data, size_t len, std::string& plain, std::string& wire, TransportFailure& failure) override;
    void output(const std::vector<uv_buf_t>& plain, std::string& wire) override;
    bool established() const override { return handshake_done_; }
    void shutdown(ShutdownReason why, std::string& wire) override;
    int64_t handshakeTimeoutMs() const override { return handshake_done_ ? -1 : deadline_ms_; }
    std::optional<std::string> peerCertField(PeerCertField f) const override;

    // The reason a failed handshake or record is counted under (public for tests).
    static ShutdownReason classify(SSL* ssl, unsigned long err);

private:
    std::shared_ptr<TlsContext> ctx_;
    std::string listener_id_;
    tls::Engine engine_;
    bool handshake_done_ = false;
    bool failed_ = false;
    int64_t deadline_ms_;
};

}  // namespace emqx
