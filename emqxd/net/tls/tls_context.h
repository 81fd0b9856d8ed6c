#pragma once
// One listener's OpenSSL server context, built from its ssl_options at start:
// certificate, key, CA, verify mode, versions, ciphers and session
// resumption (a server-side session cache for TLS 1.2 and tickets for 1.3).
// SSL_CTX is safe to share between worker threads.
#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "common/config/broker_config.h"

namespace emqx {

class TlsContext {
public:
    // nullptr with `error` naming the listener, the key and the file on failure.
    static std::shared_ptr<TlsContext> create(const config::ListenerConfig& lc, std::string& error);
    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;
    SSL_CTX* get() const { return ctx_; }

private:
    explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
    SSL_CTX* ctx_;
};

}  // namespace emqx
