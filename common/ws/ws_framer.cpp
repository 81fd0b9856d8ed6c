#include "common/ws/ws_framer.h"

#include <openssl/rand.h>
#include <wslay/wslay.h>

#include <cstring>

namespace emqx::ws {

struct Framer::Io {
    const uint8_t* in = nullptr;
    size_t in_len = 0;
    std::string* payload = nullptr;
    std::string* wire = nullptr;
    uint64_t max_frame = 0;
    uint8_t message_opcode = 0;  // opcode of the data message in progress (continuations)
    bool data_frame = false;     // the frame being received is a data frame
    bool not_binary = false;
    bool too_large = false;
};

namespace {

ssize_t recvCb(wslay_event_context_ptr ctx, uint8_t* buf, size_t len, int, void* user) {
    auto* io = static_cast<Framer::Io*>(user);
    if (io->in_len == 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    size_t n = std::min(len, io->in_len);
    std::memcpy(buf, io->in, n);
    io->in += n;
    io->in_len -= n;
    return static_cast<ssize_t>(n);
}

ssize_t sendCb(wslay_event_context_ptr ctx, const uint8_t* data, size_t len, int, void* user) {
    auto* io = static_cast<Framer::Io*>(user);
    if (!io->wire) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    io->wire->append(reinterpret_cast<const char*>(data), len);
    return static_cast<ssize_t>(len);
}

int genmaskCb(wslay_event_context_ptr, uint8_t* buf, size_t len, void*) {
    return RAND_bytes(buf, static_cast<int>(len)) == 1 ? 0 : -1;
}

void frameStartCb(wslay_event_context_ptr ctx, const wslay_event_on_frame_recv_start_arg* arg, void* user) {
    auto* io = static_cast<Framer::Io*>(user);
    io->data_frame = !(arg->opcode & 0x8);
    if (!io->data_frame) return;  // control frames: wslay buffers (<= 125 bytes) and handles them
    if (arg->opcode != WSLAY_CONTINUATION_FRAME) io->message_opcode = arg->opcode;
    if (io->message_opcode != WSLAY_BINARY_FRAME) {
        io->not_binary = true;
        wslay_event_queue_close(ctx, WSLAY_CODE_UNSUPPORTED_DATA, nullptr, 0);
        wslay_event_shutdown_read(ctx);
        return;
    }
    if (arg->payload_length > io->max_frame) {
        io->too_large = true;
        wslay_event_queue_close(ctx, WSLAY_CODE_MESSAGE_TOO_BIG, nullptr, 0);
        wslay_event_shutdown_read(ctx);
    }
}

void frameChunkCb(wslay_event_context_ptr, const wslay_event_on_frame_recv_chunk_arg* arg, void* user) {
    auto* io = static_cast<Framer::Io*>(user);
    if (!io->data_frame || io->not_binary || io->too_large) return;
    io->payload->append(reinterpret_cast<const char*>(arg->data), arg->data_length);
}

}  // namespace

Framer::Framer(Role role, uint64_t max_frame) : role_(role), io_(new Io) {
    io_->max_frame = max_frame;
    wslay_event_callbacks cbs{};
    cbs.recv_callback = recvCb;
    cbs.send_callback = sendCb;
    cbs.on_frame_recv_start_callback = frameStartCb;
    cbs.on_frame_recv_chunk_callback = frameChunkCb;
    if (role == Role::Client) cbs.genmask_callback = genmaskCb;
    const int rv = role == Role::Server ? wslay_event_context_server_init(&ctx_, &cbs, io_)
                                        : wslay_event_context_client_init(&ctx_, &cbs, io_);
    if (rv != 0) {
        ctx_ = nullptr;
        cause_ = CloseCause::Protocol;
        return;
    }
    wslay_event_config_set_no_buffering(ctx_, 1);
    wslay_event_config_set_max_recv_msg_length(ctx_, max_frame);
}

Framer::~Framer() {
    if (ctx_) wslay_event_context_free(ctx_);
    delete io_;
}

void Framer::drainSends(std::string& wire) {
    io_->wire = &wire;
    while (wslay_event_want_write(ctx_)) {
        if (wslay_event_send(ctx_) != 0) break;
    }
    io_->wire = nullptr;
}

bool Framer::feed(const uint8_t* data, size_t len, std::string& payload, std::string& wire) {
    if (!open() || !ctx_) return false;
    io_->in = data;
    io_->in_len = len;
    io_->payload = &payload;
    int rv = wslay_event_recv(ctx_);
    io_->in_len = 0;
    io_->payload = nullptr;
    if (rv != 0) cause_ = CloseCause::Protocol;
    drainSends(wire);  // before reading the close code sent: it counts once written
    if (cause_ == CloseCause::None && !wslay_event_get_read_enabled(ctx_)) {
        if (io_->too_large) cause_ = CloseCause::TooLarge;
        else if (io_->not_binary) cause_ = CloseCause::NotBinary;
        else if (wslay_event_get_close_received(ctx_)) cause_ = CloseCause::PeerClosed;
        else if (wslay_event_get_status_code_sent(ctx_) == WSLAY_CODE_MESSAGE_TOO_BIG) cause_ = CloseCause::TooLarge;
        else cause_ = CloseCause::Protocol;
    }
    return cause_ == CloseCause::None;
}

bool Framer::beginBinary(uint64_t length, std::string& wire) {
    if (role_ != Role::Server || !ctx_ || wslay_event_get_close_sent(ctx_)) return false;
    uint8_t h[10];
    size_t n = 0;
    h[n++] = 0x82;  // FIN + binary
    if (length < 126) {
        h[n++] = static_cast<uint8_t>(length);
    } else if (length <= 0xFFFF) {
        h[n++] = 126;
        h[n++] = static_cast<uint8_t>(length >> 8);
        h[n++] = static_cast<uint8_t>(length);
    } else {
        h[n++] = 127;
        for (int i = 7; i >= 0; --i) h[n++] = static_cast<uint8_t>(length >> (8 * i));
    }
    wire.append(reinterpret_cast<const char*>(h), n);
    return true;
}

void Framer::sendBinary(std::string_view payload, std::string& wire) {
    if (role_ == Role::Server) {
        if (beginBinary(payload.size(), wire)) wire.append(payload);
        return;
    }
    if (!ctx_ || wslay_event_get_close_sent(ctx_)) return;
    wslay_event_msg msg{WSLAY_BINARY_FRAME, reinterpret_cast<const uint8_t*>(payload.data()), payload.size()};
    if (wslay_event_queue_msg(ctx_, &msg) == 0) drainSends(wire);
}

void Framer::close(uint16_t code, std::string& wire) {
    if (!ctx_) return;
    if (!wslay_event_get_close_sent(ctx_)) wslay_event_queue_close(ctx_, code, nullptr, 0);
    if (cause_ == CloseCause::None) cause_ = CloseCause::LocalClose;
    drainSends(wire);
}

}  // namespace emqx::ws
