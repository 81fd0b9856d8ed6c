#include "emqxd/http/http_server.h"

#include "emqxd/broker/broker_context.h"
#include "emqxd/http/api_router.h"
#include "emqxd/log/log.h"
#include "emqxd/net/tls/tls_context.h"

namespace emqx::http {

namespace {

bool listenerOff(const config::DashboardHttpConfig& c) { return !c.enable || c.bind.ends_with(":0"); }

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
      tls_errors_(ctx.cfg.log.throttling_time_window),
      read_buffer_(new char[HttpConnection::kReadBufferBytes]) {
    inbox_.bindOwner(owner);
    ctl::registerCommands(registry_);
}

HttpServer::~HttpServer() = default;

bool HttpServer::start(std::string& error) {
    EMQX_ASSERT_OWNER(owner_);
    const auto& http = ctx_.cfg.dashboard_http;
    const auto& https = ctx_.cfg.dashboard_https;
    if (listenerOff(http) && listenerOff(https)) {
        log::info("http: the HTTP API is off (dashboard.listeners.http and .https)");
        return true;
    }
    if (auto problems = registry_.problems(); !problems.empty()) {
        error = "ctl command registry: " + problems.front();
        return false;
    }
    if (!loadDashboard(error)) return false;
    // Certificates are loaded before anything binds: a bad file stops the start with nothing open.
    const std::string https_key = "dashboard.listeners.https";
    std::shared_ptr<TlsContext> tls;
    if (!listenerOff(https) &&
        !(tls = TlsContext::create(https.ssl_options, https_key + ": ", https_key + ".ssl_options.", error)))
        return false;
    if (!listenerOff(http) && !startListener("dashboard.listeners.http", http, nullptr, 0, error)) return false;
    if (tls && !startListener(https_key, https, std::move(tls), https.ssl_options.handshake_timeout, error))
        return false;
    return true;
}

bool HttpServer::startListener(const std::string& key, const config::DashboardHttpConfig& cfg,
                               std::shared_ptr<TlsContext> tls, config::Millis handshake_timeout, std::string& error) {
    auto handler = [this](HttpListener& l, HttpConnection& c, HttpRequest r) { onRequest(l, c, std::move(r)); };
    listeners_.push_back(std::make_unique<HttpListener>(loop_, key, cfg, std::move(tls), handshake_timeout, limits_,
                                                        read_buffer_.get(), tls_errors_, handler));
    return listeners_.back()->start(error);
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
    for (auto& l : listeners_) l->stop();
    tls_errors_.windowEnded();
    inbox_.close();
}

void HttpServer::onRequest(HttpListener& l, HttpConnection& c, HttpRequest request) {
    EMQX_ASSERT_OWNER(owner_);
    std::string what = request.method + " " + request.path;
    request.peer = c.peer();
    Reply reply = [listener = &l, id = c.id(), what](const HttpResponse& r) {
        HttpConnection* conn = listener->find(id);
        if (!conn) return;  // the client went away meanwhile
        log::debug("http: {} {} -> {}", conn->peer(), what, r.status);
        conn->respond(r);
    };
    if (dashboard_.size() > 0 && StaticFiles::owns(request.path)) return reply(dashboard_.serve(request));
    dispatchApi(api_cx_, std::move(request), std::move(reply));
}

}  // namespace emqx::http
