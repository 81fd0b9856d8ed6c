#pragma once
// The client end of TLS for emqx-bench: one OpenSSL client context per run
// (TLS 1.2/1.3; the broker's certificate verified against --cacertfile, or
// not at all without it; --certfile/--keyfile as the client certificate),
// and per connection an SSL on memory BIOs (common/tls/tls_engine) driven
// from the worker's libuv read callbacks and flushes.
#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "bench/client_transport.h"
#include "common/tls/tls_engine.h"

namespace emqx::bench {

class TlsClientContext {
public:
    // nullptr with `error` naming the option, the file and OpenSSL's reason when a file does not load.
    static std::shared_ptr<TlsClientContext> create(const Options& o, std::string& error);
    ~TlsClientContext();
    TlsClientContext(const TlsClientContext&) = delete;
    TlsClientContext& operator=(const TlsClientContext&) = delete;

    SSL_CTX* get() const { return ctx_; }
    bool verifies() const { return verifies_; }

private:
    TlsClientContext(SSL_CTX* ctx, bool verifies) : ctx_(ctx), verifies_(verifies) {}
    SSL_CTX* ctx_;
    bool verifies_;
};

class TlsClient final : public ClientTransport {
public:
    // SNI is `server_name` unless it is an IP literal; with verification the
    // certificate must name it (DNS or IP subjectAltName).
    TlsClient(std::shared_ptr<TlsClientContext> ctx, const std::string& server_name, bool server_is_ip);

    bool start(std::string& wire) override;
    bool input(const char* data, size_t len, std::string& app, std::string& wire) override;
    void output(std::string_view app, std::string& wire) override;
    bool established() const override { return handshake_done_; }
    void shutdown(std::string& wire) override;

private:
    // error_ for a failed handshake or record, from OpenSSL's error queue.
    void describeFailure(tls::Status st, const char* what);

    std::shared_ptr<TlsClientContext> ctx_;
    tls::Engine engine_;
    bool handshake_done_ = false;
    bool failed_ = false;
};

}  // namespace emqx::bench
