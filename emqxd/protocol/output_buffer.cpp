#include "emqxd/protocol/output_buffer.h"

namespace emqx {

void OutputBuffer::append(std::string_view bytes) {
    EMQX_ASSERT_OWNER(owner_);
    if (bytes.empty()) return;
    if (!segments_.empty() && segments_.back().external == nullptr &&
        segments_.back().offset + segments_.back().length == arena_.size()) {
        segments_.back().length += bytes.size();
    } else {
        segments_.push_back(Segment{nullptr, arena_.size(), bytes.size()});
    }
    arena_.append(bytes);
    bytes_ += bytes.size();
}

void OutputBuffer::appendPayload(const MessagePtr& msg) {
    EMQX_ASSERT_OWNER(owner_);
    std::string_view payload = msg->payload;
    if (payload.size() <= kInlinePayload) {
        append(payload);
        return;
    }
    segments_.push_back(Segment{payload.data(), 0, payload.size()});
    refs_.push_back(msg);
    bytes_ += payload.size();
}

void OutputBuffer::appendPublish(const mqtt::PublishTemplate& header, uint16_t packet_id, const MessagePtr& msg) {
    EMQX_ASSERT_OWNER(owner_);
    const size_t at = arena_.size();
    append(header.header);
    if (header.packet_id_offset != 0) mqtt::writePacketId(arena_.data() + at + header.packet_id_offset, packet_id);
    appendPayload(msg);
}

const std::vector<uv_buf_t>& OutputBuffer::buffers() {
    EMQX_ASSERT_OWNER(owner_);
    bufs_.clear();
    for (const Segment& s : segments_) {
        const char* base = s.external ? s.external : arena_.data() + s.offset;
        bufs_.push_back(uv_buf_init(const_cast<char*>(base), static_cast<unsigned>(s.length)));
    }
    return bufs_;
}

void OutputBuffer::clear() {
    EMQX_ASSERT_OWNER(owner_);
    arena_.clear();
    segments_.clear();
    refs_.clear();
    bytes_ = 0;
}

void OutputBuffer::shrink() {
    EMQX_ASSERT_OWNER(owner_);
    if (!empty()) return;
    std::string().swap(arena_);
    std::vector<Segment>().swap(segments_);
    std::vector<MessagePtr>().swap(refs_);
    std::vector<uv_buf_t>().swap(bufs_);
}

}  // namespace emqx
