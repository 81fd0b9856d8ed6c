#include "bench/tls_client.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

namespace emqx::bench {

namespace {

std::string opensslReason() {
    const unsigned long err = ERR_peek_last_error();
    const char* r = err ? ERR_reason_error_string(err) : nullptr;
    ERR_clear_error();
    return r ? r : "unknown error";
}

}  // namespace

std::shared_ptr<TlsClientContext> TlsClientContext::create(const Options& o, std::string& error) {
    ERR_clear_error();
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        error = "TLS: cannot create a context: " + opensslReason();
        return nullptr;
    }
    auto owned = std::shared_ptr<TlsClientContext>(new TlsClientContext(ctx, !o.cacertfile.empty()));
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (!o.cacertfile.empty()) {
        if (SSL_CTX_load_verify_locations(ctx, o.cacertfile.c_str(), nullptr) != 1) {
            error = "--cacertfile " + o.cacertfile + ": cannot load: " + opensslReason();
            return nullptr;
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    } else {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    }
    if (!o.certfile.empty()) {
        if (SSL_CTX_use_certificate_chain_file(ctx, o.certfile.c_str()) != 1) {
            error = "--certfile " + o.certfile + ": cannot load: " + opensslReason();
            return nullptr;
        }
        if (SSL_CTX_use_PrivateKey_file(ctx, o.keyfile.c_str(), SSL_FILETYPE_PEM) != 1) {
            error = "--keyfile " + o.keyfile + ": cannot load: " + opensslReason();
            return nullptr;
        }
        if (SSL_CTX_check_private_key(ctx) != 1) {
            error = "--keyfile " + o.keyfile + ": does not match --certfile " + o.certfile + ": " + opensslReason();
            return nullptr;
        }
    }
    return owned;
}

TlsClientContext::~TlsClientContext() { SSL_CTX_free(ctx_); }

TlsClient::TlsClient(std::shared_ptr<TlsClientContext> ctx, const std::string& server_name, bool server_is_ip)
    : ctx_(std::move(ctx)), engine_(ctx_->get(), tls::Role::Client) {
    SSL* ssl = engine_.ssl();
    if (!server_is_ip) SSL_set_tlsext_host_name(ssl, server_name.c_str());  // SNI carries names only (RFC 6066)
    if (ctx_->verifies()) {
        if (server_is_ip) X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), server_name.c_str());
        else SSL_set1_host(ssl, server_name.c_str());
    }
}

void TlsClient::describeFailure(tls::Status st, const char* what) {
    failed_ = true;
    if (st == tls::Status::Closed) {
        error_ = std::string(what) + ": close_notify from the broker";
        return;
    }
    const unsigned long err = ERR_peek_error();
    if (ERR_GET_LIB(err) == ERR_LIB_SSL && ERR_GET_REASON(err) == SSL_R_CERTIFICATE_VERIFY_FAILED) {
        error_ = std::string(what) + ": the broker's certificate failed verification: " +
                 X509_verify_cert_error_string(SSL_get_verify_result(engine_.ssl()));
        ERR_clear_error();
        return;
    }
    const char* reason = err ? ERR_reason_error_string(err) : nullptr;
    error_ = std::string(what) + ": " + (reason ? reason : "failed");
    ERR_clear_error();
}

bool TlsClient::start(std::string& wire) {
    const tls::Status st = engine_.handshake();  // the ClientHello
    if (st == tls::Status::Failed || st == tls::Status::Closed) describeFailure(st, "TLS handshake");
    engine_.drain(wire);
    return !failed_;
}

bool TlsClient::input(const char* data, size_t len, std::string& app, std::string& wire) {
    if (failed_) return false;
    engine_.feed(data, len);
    if (!handshake_done_) {
        const tls::Status st = engine_.handshake();
        if (st != tls::Status::Ok) {
            if (st != tls::Status::WantMore) describeFailure(st, "TLS handshake");
            engine_.drain(wire);  // the next flight, or our alert
            return !failed_;
        }
        handshake_done_ = true;
    }
    const tls::Status st = engine_.read(app);
    if (st != tls::Status::Ok) describeFailure(st, "TLS");
    engine_.drain(wire);
    return !failed_;
}

void TlsClient::output(std::string_view app, std::string& wire) {
    if (failed_ || !handshake_done_) return;
    engine_.write(app.data(), app.size());
    engine_.drain(wire);
}

void TlsClient::shutdown(std::string& wire) {
    if (failed_ || !handshake_done_) return;
    engine_.shutdown();
    engine_.drain(wire);
}

}  // namespace emqx::bench
