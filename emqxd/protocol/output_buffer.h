#pragma once
// The packets a channel encoded for its client, waiting to be written to the
// socket: small packets are appended to an arena, large shared payloads are
// referenced (the Message stays alive until the write completes), and the whole
// lot goes out in one gathered write. The protocol fills it (a concrete type:
// no indirect call per packet); net's Connection writes it.
// Owner: its connection's worker thread (bound by the connection; a write
// request's buffer, swapped with it, is unbound: it is the pool's).
#include <uv.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/mqtt/publish_template.h"
#include "common/thread/owner_thread.h"
#include "emqxd/message/message.h"

namespace emqx {

class OutputBuffer {
public:
    // Payloads up to this size are copied into the arena: a copy is cheaper
    // than an extra iovec and a reference count.
    static constexpr size_t kInlinePayload = 512;

    void bindOwner(const OwnerThread& owner) { owner_.bind(owner); }

    void append(std::string_view bytes);
    void appendPayload(const MessagePtr& msg);
    // A PUBLISH: a copy of the shared header with this recipient's packet id, then msg's payload.
    void appendPublish(const mqtt::PublishTemplate& header, uint16_t packet_id, const MessagePtr& msg);
    size_t size() const { return bytes_; }
    bool empty() const { return bytes_ == 0; }

    // The iovecs of everything appended, valid until the next append or clear.
    const std::vector<uv_buf_t>& buffers();
    void clear();
    // Bytes held for reuse by the arena and the vectors.
    size_t capacity() const {
        return arena_.capacity() + segments_.capacity() * sizeof(Segment) + refs_.capacity() * sizeof(MessagePtr) +
               bufs_.capacity() * sizeof(uv_buf_t);
    }
    // Frees capacity kept from a burst, so a pooled buffer holds little.
    void shrink();

private:
    struct Segment {
        const char* external;  // nullptr: arena_[offset, offset + length)
        size_t offset;
        size_t length;
    };
    std::string arena_;
    std::vector<Segment> segments_;
    std::vector<MessagePtr> refs_;
    std::vector<uv_buf_t> bufs_;
    size_t bytes_ = 0;
    [[no_unique_address]] OwnerRef owner_;  // nothing in release builds: an idle connection's size matters
};

}  // namespace emqx
