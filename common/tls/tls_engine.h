#pragma once
// One OpenSSL connection on two memory BIOs, for either end: records from the
// peer go in with feed(), records for the peer come out of drain(); the owner
// moves the bytes between its socket and here, so nothing ever blocks. The
// broker's TLS transport (server) and emqx-bench's (client) both run on it;
// each names and reports failures its own way, from OpenSSL's error queue,
// which handshake() and read() leave as the failing call left it.
#include <openssl/ssl.h>

#include <cstddef>
#include <string>

namespace emqx::tls {

enum class Role { Server, Client };

enum class Status {
    Ok,        // handshake(): done; read(): everything buffered was decrypted
    WantMore,  // handshake(): waiting for the peer's records
    Closed,    // the peer sent close_notify
    Failed,    // a handshake or record error: see SSL_get_error / ERR_peek_error
};

class Engine {
public:
    Engine(SSL_CTX* ctx, Role role);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    SSL* ssl() const { return ssl_; }
    // Records received from the peer.
    void feed(const char* data, size_t len);
    // Advances the handshake (the client's first call produces its ClientHello).
    Status handshake();
    // Appends the plaintext of every whole record fed so far to `plain`.
    Status read(std::string& plain);
    // Encrypts `len` bytes (a memory BIO takes them all); drain() then has the records.
    void write(const char* data, size_t len);
    // Queues close_notify.
    void shutdown();
    // Appends the records waiting for the peer to `wire`.
    void drain(std::string& wire);

private:
    SSL* ssl_ = nullptr;
    BIO* rbio_ = nullptr;  // owned by ssl_
    BIO* wbio_ = nullptr;  // owned by ssl_
};

}  // namespace emqx::tls
