#include "emqxd/http/http_server.h"

#include <cctype>

#include "emqxd/broker/broker_context.h"
#include "emqxd/http/api_router.h"
#include "emqxd/log/log.h"
#include "emqxd/net/listener.h"

namespace emqx::http {

namespace {

std::string errorWord(int uv_error) {
    std::string s = uv_err_name(uv_error);
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool apiOff(const config::DashboardHttpConfig& c) { return !c.enable || c.bind.ends_with(":0"); }

}  // namespace

HttpServer::HttpServer(uv_loop_t* loop, const OwnerThread& owner, BrokerContext& ctx,
                       const std::vector<std::unique_ptr<Worker>>& workers, trace::TraceRegistry& traces,
                       CtlHooks hooks)
    : loop_(loop),
      owner_(owner),
      ctx_(ctx),
      hooks_(std::move(hooks)),
      inbox_(loop),
      ctl_cx_{ctx, workers, traces, inbox_, hooks_},
      api_cx_{ctx, registry_, ctl_cx_},
      read_buffer_(new char[HttpConnection::kReadBufferBytes]) {
    inbox_.bindOwner(owner);
    ctl::registerCommands(registry_);
}

HttpServer::~HttpServer() = default;

bool HttpServer::start(std::string& error) {
    EMQX_ASSERT_OWNER(owner_);
    const auto& cfg = ctx_.cfg.dashboard_http;
    if (apiOff(cfg)) {
        log::info("http: the HTTP API is off (dashboard.listeners.http)");
        return true;
    }
    if (auto problems = registry_.problems(); !problems.empty()) {
        error = "ctl command registry: " + problems.front();
        return false;
    }
    if (!loadDashboard(error)) return false;
    sockaddr_storage addr;
    std::string why;
    if (!parseBindAddress(cfg.bind, addr, why)) {
        error = "dashboard.listeners.http.bind: " + why;
        return false;
    }
    server_ = new uv_tcp_t;
    uv_tcp_init(loop_, server_);
    server_->data = this;
    int rc = uv_tcp_bind(server_, reinterpret_cast<const sockaddr*>(&addr), 0);
    if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(server_), 128, onConnection);
    if (rc != 0) {
        error = "failed to start the HTTP API (dashboard.listeners.http) on " + cfg.bind + ": " + errorWord(rc);
        uv_close(reinterpret_cast<uv_handle_t*>(server_),
                 [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
        server_ = nullptr;
        return false;
    }
    log::info("http: the HTTP API listens on {}", cfg.bind);
    return true;
}

// The configured directory must load; the built-in one may be absent (an
// emqxd copied away from its source tree), which leaves only the REST API.
bool HttpServer::loadDashboard(std::string& error) {
    const std::string& dir = ctx_.cfg.dashboard.static_dir;
    std::string why;
    if (dashboard_.load(dir.empty() ? EMQXD_DASHBOARD_DIR : dir, why)) {
        log::info("http: the dashboard is served from {} ({} files)", dir.empty() ? EMQXD_DASHBOARD_DIR : dir,
                  dashboard_.size());
        return true;
    }
    if (!dir.empty()) {
        error = "dashboard.static_dir: " + why;
        return false;
    }
    log::warn("http: no dashboard ({}); set dashboard.static_dir", why);
    return true;
}

void HttpServer::stop() {
    EMQX_ASSERT_OWNER(owner_);
    if (stopped_) return;
    stopped_ = true;
    if (server_) {
        uv_close(reinterpret_cast<uv_handle_t*>(server_),
                 [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
        server_ = nullptr;
    }
    std::vector<HttpConnection*> all;
    for (auto& [id, c] : conns_) all.push_back(c);
    for (HttpConnection* c : all) c->close();
    inbox_.close();
}

void HttpServer::onConnection(uv_stream_t* server, int status) {
    if (status < 0) return;
    static_cast<HttpServer*>(server->data)->accept();
}

void HttpServer::accept() {
    EMQX_ASSERT_OWNER(owner_);
    if (conns_.size() >= ctx_.cfg.dashboard_http.max_connections) return refuse();
    if (refused_ > 0) {
        log::warn("http: below dashboard.listeners.http.max_connections ({}) again; {} connections were refused",
                  ctx_.cfg.dashboard_http.max_connections, refused_);
        refused_ = 0;
    }
    uint64_t id = next_id_++;
    auto* c = new HttpConnection(id, loop_, *this, read_buffer_.get(), limits_, ctx_.cfg.dashboard_http.idle_timeout);
    if (c->accept(reinterpret_cast<uv_stream_t*>(server_))) conns_.emplace(id, c);
}

void HttpServer::refuse() {
    auto* tcp = new uv_tcp_t;
    uv_tcp_init(loop_, tcp);
    uv_accept(reinterpret_cast<uv_stream_t*>(server_), reinterpret_cast<uv_stream_t*>(tcp));
    uv_close(reinterpret_cast<uv_handle_t*>(tcp), [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
    if (refused_++ == 0)
        log::warn("http: dashboard.listeners.http.max_connections ({}) reached: new connections are closed",
                  ctx_.cfg.dashboard_http.max_connections);
}

void HttpServer::onRequest(HttpConnection& c, HttpRequest request) {
    EMQX_ASSERT_OWNER(owner_);
    std::string what = request.method + " " + request.path;
    request.peer = c.peer();
    Reply reply = [this, id = c.id(), what](const HttpResponse& r) {
        auto it = conns_.find(id);
        if (it == conns_.end()) return;  // the client went away meanwhile
        log::debug("http: {} {} -> {}", it->second->peer(), what, r.status);
        it->second->respond(r);
    };
    if (dashboard_.size() > 0 && StaticFiles::owns(request.path)) return reply(dashboard_.serve(request));
    dispatchApi(api_cx_, std::move(request), std::move(reply));
}

void HttpServer::onClosing(HttpConnection& c) { conns_.erase(c.id()); }

}  // namespace emqx::http
