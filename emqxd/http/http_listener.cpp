#include "emqxd/http/http_listener.h"

#include <cctype>
#include <vector>

#include "emqxd/log/log.h"
#include "emqxd/log/protocol_error_log.h"
#include "emqxd/net/listener.h"
#include "emqxd/net/tls/tls_transport.h"

namespace emqx::http {

namespace {

std::string errorWord(int uv_error) {
    std::string s = uv_err_name(uv_error);
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

HttpListener::HttpListener(uv_loop_t* loop, std::string key, const config::DashboardHttpConfig& cfg,
                           std::shared_ptr<TlsContext> tls, config::Millis handshake_timeout, HttpLimits limits,
                           char* read_buffer, ProtocolErrorLog& errors, Handler handler)
    : loop_(loop),
      key_(std::move(key)),
      cfg_(cfg),
      tls_(std::move(tls)),
      handshake_timeout_(handshake_timeout),
      limits_(limits),
      read_buffer_(read_buffer),
      errors_(errors),
      handler_(std::move(handler)) {}

bool HttpListener::start(std::string& error) {
    sockaddr_storage addr;
    std::string why;
    if (!parseBindAddress(cfg_.bind, addr, why)) {
        error = key_ + ".bind: " + why;
        return false;
    }
    server_ = new uv_tcp_t;
    uv_tcp_init(loop_, server_);
    server_->data = this;
    int rc = uv_tcp_bind(server_, reinterpret_cast<const sockaddr*>(&addr), 0);
    if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(server_), 128, onConnection);
    if (rc != 0) {
        error = "failed to start the HTTP API (" + key_ + ") on " + cfg_.bind + ": " + errorWord(rc);
        uv_close(reinterpret_cast<uv_handle_t*>(server_),
                 [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
        server_ = nullptr;
        return false;
    }
    log::info("http: the HTTP API listens on {} ({})", cfg_.bind, key_);
    return true;
}

void HttpListener::stop() {
    if (server_) {
        uv_close(reinterpret_cast<uv_handle_t*>(server_),
                 [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
        server_ = nullptr;
    }
    std::vector<HttpConnection*> all;
    for (auto& [id, c] : conns_) all.push_back(c);
    for (HttpConnection* c : all) c->close();
}

HttpConnection* HttpListener::find(uint64_t id) const {
    auto it = conns_.find(id);
    return it == conns_.end() ? nullptr : it->second;
}

void HttpListener::onConnection(uv_stream_t* server, int status) {
    if (status < 0) return;
    static_cast<HttpListener*>(server->data)->accept();
}

void HttpListener::accept() {
    if (conns_.size() >= cfg_.max_connections) return refuse();
    if (refused_ > 0) {
        log::warn("http: below {}.max_connections ({}) again; {} connections were refused", key_, cfg_.max_connections,
                  refused_);
        refused_ = 0;
    }
    uint64_t id = next_id_++;
    std::unique_ptr<Transport> tls;
    if (tls_) tls = std::make_unique<TlsTransport>(tls_, key_, -1);
    auto* c = new HttpConnection(id, loop_, *this, read_buffer_, limits_, cfg_.idle_timeout, std::move(tls),
                                 handshake_timeout_);
    if (c->accept(reinterpret_cast<uv_stream_t*>(server_))) conns_.emplace(id, c);
}

void HttpListener::refuse() {
    auto* tcp = new uv_tcp_t;
    uv_tcp_init(loop_, tcp);
    uv_accept(reinterpret_cast<uv_stream_t*>(server_), reinterpret_cast<uv_stream_t*>(tcp));
    uv_close(reinterpret_cast<uv_handle_t*>(tcp), [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
    if (refused_++ == 0)
        log::warn("http: {}.max_connections ({}) reached: new connections are closed", key_, cfg_.max_connections);
}

void HttpListener::onRequest(HttpConnection& c, HttpRequest request) { handler_(*this, c, std::move(request)); }

void HttpListener::onClosing(HttpConnection& c) { conns_.erase(c.id()); }

void HttpListener::onTlsFailure(HttpConnection& c, const TransportFailure& f) {
    if (f.warning.empty()) return;  // the client just went away
    errors_.report(static_cast<int64_t>(uv_now(loop_)),
                   {f.msg, {}, c.peer(), shutdownReasonName(f.why), f.warning, "HTTP"});
}

}  // namespace emqx::http
