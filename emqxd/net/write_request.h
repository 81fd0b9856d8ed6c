#pragma once
// What one gathered write needs while the kernel takes it: the libuv request
// and the bytes (plain output with its referenced payloads, or transport
// wire bytes), and the output buffers packets are queued in before it.
// Connections take both from their worker's pools only while they have
// output, so an idle connection carries none of it, and a busy one reuses a
// buffer's capacity instead of growing a new one for every burst.
// Owner: the worker thread.
#include <uv.h>

#include <memory>
#include <string>
#include <vector>

#include "common/thread/owner_thread.h"
#include "emqxd/protocol/output_buffer.h"

namespace emqx {

class OutputBufferPool {
public:
    explicit OutputBufferPool(const OwnerThread& owner) : owner_(owner) {}

    std::unique_ptr<OutputBuffer> acquire() {
        if (free_.empty()) {
            auto b = std::make_unique<OutputBuffer>();
            b->bindOwner(owner_);
            return b;
        }
        std::unique_ptr<OutputBuffer> b = std::move(free_.back());
        free_.pop_back();
        return b;
    }

    void release(std::unique_ptr<OutputBuffer> b) {
        if (!b) return;
        b->clear();
        if (free_.size() >= kMaxFree) return;
        // A burst's capacity is not kept for the next user.
        if (b->capacity() > kKeepCapacity) b->shrink();
        free_.push_back(std::move(b));
    }

private:
    static constexpr size_t kMaxFree = 512;
    static constexpr size_t kKeepCapacity = 4096;
    const OwnerThread& owner_;
    std::vector<std::unique_ptr<OutputBuffer>> free_;
};

struct WriteRequest {
    uv_write_t req{};
    std::unique_ptr<OutputBuffer> plain;  // plain TCP: the swapped-out output
    std::string wire;                     // TLS / WebSocket: records or frames
};

class WriteRequestPool {
public:
    explicit WriteRequestPool(OutputBufferPool& buffers) : buffers_(buffers) {}

    WriteRequest* acquire() {
        if (free_.empty()) return new WriteRequest();
        WriteRequest* w = free_.back().release();
        free_.pop_back();
        return w;
    }

    void release(WriteRequest* w) {
        buffers_.release(std::move(w->plain));
        w->wire.clear();
        if (free_.size() >= kMaxFree) {
            delete w;
            return;
        }
        if (w->wire.capacity() > kKeepWireCapacity) std::string().swap(w->wire);
        free_.emplace_back(w);
    }

private:
    static constexpr size_t kMaxFree = 1024;
    static constexpr size_t kKeepWireCapacity = 64 * 1024;
    OutputBufferPool& buffers_;
    std::vector<std::unique_ptr<WriteRequest>> free_;
};

}  // namespace emqx
