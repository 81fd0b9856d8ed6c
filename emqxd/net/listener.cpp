#include "emqxd/net/listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "emqxd/broker/broker_context.h"
#include "emqxd/log/log.h"
#include "emqxd/worker/worker.h"

namespace emqx {

namespace {

std::string errnoWord(int err) {
    switch (err) {
        case EADDRINUSE: return "eaddrinuse";
        case EACCES: return "eacces";
        case EADDRNOTAVAIL: return "eaddrnotavail";
        default: {
            std::string s = uv_err_name(-err);
            for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            return s;
        }
    }
}

std::string peerName(const sockaddr_storage& addr) {
    char host[INET6_ADDRSTRLEN] = {0};
    if (addr.ss_family == AF_INET6) {
        auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
        return "[" + std::string(host) + "]:" + std::to_string(ntohs(a->sin6_port));
    }
    auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
    return std::string(host) + ":" + std::to_string(ntohs(a->sin_port));
}

}  // namespace

bool parseBindAddress(const std::string& bind, sockaddr_storage& out, std::string& error) {
    std::memset(&out, 0, sizeof out);
    std::string host = "0.0.0.0";
    std::string port = bind;
    if (auto colon = bind.rfind(':'); colon != std::string::npos) {
        host = bind.substr(0, colon);
        port = bind.substr(colon + 1);
        if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    }
    char* end = nullptr;
    long p = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end != '\0' || p < 0 || p > 65535) {
        error = "bad port in \"" + bind + "\"";
        return false;
    }
    if (uv_ip4_addr(host.c_str(), static_cast<int>(p), reinterpret_cast<sockaddr_in*>(&out)) == 0) return true;
    if (uv_ip6_addr(host.c_str(), static_cast<int>(p), reinterpret_cast<sockaddr_in6*>(&out)) == 0) return true;
    error = "bad address in \"" + bind + "\"";
    return false;
}

Listener::Listener(uv_loop_t* loop, BrokerContext& ctx, ListenerStats& stats) : loop_(loop), ctx_(ctx), stats_(stats) {}

Listener::~Listener() {
    if (fd_ >= 0 && !poll_) ::close(fd_);
}

bool Listener::start(std::string& error) {
    if (poll_) return true;
    sockaddr_storage addr;
    std::string why;
    if (!parseBindAddress(stats_.bind, addr, why)) {
        error = "listener " + stats_.id + ": " + why;
        return false;
    }
    int fd = ::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = "listener " + stats_.id + " on " + stats_.bind + ": " + errnoWord(errno);
        return false;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    socklen_t len = addr.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(fd, stats_.config.tcp_options.backlog) != 0) {
        int err = errno;
        ::close(fd);
        error = "failed to start listener " + stats_.id + " on " + stats_.bind + ": " + errnoWord(err);
        return false;
    }
    fd_ = fd;
    poll_ = new uv_poll_t;
    uv_poll_init(loop_, poll_, fd_);
    poll_->data = this;
    uv_poll_start(poll_, UV_READABLE, onReadable);
    if (const auto& rate = stats_.max_conn_rate; !rate.unlimited())
        conn_rate_.emplace(rate.amount, rate.period_ms, static_cast<int64_t>(uv_now(loop_)));
    resume_timer_ = new uv_timer_t;
    uv_timer_init(loop_, resume_timer_);
    resume_timer_->data = this;
    stats_.running.store(true);
    log::info("listener {} started on {}", stats_.id, stats_.bind);
    return true;
}

void Listener::stop() {
    if (!poll_) return;
    uv_poll_stop(poll_);
    int fd = fd_;
    uv_close(reinterpret_cast<uv_handle_t*>(poll_), [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
    poll_ = nullptr;
    if (resume_timer_) {
        uv_close(reinterpret_cast<uv_handle_t*>(resume_timer_),
                 [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
        resume_timer_ = nullptr;
        conn_rate_.reset();
    }
    ::close(fd);
    fd_ = -1;
    stats_.running.store(false);
    log::info("listener {} on {} stopped", stats_.id, stats_.bind);
}

void Listener::onReadable(uv_poll_t* poll, int status, int) {
    if (status < 0) return;
    static_cast<Listener*>(poll->data)->acceptAll();
}

void Listener::acceptAll() {
    // A bounded batch per wakeup keeps the control loop responsive in a storm.
    const auto now = static_cast<int64_t>(uv_now(loop_));
    for (int i = 0; i < 256; ++i) {
        if (conn_rate_ && conn_rate_->available(now) < 1) return pauseAccepting(conn_rate_->readyAt(now) - now);
        sockaddr_storage addr;
        socklen_t len = sizeof addr;
        int fd = ::accept4(fd_, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            log::warn("listener {}: accept: {}; accepting again in {} ms", stats_.id, std::strerror(errno),
                      kAcceptErrorPauseMs);
            // Out of descriptors or memory: the socket stays readable, so
            // polling on would spin; the connection waits in the backlog.
            return pauseAccepting(kAcceptErrorPauseMs);
        }
        stats_.accepted.fetch_add(1, std::memory_order_relaxed);
        if (conn_rate_) conn_rate_->take(now, 1);
        if (stats_.current.load(std::memory_order_relaxed) >= stats_.max_connections || ctx_.stopping.load()) {
            stats_.refused.fetch_add(1, std::memory_order_relaxed);
            ::close(fd);
            continue;
        }
        stats_.current.fetch_add(1, std::memory_order_relaxed);
        Worker& w = *ctx_.workers[next_worker_++ % ctx_.workers.size()];
        w.adoptSocket(fd, &stats_, peerName(addr));
    }
}

void Listener::pauseAccepting(int64_t delay_ms) {
    uv_poll_stop(poll_);
    uv_timer_start(
        resume_timer_,
        [](uv_timer_t* t) {
            auto* self = static_cast<Listener*>(t->data);
            if (self->poll_) uv_poll_start(self->poll_, UV_READABLE, onReadable);
        },
        static_cast<uint64_t>(std::max<int64_t>(delay_ms, 1)), 0);
}

}  // namespace emqx
