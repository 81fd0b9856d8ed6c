#include "emqxd/ctl/ctl_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "emqxd/broker/broker_context.h"
#include "emqxd/log/log.h"

namespace emqx {

using ctl::Json;

struct CtlServer::Conn {
    CtlServer* server;
    uint64_t id;
    uv_pipe_t pipe{};
    uv_timer_t idle{};
    ctl::LineSplitter lines;
    int open_handles = 0;
    bool reading = false;
    bool busy = false;  // a request is being answered or its reply written
    bool eof = false;   // the client shut down its side
    bool closing = false;
};

namespace {

struct WriteReq {
    uv_write_t req{};
    std::string data;
    bool close_after = false;
    void* conn = nullptr;
};

std::string errnoText(int err) { return std::strerror(err); }

}  // namespace

std::string ctlSocketPath(const BrokerContext& ctx) {
    if (!ctx.cfg.node.ctl_socket.empty()) return ctx.cfg.node.ctl_socket;
    return (std::filesystem::path(ctx.cfg.node.data_dir) / "emqxd.sock").string();
}

CtlServer::CtlServer(uv_loop_t* loop, const OwnerThread& owner, BrokerContext& ctx,
                     const std::vector<std::unique_ptr<Worker>>& workers, trace::TraceRegistry& traces, CtlHooks hooks)
    : loop_(loop),
      owner_(owner),
      ctx_(ctx),
      workers_(workers),
      traces_(traces),
      hooks_(std::move(hooks)),
      inbox_(loop),
      path_(ctlSocketPath(ctx)),
      read_buffer_(new char[ctl::kMaxLineBytes]) {
    inbox_.bindOwner(owner);
    ctl::registerCommands(registry_);
}

CtlServer::~CtlServer() {
    // stop() ran and the loop finished its closes; anything left is leaked
    // rather than freed under libuv.
    for (auto& [id, c] : conns_) c.release();
}

bool CtlServer::start(std::string& error) {
    EMQX_ASSERT_OWNER(owner_);
    if (auto problems = registry_.problems(); !problems.empty()) {
        error = "ctl command registry: " + problems.front();
        return false;
    }
    sockaddr_un probe_addr{};
    if (path_.size() >= sizeof probe_addr.sun_path) {
        error = "ctl socket " + path_ + ": path longer than " + std::to_string(sizeof probe_addr.sun_path - 1) +
                " bytes (set node.ctl_socket to a shorter path)";
        return false;
    }
    struct stat st {};
    if (::lstat(path_.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            error = "ctl socket " + path_ + ": exists and is not a socket";
            return false;
        }
        // A live daemon answers on it; a stale file from a crash does not.
        int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        probe_addr.sun_family = AF_UNIX;
        std::memcpy(probe_addr.sun_path, path_.c_str(), path_.size());
        bool live = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&probe_addr), sizeof probe_addr) == 0;
        if (fd >= 0) ::close(fd);
        if (live) {
            error = "ctl socket " + path_ + ": another emqxd is answering on it";
            return false;
        }
        ::unlink(path_.c_str());
    }
    server_ = new uv_pipe_t;
    uv_pipe_init(loop_, server_, 0);
    server_->data = this;
    int rc = uv_pipe_bind(server_, path_.c_str());
    if (rc == 0 && ::chmod(path_.c_str(), 0600) != 0) rc = -errno;
    if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(server_), 128, onConnection);
    if (rc != 0) {
        error = "ctl socket " + path_ + ": " + uv_strerror(rc);
        uv_close(reinterpret_cast<uv_handle_t*>(server_),
                 [](uv_handle_t* h) { delete reinterpret_cast<uv_pipe_t*>(h); });
        server_ = nullptr;
        return false;
    }
    log::info("ctl: listening on {}", path_);
    return true;
}

