#pragma once
// One request, one reply, over the daemon's Unix socket.
#include <string>

#include "common/ctl/protocol.h"

namespace emqx::ctl {

// Where emqxctl looks for the daemon: --socket, else $EMQX_NODE__CTL_SOCKET,
// else $EMQX_NODE__DATA_DIR/emqxd.sock, else data/emqxd.sock.
std::string defaultSocketPath();

struct CallResult {
    enum class Status { Ok, Unreachable, Broken } status = Status::Broken;
    Reply reply;        // when Ok
    std::string error;  // otherwise: what went wrong, naming the socket path
};

// Connects, sends `req`, waits up to timeout_ms for the reply line.
CallResult call(const std::string& socket_path, const Request& req, int timeout_ms);

}  // namespace emqx::ctl
