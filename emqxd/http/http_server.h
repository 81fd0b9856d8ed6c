#pragma once
// The HTTP API's server (docs/http-api.md): a TCP listener on the control
// loop beside the ctl socket, bound at dashboard.listeners.http.bind. It is
// the registry's second transport: each request runs through the route table
// (api_router.h), whose endpoints call the handlers emqxctl runs; "/" and
// "/static/..." are the dashboard's files (static_files.h). At most
// dashboard.listeners.http.max_connections connections: one more is closed
// as soon as it is accepted, and counted (logged when the limit is first
// reached and when it is left). Requests are bounded (HttpLimits); each
// connection has its own idle deadline (http_connection.h). Nothing here
// blocks or waits, so a slow or hostile client never stalls the loop, the
// ctl socket or the workers.
// Owner: the control loop; `owner` is the thread running it.
#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/thread/owner_thread.h"
#include "emqxd/ctl/control_loop_inbox.h"
#include "emqxd/ctl/ctl_registry.h"
#include "emqxd/http/api_route.h"
#include "emqxd/http/http_connection.h"
#include "emqxd/http/static_files.h"

namespace emqx {

struct BrokerContext;
class Worker;
namespace trace {
class TraceRegistry;
}

namespace http {

class HttpServer final : public ConnectionOwner {
public:
    HttpServer(uv_loop_t* loop, const OwnerThread& owner, BrokerContext& ctx,
               const std::vector<std::unique_ptr<Worker>>& workers, trace::TraceRegistry& traces, CtlHooks hooks);
    ~HttpServer() override;
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds dashboard.listeners.http.bind, or does nothing when the API is
    // off (enable = false, or port 0). Fails naming the key, the address and
    // the error (eaddrinuse...).
    bool start(std::string& error);
    // Closes the listener and every connection; answers not yet sent are dropped.
    void stop();

    void onRequest(HttpConnection& c, HttpRequest request) override;
    void onClosing(HttpConnection& c) override;

private:
    bool loadDashboard(std::string& error);
    static void onConnection(uv_stream_t* server, int status);
    void accept();
    void refuse();

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
    uv_tcp_t* server_ = nullptr;  // freed in its close callback
    bool stopped_ = false;
    uint64_t next_id_ = 1;
    std::unordered_map<uint64_t, HttpConnection*> conns_;  // each frees itself once closed
    uint64_t refused_ = 0;                                 // since the limit was last reached
    std::unique_ptr<char[]> read_buffer_;
};

}  // namespace http
}  // namespace emqx