void CtlServer::stop() {
    EMQX_ASSERT_OWNER(owner_);
    if (stopped_) return;
    stopped_ = true;
    if (server_) {
        uv_close(reinterpret_cast<uv_handle_t*>(server_),
                 [](uv_handle_t* h) { delete reinterpret_cast<uv_pipe_t*>(h); });
        server_ = nullptr;
        ::unlink(path_.c_str());
    }
    std::vector<Conn*> all;
    for (auto& [id, c] : conns_) all.push_back(c.get());
    for (Conn* c : all) closeConn(*c);
    inbox_.close();
}

void CtlServer::onConnection(uv_stream_t* server, int status) {
    if (status < 0) return;
    static_cast<CtlServer*>(server->data)->accept();
}

void CtlServer::accept() {
    auto owned = std::make_unique<Conn>();
    Conn& c = *owned;
    c.server = this;
    c.id = next_conn_id_++;
    uv_pipe_init(loop_, &c.pipe, 0);
    c.pipe.data = &c;
    c.open_handles = 1;
    if (uv_accept(reinterpret_cast<uv_stream_t*>(server_), reinterpret_cast<uv_stream_t*>(&c.pipe)) != 0) {
        uv_close(reinterpret_cast<uv_handle_t*>(&c.pipe), [](uv_handle_t* h) { delete static_cast<Conn*>(h->data); });
        owned.release();
        return;
    }
    uv_timer_init(loop_, &c.idle);
    c.idle.data = &c;
    c.open_handles = 2;
    conns_.emplace(c.id, std::move(owned));
    touch(c);

    uv_os_fd_t fd = -1;
    uv_fileno(reinterpret_cast<uv_handle_t*>(&c.pipe), &fd);
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
        log::warn("ctl: cannot read the peer's credentials: {}", errnoText(errno));
        write(c, ctl::encodeError(std::nullopt, ctl::code::kForbidden, "cannot read the peer's credentials"), true);
        return;
    }
    if (cred.uid != ::geteuid() && cred.uid != 0) {
        log::warn("ctl: refused a connection from uid {} (pid {})", cred.uid, cred.pid);
        write(c,
              ctl::encodeError(std::nullopt, ctl::code::kForbidden,
                               "uid " + std::to_string(cred.uid) + " may not control this daemon"),
              true);
        return;
    }
    if (conns_.size() > kMaxConnections) {
        write(c, ctl::encodeError(std::nullopt, ctl::code::kFailed, "too many ctl connections"), true);
        return;
    }
    resume(c);
}

void CtlServer::touch(Conn& c) {
    uv_timer_start(
        &c.idle,
        [](uv_timer_t* t) {
            Conn& conn = *static_cast<Conn*>(t->data);
            conn.server->closeConn(conn);
        },
        kIdleTimeoutMs, 0);
}

void CtlServer::onAlloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
    Conn& c = *static_cast<Conn*>(h->data);
    *buf = uv_buf_init(c.server->read_buffer_.get(), static_cast<unsigned>(ctl::kMaxLineBytes));
}

void CtlServer::onRead(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
    Conn& c = *static_cast<Conn*>(s->data);
    CtlServer& self = *c.server;
    if (n == 0) return;
    if (n < 0) {
        uv_read_stop(s);
        c.reading = false;
        if (n == UV_EOF) {
            c.eof = true;
            if (!c.busy) self.processLines(c);
        } else {
            self.closeConn(c);
        }
        return;
    }
    self.touch(c);
    if (!c.lines.feed(std::string_view(buf->base, static_cast<size_t>(n)))) {
        uv_read_stop(s);
        c.reading = false;
        if (!c.busy) {
            c.busy = true;
            self.write(c,
                       ctl::encodeError(std::nullopt, ctl::code::kLineTooLong,
                                        "request line longer than " + std::to_string(ctl::kMaxLineBytes) + " bytes"),
                       true);
        }
        return;
    }
    if (!c.busy) self.processLines(c);
}

