#include "emqxd/http/http_connection.h"

#include <memory>

#include "common/net/peer_address.h"
#include "emqxd/log/log.h"

namespace emqx::http {

namespace {

struct WriteReq {
    uv_write_t req{};
    std::string bytes;
    HttpConnection::Sent kind;
};

std::string peerOf(const uv_tcp_t* tcp) {
    sockaddr_storage addr{};
    int len = sizeof addr;
    if (uv_tcp_getpeername(tcp, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "unknown";
    char host[64] = {0};
    int port = 0;
    if (addr.ss_family == AF_INET6) {
        auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
        uv_ip6_name(a, host, sizeof host);
        port = ntohs(a->sin6_port);
    } else {
        auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
        uv_ip4_name(a, host, sizeof host);
        port = ntohs(a->sin_port);
    }
    return net::joinPeer(host, std::to_string(port));
}

}  // namespace

HttpConnection::HttpConnection(uint64_t id, uv_loop_t* loop, ConnectionOwner& owner, char* read_buffer,
                               HttpLimits limits, uint64_t idle_timeout_ms, std::unique_ptr<Transport> tls,
                               uint64_t handshake_timeout_ms)
    : id_(id),
      loop_(loop),
      owner_(owner),
      read_buffer_(read_buffer),
      parser_(limits),
      idle_timeout_ms_(idle_timeout_ms),
      tls_(std::move(tls)),
      handshake_timeout_ms_(handshake_timeout_ms) {}

bool HttpConnection::accept(uv_stream_t* server) {
    uv_tcp_init(loop_, &tcp_);
    tcp_.data = this;
    uv_timer_init(loop_, &timer_);
    timer_.data = this;
    open_handles_ = 2;
    if (uv_accept(server, reinterpret_cast<uv_stream_t*>(&tcp_)) != 0) {
        closing_ = true;  // not known to the owner yet: closes without telling it
        auto on_closed = [](uv_handle_t* h) {
            auto* c = static_cast<HttpConnection*>(h->data);
            if (--c->open_handles_ == 0) delete c;
        };
        uv_close(reinterpret_cast<uv_handle_t*>(&timer_), on_closed);
        uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), on_closed);
        return false;
    }
    uv_tcp_nodelay(&tcp_, 1);
    peer_ = peerOf(&tcp_);
    armTimer(tls_ ? handshake_timeout_ms_ : idle_timeout_ms_);
    startReading();
    return true;
}

void HttpConnection::onAlloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
    auto* c = static_cast<HttpConnection*>(h->data);
    *buf = uv_buf_init(c->read_buffer_, static_cast<unsigned>(kReadBufferBytes));
}

void HttpConnection::onRead(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
    auto* c = static_cast<HttpConnection*>(s->data);
    if (n == 0 || c->closing_) return;
    if (n < 0) {
        c->stopReading();
        c->peer_done_ = true;
        // A client that half-closed still gets the answer it waits for.
        if (n != UV_EOF || !c->handling_ || c->lingering_) c->close();
        return;
    }
    if (c->lingering_) return;  // after a refusal: discarded
    if (c->tls_) return c->tlsInput(buf->base, static_cast<size_t>(n));
    c->input(buf->base, static_cast<size_t>(n));
}

void HttpConnection::tlsInput(const char* data, size_t len) {
    std::string plain;
    std::string wire;
    TransportFailure failure;
    const bool was_established = tls_->established();
    if (!tls_->input(data, len, plain, wire, failure)) {
        stopReading();
        if (failure.why == ShutdownReason::SslClosed && was_established) {
            // close_notify is the client's EOF: a request that came with it is still answered.
            peer_done_ = true;
            if (!wire.empty()) write(std::move(wire), Sent::Records);
            if (!plain.empty()) input(plain.data(), plain.size());
            if (!handling_ && !lingering_) close();
            return;
        }
        owner_.onTlsFailure(*this, failure);
        if (wire.empty()) return close();
        return write(std::move(wire), Sent::Fatal);
    }
    if (!wire.empty()) write(std::move(wire), Sent::Records);
    if (!was_established && tls_->established()) armTimer(idle_timeout_ms_);
    if (!plain.empty()) input(plain.data(), plain.size());
}

