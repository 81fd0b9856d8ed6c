#pragma once
// The control server: a Unix stream socket on the control loop that answers
// emqxctl (docs/ctl-protocol.md). It is one transport of the command registry
// (ctl_registry.h): per request it builds the CommandContext and a Responder that
// turns the answer into a protocol line. Every ctl connection is non-blocking and
// bounded: one request is handled at a time (reading pauses while a request
// is answered and its reply written), an unfinished line is capped at 64 KiB,
// and a connection idle for 60 s is closed. So a stalled or vanished ctl
// client costs one socket and never blocks the broker or another ctl client.
// Owner: the control loop (the main thread); `owner` is the thread running it,
// which BrokerApp records around the loop and the methods assert.
#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "common/ctl/protocol.h"
#include "common/thread/owner_thread.h"
#include "emqxd/ctl/control_loop_inbox.h"
#include "emqxd/ctl/ctl_registry.h"

namespace emqx {

struct BrokerContext;
class Worker;
namespace trace {
class TraceRegistry;
}

// <node.data_dir>/emqxd.sock unless node.ctl_socket names another path.
std::string ctlSocketPath(const BrokerContext& ctx);

class CtlServer {
public:
    static constexpr uint64_t kIdleTimeoutMs = 60000;
    static constexpr size_t kMaxConnections = 1024;

    CtlServer(uv_loop_t* loop, const OwnerThread& owner, BrokerContext& ctx,
              const std::vector<std::unique_ptr<Worker>>& workers, trace::TraceRegistry& traces, CtlHooks hooks);
    ~CtlServer();
    CtlServer(const CtlServer&) = delete;
    CtlServer& operator=(const CtlServer&) = delete;

    // Binds the socket (mode 0600). Fails if the path is unusable or another
    // daemon answers on it; a stale socket file is replaced.
    bool start(std::string& error);
    // Closes the socket and every ctl connection; pending answers are dropped.
    void stop();

    const std::string& socketPath() const { return path_; }

private:
    struct Conn;
    static void onConnection(uv_stream_t* server, int status);
    static void onAlloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf);
    static void onRead(uv_stream_t* s, ssize_t n, const uv_buf_t* buf);
    void accept();
    void processLines(Conn& c);
    void dispatch(Conn& c, const std::string& line);
    // Sends a reply line to ctl connection `conn` if it is still there, then
    // reads its next request.
    void respond(uint64_t conn, std::string line);
    void write(Conn& c, std::string line, bool close_after);
    void touch(Conn& c);
    void resume(Conn& c);
    void closeConn(Conn& c);

    uv_loop_t* loop_;
    const OwnerThread& owner_;
    BrokerContext& ctx_;
    const std::vector<std::unique_ptr<Worker>>& workers_;
    trace::TraceRegistry& traces_;
    CtlHooks hooks_;
    ctl::Registry registry_;
    ControlLoopInbox inbox_;
    std::string path_;
    uv_pipe_t* server_ = nullptr;  // freed in its close callback
    bool stopped_ = false;
    uint64_t next_conn_id_ = 1;
    std::unordered_map<uint64_t, std::unique_ptr<Conn>> conns_;
    std::unique_ptr<char[]> read_buffer_;
};

}  // namespace emqx
