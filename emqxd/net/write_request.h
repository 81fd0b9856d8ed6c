#pragma once
// What a connection borrows from its worker only while it has bytes to move,
// so an idle connection carries none of it and a busy one reuses capacity
// instead of growing new buffers for every burst: the output buffer packets
// are queued in, the partial packet carried to the next read, and, while the
// kernel takes a gathered write, the libuv request with the bytes (plain
// output with its referenced payloads, or transport wire bytes).
// Owner: the worker thread.
#include <uv.h>

#include <memory>
#include <string>

#include "common/thread/owner_thread.h"
#include "emqxd/protocol/output_buffer.h"
#include "emqxd/runtime/free_list.h"

namespace emqx {

class OutputBufferPool {
public:
    explicit OutputBufferPool(const OwnerThread& owner) : owner_(owner) {}

    std::unique_ptr<OutputBuffer> acquire() {
        std::unique_ptr<OutputBuffer> b = free_.take();
        b->bindOwner(owner_);
        return b;
    }

    void release(std::unique_ptr<OutputBuffer> b) {
        if (!b) return;
        b->clear();  // drops the references to messages at once
        // A burst's capacity is not kept for the next user.
        if (b->capacity() > kKeepCapacity) b->shrink();
        free_.give(std::move(b));
    }

private:
    static constexpr size_t kKeepCapacity = 4096;
    const OwnerThread& owner_;
    FreeList<OutputBuffer, 512> free_;
};

// Buffers for a partial packet waiting for the rest of its bytes.
class PartialPacketPool {
public:
    std::unique_ptr<std::string> acquire() { return free_.take(); }

    void release(std::unique_ptr<std::string> s) {
        if (!s) return;
        s->clear();
        if (s->capacity() > kKeepCapacity) std::string().swap(*s);
        free_.give(std::move(s));
    }

private:
    static constexpr size_t kKeepCapacity = 4096;
    FreeList<std::string, 512> free_;
};

struct WriteRequest {
    uv_write_t req{};
    std::unique_ptr<OutputBuffer> plain;  // plain TCP: the swapped-out output
    std::string wire;                     // TLS / WebSocket: records or frames
};

class WriteRequestPool {
public:
    explicit WriteRequestPool(OutputBufferPool& buffers) : buffers_(buffers) {}

    // Owned by the caller until release(): libuv holds it as a raw pointer.
    WriteRequest* acquire() { return free_.take().release(); }

    void release(WriteRequest* w) {
        buffers_.release(std::move(w->plain));
        w->wire.clear();
        if (w->wire.capacity() > kKeepWireCapacity) std::string().swap(w->wire);
        free_.give(std::unique_ptr<WriteRequest>(w));
    }

private:
    static constexpr size_t kKeepWireCapacity = 64 * 1024;
    OutputBufferPool& buffers_;
    FreeList<WriteRequest, 1024> free_;
};

}  // namespace emqx
