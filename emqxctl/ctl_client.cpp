#include "emqxctl/ctl_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace emqx::ctl {

std::string defaultSocketPath() {
    if (const char* s = std::getenv("EMQX_NODE__CTL_SOCKET"); s && *s) return s;
    if (const char* d = std::getenv("EMQX_NODE__DATA_DIR"); d && *d) return std::string(d) + "/emqxd.sock";
    return "data/emqxd.sock";
}

namespace {

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

int64_t nowMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

CallResult call(const std::string& path, const Request& req, int timeout_ms) {
    CallResult out;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) {
        out.status = CallResult::Status::Unreachable;
        out.error = "cannot reach emqxd at " + path + ": socket path too long";
        return out;
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size());
    Fd s;
    s.fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s.fd < 0 || ::connect(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        out.status = CallResult::Status::Unreachable;
        out.error = "cannot reach emqxd at " + path + ": " + std::strerror(errno) +
                    " (is the broker running? use --socket PATH or set EMQX_NODE__DATA_DIR)";
        return out;
    }
    std::string line = encodeRequest(req);
    int64_t deadline = nowMs() + timeout_ms;
    size_t sent = 0;
    // A daemon that refuses us (`forbidden`) answers and closes before reading
    // the request: a failed send is reported only if no answer can be read.
    std::string send_error;
    while (sent < line.size()) {
        ssize_t n = ::send(s.fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            send_error = "sending to emqxd at " + path + ": " + std::strerror(errno);
            break;
        }
        sent += static_cast<size_t>(n);
    }
    std::string buf;
    char chunk[65536];
    while (true) {
        if (auto lf = buf.find('\n'); lf != std::string::npos) {
            std::string why;
            auto reply = parseReply(std::string_view(buf).substr(0, lf), why);
            if (!reply) {
                out.error = "bad reply from emqxd at " + path + ": " + why;
                return out;
            }
            out.status = CallResult::Status::Ok;
            out.reply = std::move(*reply);
            return out;
        }
        int64_t left = deadline - nowMs();
        if (left <= 0) {
            out.error = "no reply from emqxd at " + path + " within " + std::to_string(timeout_ms / 1000) + " s";
            return out;
        }
        pollfd p{s.fd, POLLIN, 0};
        int pr = ::poll(&p, 1, static_cast<int>(left));
        if (pr < 0 && errno == EINTR) continue;
        if (pr <= 0) continue;
        ssize_t n = ::recv(s.fd, chunk, sizeof chunk, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            out.error = !send_error.empty() ? send_error
                                            : "reading from emqxd at " + path + ": " + std::strerror(errno);
            return out;
        }
        if (n == 0) {
            out.error = !send_error.empty() ? send_error
                                            : "emqxd at " + path + " closed the connection without a reply";
            return out;
        }
        buf.append(chunk, static_cast<size_t>(n));
    }
}

}  // namespace emqx::ctl
