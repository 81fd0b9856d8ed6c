#pragma once
// The open channels of this worker by connection id, for completions that run
// later on its thread (a password check): they hold an id, never a pointer,
// since the connection may have closed meanwhile. Filled by whoever owns the
// connections (net's ConnectionTable); a runtime local (WorkerRuntime::local).
#include <cstdint>
#include <functional>

namespace emqx {

class Channel;

struct ChannelDirectory {
    // Null when the connection is gone or closing.
    std::function<Channel*(uint64_t connection_id)> find;
};

}  // namespace emqx