void HttpConnection::input(const char* data, size_t len) {
    size_t off = 0;
    while (off < len) {
        size_t used = 0;
        ParseStatus st = parser_.feed(data + off, len - off, used);
        off += used;
        if (st == ParseStatus::Bad) return refuse(parser_.error());
        if (st == ParseStatus::NeedMore) {
            if (parser_.takeExpectContinue()) write("HTTP/1.1 100 Continue\r\n\r\n", Sent::Interim);
            return;
        }
        pending_.assign(data + off, len - off);
        stopReading();
        handling_ = true;
        keep_alive_ = parser_.request().keep_alive;
        owner_.onRequest(*this, std::move(parser_.request()));
        return;
    }
}

void HttpConnection::respond(const HttpResponse& r) {
    if (closing_ || !handling_) return;
    handling_ = false;
    bool last = !keep_alive_ || peer_done_;
    write(serializeResponse(r, !last), last ? Sent::Last : Sent::Answer);
}

void HttpConnection::refuse(const ParseError& e) {
    log::debug("http: {} refused with {}: {}", peer_, e.status, e.reason);
    stopReading();
    lingering_ = true;
    write(serializeResponse(errorResponse(e.status, statusWord(e.status), e.reason), false), Sent::Last);
}

void HttpConnection::write(std::string bytes, Sent kind) {
    auto* w = new WriteReq;
    if (tls_ && kind != Sent::Records && kind != Sent::Fatal) {
        uv_buf_t plain = uv_buf_init(bytes.data(), static_cast<unsigned>(bytes.size()));
        tls_->output({plain}, w->bytes);
        if (kind == Sent::Last) tls_->shutdown(ShutdownReason::Closed, w->bytes);  // close_notify before the FIN
    } else {
        w->bytes = std::move(bytes);
    }
    w->kind = kind;
    w->req.data = w;
    uv_buf_t buf = uv_buf_init(w->bytes.data(), static_cast<unsigned>(w->bytes.size()));
    int rc = uv_write(&w->req, reinterpret_cast<uv_stream_t*>(&tcp_), &buf, 1, [](uv_write_t* req, int status) {
        std::unique_ptr<WriteReq> done(static_cast<WriteReq*>(req->data));
        auto* c = static_cast<HttpConnection*>(req->handle->data);
        if (c->closing_) return;
        if (status < 0 || done->kind == Sent::Fatal) return c->close();
        if (done->kind == Sent::Last) return c->linger();
        if (done->kind == Sent::Answer) c->afterAnswer();
    });
    if (rc != 0) {
        delete w;
        close();
    }
}

void HttpConnection::afterAnswer() {
    parser_.reset();
    armTimer(idle_timeout_ms_);
    std::string next = std::move(pending_);
    pending_.clear();
    if (!next.empty()) input(next.data(), next.size());
    if (!handling_ && !closing_ && !lingering_) startReading();
}

void HttpConnection::linger() {
    lingering_ = true;
    stopReading();
    auto* req = new uv_shutdown_t;
    req->data = this;
    int rc = uv_shutdown(req, reinterpret_cast<uv_stream_t*>(&tcp_), [](uv_shutdown_t* r, int) { delete r; });
    if (rc != 0) {
        delete req;
        return close();
    }
    if (peer_done_) return close();
    armTimer(kLingerMs);
    startReading();
}

void HttpConnection::startReading() {
    if (reading_ || closing_) return;
    reading_ = uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), onAlloc, onRead) == 0;
}

void HttpConnection::stopReading() {
    if (!reading_) return;
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
    reading_ = false;
}

void HttpConnection::armTimer(uint64_t ms) {
    uv_timer_start(
        &timer_, [](uv_timer_t* t) { static_cast<HttpConnection*>(t->data)->onTimer(); }, ms, 0);
}

void HttpConnection::onTimer() {
    if (tls_ && !tls_->established() && !lingering_) {
        log::debug("http: {} closed: no TLS handshake within {} ms", peer_, handshake_timeout_ms_);
        return close();
    }
    // An answer being prepared is not the client's delay: wait for it.
    if (handling_) return armTimer(idle_timeout_ms_);
    if (!lingering_) log::debug("http: {} closed: no request within {} ms", peer_, idle_timeout_ms_);
    close();
}

void HttpConnection::close() {
    if (closing_) return;
    closing_ = true;
    owner_.onClosing(*this);
    auto on_closed = [](uv_handle_t* h) {
        auto* c = static_cast<HttpConnection*>(h->data);
        if (--c->open_handles_ == 0) delete c;
    };
    uv_close(reinterpret_cast<uv_handle_t*>(&timer_), on_closed);
    uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), on_closed);
}

}  // namespace emqx::http
