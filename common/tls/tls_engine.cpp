#include "common/tls/tls_engine.h"

#include <openssl/err.h>

namespace emqx::tls {

Engine::Engine(SSL_CTX* ctx, Role role) {
    ssl_ = SSL_new(ctx);
    rbio_ = BIO_new(BIO_s_mem());
    wbio_ = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(rbio_, -1);  // an empty input BIO means "more to come"
    SSL_set_bio(ssl_, rbio_, wbio_);
    if (role == Role::Server) SSL_set_accept_state(ssl_);
    else SSL_set_connect_state(ssl_);
}

Engine::~Engine() { SSL_free(ssl_); }

void Engine::feed(const char* data, size_t len) {
    if (len > 0) BIO_write(rbio_, data, static_cast<int>(len));
}

Status Engine::handshake() {
    ERR_clear_error();
    const int rc = SSL_do_handshake(ssl_);
    if (rc == 1) return Status::Ok;
    switch (SSL_get_error(ssl_, rc)) {
        case SSL_ERROR_WANT_READ:
        case SSL_ERROR_WANT_WRITE: return Status::WantMore;
        case SSL_ERROR_ZERO_RETURN: return Status::Closed;
        default: return Status::Failed;
    }
}

Status Engine::read(std::string& plain) {
    ERR_clear_error();
    char buf[16 * 1024];
    while (true) {
        const int n = SSL_read(ssl_, buf, sizeof buf);
        if (n > 0) {
            plain.append(buf, static_cast<size_t>(n));
            continue;
        }
        switch (SSL_get_error(ssl_, n)) {
            case SSL_ERROR_WANT_READ:
            case SSL_ERROR_WANT_WRITE: return Status::Ok;
            case SSL_ERROR_ZERO_RETURN: return Status::Closed;
            default: return Status::Failed;
        }
    }
}

void Engine::write(const char* data, size_t len) {
    if (len > 0) SSL_write(ssl_, data, static_cast<int>(len));
}

void Engine::shutdown() {
    ERR_clear_error();
    SSL_shutdown(ssl_);
    ERR_clear_error();
}

void Engine::drain(std::string& wire) {
    size_t pending;
    while ((pending = BIO_ctrl_pending(wbio_)) > 0) {
        const size_t at = wire.size();
        wire.resize(at + pending);
        const int n = BIO_read(wbio_, wire.data() + at, static_cast<int>(pending));
        wire.resize(at + static_cast<size_t>(n > 0 ? n : 0));
        if (n <= 0) break;
    }
}

}  // namespace emqx::tls
