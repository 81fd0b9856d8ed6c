#pragma once
// What one gathered write needs while the kernel takes it: the libuv request
// and the bytes (plain output with its referenced payloads, or transport
// wire bytes). Connections take one from their worker's WriteRequestPool only
// while a write is in flight, so an idle connection carries none of it.
// Owner: the worker thread.
#include <uv.h>

#include <memory>
#include <string>
#include <vector>

#include "emqxd/protocol/output_buffer.h"

namespace emqx {

struct WriteRequest {
    uv_write_t req{};
    OutputBuffer plain;  // plain TCP: the swapped-out output
    std::string wire;    // TLS / WebSocket: records or frames
};

class WriteRequestPool {
public:
    WriteRequest* acquire() {
        if (free_.empty()) return new WriteRequest();
        WriteRequest* w = free_.back().release();
        free_.pop_back();
        return w;
    }

    void release(WriteRequest* w) {
        w->plain.clear();
        w->wire.clear();
        if (free_.size() >= kMaxFree) {
            delete w;
            return;
        }
        // A burst's capacity is not kept for the next user.
        w->plain.shrink();
        if (w->wire.capacity() > kKeepWireCapacity) std::string().swap(w->wire);
        free_.emplace_back(w);
    }

private:
    static constexpr size_t kMaxFree = 1024;
    static constexpr size_t kKeepWireCapacity = 64 * 1024;
    std::vector<std::unique_ptr<WriteRequest>> free_;
};

}  // namespace emqx
