#pragma once
// The HTTP API's server (docs/http-api.md), on the control loop beside the
// ctl socket: up to two listeners (http_listener.h), dashboard.listeners.http
// and dashboard.listeners.https (TLS, the MQTT listeners' TlsContext), serving
// the same requests. It is the registry's second transport: each request runs
// through the route table (api_router.h), whose endpoints call the handlers
// emqxctl runs; "/" and "/static/..." are the dashboard's files
// (static_files.h). Requests are bounded (HttpLimits); each connection has its
// own idle deadline (http_connection.h). Nothing here blocks or waits, so a
// slow or hostile client never stalls the loop, the ctl socket or the workers.
// Owner: the control loop; `owner` is the thread running it.
#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/thread/owner_thread.h"
#include "emqxd/ctl/control_loop_inbox.h"
#include "emqxd/ctl/ctl_registry.h"
#include "emqxd/http/api_route.h"
#include "emqxd/http/http_listener.h"
#include "emqxd/http/static_files.h"
#include "emqxd/log/protocol_error_log.h"

namespace emqx {

struct BrokerContext;
class TlsContext;
class Worker;
namespace trace {
class TraceRegistry;
}

namespace http {

class HttpServer final {
public:
    HttpServer(uv_loop_t* loop, const OwnerThread& owner, BrokerContext& ctx,
               const std::vector<std::unique_ptr<Worker>>& workers, trace::TraceRegistry& traces, CtlHooks hooks);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds dashboard.listeners.http.bind and dashboard.listeners.https.bind,
    // each unless off (enable = false, or port 0). Fails naming the key, the
    // address and the error (eaddrinuse...), or the certificate file.
    bool start(std::string& error);
    // Closes the listeners and every connection; answers not yet sent are dropped.
    void stop();

private:
    bool loadDashboard(std::string& error);
    bool startListener(const std::string& key, const config::DashboardHttpConfig& cfg, std::shared_ptr<TlsContext> tls,
                       config::Millis handshake_timeout, std::string& error);
    void onRequest(HttpListener& l, HttpConnection& c, HttpRequest request);

    uv_loop_t* loop_;
    const OwnerThread& owner_;
    BrokerContext& ctx_;
    CtlHooks hooks_;
    ctl::Registry registry_;
    ControlLoopInbox inbox_;
    ctl::CommandContext ctl_cx_;
    ApiContext api_cx_;
    HttpLimits limits_;
    StaticFiles dashboard_;
    ProtocolErrorLog tls_errors_;
    bool stopped_ = false;
    std::unique_ptr<char[]> read_buffer_;
    std::vector<std::unique_ptr<HttpListener>> listeners_;
};

}  // namespace http
}  // namespace emqx