void CtlServer::processLines(Conn& c) {
    while (!c.busy && !c.closing) {
        auto line = c.lines.next();
        if (!line) break;
        if (!line->empty() && line->back() == '\r') line->pop_back();
        if (line->empty()) continue;  // blank lines are ignored
        dispatch(c, *line);
    }
    if (c.busy || c.closing) return;
    if (c.lines.overflowed()) {
        c.busy = true;
        write(c,
              ctl::encodeError(std::nullopt, ctl::code::kLineTooLong,
                               "request line longer than " + std::to_string(ctl::kMaxLineBytes) + " bytes"),
              true);
        return;
    }
    if (c.eof) {
        closeConn(c);
        return;
    }
    if (!c.reading) {
        c.reading = true;
        uv_read_start(reinterpret_cast<uv_stream_t*>(&c.pipe), onAlloc, onRead);
    }
}

void CtlServer::dispatch(Conn& c, const std::string& line) {
    EMQX_ASSERT_OWNER(owner_);
    // Reading pauses until this request is answered and the answer written.
    c.busy = true;
    if (c.reading) {
        uv_read_stop(reinterpret_cast<uv_stream_t*>(&c.pipe));
        c.reading = false;
    }
    ctl::ProtocolError perr;
    auto req = ctl::parseRequest(line, perr);
    if (!req) {
        write(c, ctl::encodeError(perr.id, perr.code, perr.message), true);
        return;
    }
    ctl::CommandContext cx{ctx_, workers_, traces_, inbox_, hooks_};
    registry_.dispatch(req->cmd, req->args, cx, ctl::Responder([this, conn = c.id, id = req->id](ctl::Answer a) {
                           respond(conn, a.is_ok ? ctl::encodeOk(id, a.data) : ctl::encodeError(id, a.code, a.message));
                       }));
}

void CtlServer::respond(uint64_t conn, std::string line) {
    EMQX_ASSERT_OWNER(owner_);
    auto it = conns_.find(conn);
    if (it == conns_.end()) return;  // the ctl client went away meanwhile
    Conn& c = *it->second;
    if (c.closing) return;
    write(c, std::move(line), false);
}

void CtlServer::write(Conn& c, std::string line, bool close_after) {
    if (c.closing) return;
    auto* w = new WriteReq;
    w->data = std::move(line);
    w->close_after = close_after;
    w->conn = &c;
    w->req.data = w;
    uv_buf_t buf = uv_buf_init(w->data.data(), static_cast<unsigned>(w->data.size()));
    int rc = uv_write(&w->req, reinterpret_cast<uv_stream_t*>(&c.pipe), &buf, 1, [](uv_write_t* req, int status) {
        std::unique_ptr<WriteReq> done(static_cast<WriteReq*>(req->data));
        Conn& conn = *static_cast<Conn*>(done->conn);
        if (conn.closing) return;
        CtlServer& self = *conn.server;
        if (status < 0 || done->close_after) {
            self.closeConn(conn);
            return;
        }
        self.touch(conn);
        conn.busy = false;
        self.processLines(conn);
    });
    if (rc != 0) {
        delete w;
        closeConn(c);
    }
}

void CtlServer::resume(Conn& c) {
    c.busy = false;
    processLines(c);
}

void CtlServer::closeConn(Conn& c) {
    if (c.closing) return;
    c.closing = true;
    auto it = conns_.find(c.id);
    if (it != conns_.end()) {
        it->second.release();  // freed when both handles have closed
        conns_.erase(it);
    }
    auto on_closed = [](uv_handle_t* h) {
        Conn* conn = static_cast<Conn*>(h->data);
        if (--conn->open_handles == 0) delete conn;
    };
    uv_close(reinterpret_cast<uv_handle_t*>(&c.idle), on_closed);
    uv_close(reinterpret_cast<uv_handle_t*>(&c.pipe), on_closed);
}

}  // namespace emqx
