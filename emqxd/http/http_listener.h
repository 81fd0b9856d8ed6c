#pragma once
// One listening socket of the HTTP API: dashboard.listeners.http, or
// dashboard.listeners.https with its TLS context (every connection then runs
// TLS, handshake bounded by ssl_options.handshake_timeout). At most
// max_connections connections: one more is closed as soon as it is accepted,
// and counted (logged when the limit is first reached and when it is left).
// Whole requests go to the server's handler; failed TLS handshakes go to the
// protocol-error log (throttled, as the workers' are).
// Owner: the control loop.
#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "common/config/broker_config.h"
#include "emqxd/http/http_connection.h"

namespace emqx {

class TlsContext;
class ProtocolErrorLog;

namespace http {

class HttpListener final : public ConnectionOwner {
public:
    using Handler = std::function<void(HttpListener&, HttpConnection&, HttpRequest)>;

    // `key`: "dashboard.listeners.http(s)", for the log and errors; `tls`:
    // nullptr for plain HTTP. `read_buffer` as HttpConnection's.
    HttpListener(uv_loop_t* loop, std::string key, const config::DashboardHttpConfig& cfg,
                 std::shared_ptr<TlsContext> tls, config::Millis handshake_timeout, HttpLimits limits,
                 char* read_buffer, ProtocolErrorLog& errors, Handler handler);
    HttpListener(const HttpListener&) = delete;
    HttpListener& operator=(const HttpListener&) = delete;

    // Binds cfg.bind; fails naming the key, the address and the error (eaddrinuse...).
    bool start(std::string& error);
    // Closes the socket and every connection; answers not yet sent are dropped.
    void stop();
    // The open connection `id`, nullptr once it closed.
    HttpConnection* find(uint64_t id) const;

    void onRequest(HttpConnection& c, HttpRequest request) override;
    void onClosing(HttpConnection& c) override;
    void onTlsFailure(HttpConnection& c, const TransportFailure& f) override;

private:
    static void onConnection(uv_stream_t* server, int status);
    void accept();
    void refuse();

    uv_loop_t* loop_;
    std::string key_;
    const config::DashboardHttpConfig& cfg_;
    std::shared_ptr<TlsContext> tls_;
    config::Millis handshake_timeout_;
    HttpLimits limits_;
    char* read_buffer_;
    ProtocolErrorLog& errors_;
    Handler handler_;
    uv_tcp_t* server_ = nullptr;  // freed in its close callback
    uint64_t next_id_ = 1;
    std::unordered_map<uint64_t, HttpConnection*> conns_;  // each frees itself once closed
    uint64_t refused_ = 0;                                 // since the limit was last reached
};

}  // namespace http
}  // namespace emqx
