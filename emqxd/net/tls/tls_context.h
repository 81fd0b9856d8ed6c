#pragma once
// One TLS server's OpenSSL context (an ssl or wss listener's, the HTTP API's
// dashboard.listeners.https), built from its ssl_options at start:
// certificate, key, CA, verify mode, versions, ciphers and session
// resumption (a server-side session cache for TLS 1.2 and tickets for 1.3).
// SSL_CTX is safe to share between worker threads.
#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <string>

#include "common/config/broker_config.h"

namespace emqx {

class TlsContext {
public:
    // nullptr on failure, with `error` starting with `where` ("listener ssl:default: ")
    // and naming the key (`key_prefix` + "certfile"...) and the file.
    static std::shared_ptr<TlsContext> create(const config::SslOptions& o, const std::string& where,
                                              const std::string& key_prefix, std::string& error);
    // An ssl or wss listener's, named by its id and its keys (listeners.ssl.default.ssl_options.*).
    static std::shared_ptr<TlsContext> forListener(const config::ListenerConfig& lc, std::string& error);
    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;
    SSL_CTX* get() const { return ctx_; }
    // The server certificate's notAfter, Unix time in seconds (emqx_cert_expiry_at).
    int64_t certExpiryAt() const { return cert_expiry_at_; }

private:
    explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
    SSL_CTX* ctx_;
    int64_t cert_expiry_at_ = 0;
};

}  // namespace emqx
