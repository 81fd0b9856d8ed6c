#pragma once
// One HTTP/1.1 connection of the API, on the control loop. It reads one
// request at a time: reading pauses while the request is answered (the
// answer may come later, from the workers), and bytes that came after it
// wait. Its one timer closes it when no request has arrived whole within
// dashboard.listeners.http.idle_timeout since it opened or since its last
// answer was written (a slow or silent client holds one socket, never the
// loop). A refused request (400, 413, 431...) is answered, then the
// connection half-closes and discards what still comes for up to 2 s, so
// the client reads the answer instead of a reset.
// Over TLS (dashboard.listeners.https) the bytes go through a Transport (the
// MQTT listeners' TlsTransport, on memory BIOs): the timer first bounds the
// handshake (ssl_options.handshake_timeout), then the requests as above; a
// failed handshake sends its alert and closes. Plain HTTP has no Transport.
// Owner: the control loop; freed in its handles' close callbacks.
#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/http/http_response.h"
#include "common/http/request_parser.h"
#include "emqxd/net/transport.h"

namespace emqx::http {

class HttpConnection;

// What a connection tells the server that owns it.
class ConnectionOwner {
public:
    virtual ~ConnectionOwner() = default;
    // A whole request; the owner answers it with respond(), once.
    virtual void onRequest(HttpConnection& c, HttpRequest request) = 0;
    // The connection is closing; it is freed afterwards, never used again.
    virtual void onClosing(HttpConnection& c) = 0;
    // The TLS transport gave up (a failed handshake, a bad record): for the log.
    virtual void onTlsFailure(HttpConnection& c, const TransportFailure& f) = 0;
};

class HttpConnection {
public:
    static constexpr uint64_t kLingerMs = 2000;
    static constexpr size_t kReadBufferBytes = 64 * 1024;

    // `read_buffer` (kReadBufferBytes, the owner's) is shared by the owner's
    // connections: what a read brings is parsed before the next read.
    // `tls`: nullptr for plain HTTP; else the handshake must end within `handshake_timeout_ms`.
    HttpConnection(uint64_t id, uv_loop_t* loop, ConnectionOwner& owner, char* read_buffer, HttpLimits limits,
                   uint64_t idle_timeout_ms, std::unique_ptr<Transport> tls, uint64_t handshake_timeout_ms);
    HttpConnection(const HttpConnection&) = delete;
    HttpConnection& operator=(const HttpConnection&) = delete;

    // Accepts the pending connection of `server` and starts reading. False:
    // nothing was accepted (the object then frees itself once closed).
    bool accept(uv_stream_t* server);
    // Answers the request being handled; the next one is read after it is written.
    void respond(const HttpResponse& r);
    // Closes at once (stop, or the owner's choice).
    void close();

    // What a write carried: a 100 Continue, an answer, the last bytes (then a
    // lingering close); over TLS also records of the transport's own (handshake,
    // tickets) and its last records (an alert, then a close), both sent as they are.
    enum class Sent { Interim, Answer, Last, Records, Fatal };

    uint64_t id() const { return id_; }
    const std::string& peer() const { return peer_; }

private:
    static void onAlloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf);
    static void onRead(uv_stream_t* s, ssize_t n, const uv_buf_t* buf);
    void input(const char* data, size_t len);
    void tlsInput(const char* data, size_t len);
    void write(std::string bytes, Sent kind);
    void afterAnswer();
    void refuse(const ParseError& e);
    void startReading();
    void stopReading();
    void armTimer(uint64_t ms);
    void onTimer();
    void linger();

    uint64_t id_;
    uv_loop_t* loop_;
    ConnectionOwner& owner_;
    char* read_buffer_;
    RequestParser parser_;
    uint64_t idle_timeout_ms_;
    std::unique_ptr<Transport> tls_;
    uint64_t handshake_timeout_ms_;
    uv_tcp_t tcp_{};
    uv_timer_t timer_{};
    int open_handles_ = 0;
    std::string peer_;
    std::string pending_;  // bytes read past the request being handled
    bool reading_ = false;
    bool handling_ = false;   // a request waits for its answer
    bool keep_alive_ = true;  // of the request being handled
    bool peer_done_ = false;  // the client shut down its side
    bool lingering_ = false;
    bool closing_ = false;
};

}  // namespace emqx::http
