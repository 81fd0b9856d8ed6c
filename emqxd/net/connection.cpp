#include "emqxd/net/connection.h"

#include <unistd.h>

#include <span>

#include "common/mqtt/codec.h"
#include "common/net/peer_address.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/broker/listener_stats.h"

namespace emqx {

Connection::Connection(ConnectionTable& table, uint64_t id, ListenerStats* listener, std::string peer)
    : table_(table), id_(id), listener_(listener), peer_(std::move(peer)), channel_(*this, table.shard()) {
    tcp_.data = this;
    last_received_ms_ = runtime().nowMs();
    if (listener_ && (!listener_->messages_rate.unlimited() || !listener_->bytes_rate.unlimited()))
        limiter_ = std::make_unique<ReadLimiter>(listener_->messages_rate, listener_->bytes_rate, last_received_ms_);
}

Connection::~Connection() = default;

const config::ListenerConfig& Connection::listenerConfig() const { return listener_->config; }

bool Connection::open(int fd, std::unique_ptr<Transport> transport, std::string wire) {
    EMQX_ASSERT_OWNER(runtime().owner());
    transport_ = std::move(transport);
    if (transport_) transport_->wire = std::move(wire);
    if (uv_tcp_init(runtime().loop(), &tcp_) != 0) {
        ::close(fd);
        return false;
    }
    handle_open_ = true;
    if (uv_tcp_open(&tcp_, fd) != 0) {
        ::close(fd);
        close(ShutdownReason::Einval);
        return false;
    }
    const auto& opts = listener_->config.tcp_options;
    uv_tcp_nodelay(&tcp_, opts.nodelay ? 1 : 0);
    if (opts.sndbuf > 0) {
        int size = static_cast<int>(opts.sndbuf);
        uv_send_buffer_size(reinterpret_cast<uv_handle_t*>(&tcp_), &size);
    }
    if (opts.recbuf > 0) {
        int size = static_cast<int>(opts.recbuf);
        uv_recv_buffer_size(reinterpret_cast<uv_handle_t*>(&tcp_), &size);
    }
    uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), onAlloc, onRead);
    if (wireBytes() > 0) wantFlush();
    return true;
}

void Connection::onAlloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
    auto* self = static_cast<Connection*>(h->data);
    size_t configured = self->listener_->config.tcp_options.buffer;
    size_t size = configured ? configured : WorkerRuntime::kReadBufferSize;
    // Under bytes_rate a read takes no more than the bucket holds, so a burst
    // never overshoots by a whole buffer. (Not while lingering: that is discarded.)
    if (self->limiter_ && !self->closing_) size = self->limiter_->readSize(self->runtime().nowMs(), size);
    *buf = uv_buf_init(self->runtime().readBuffer(), static_cast<unsigned>(size));
}

void Connection::onRead(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
    auto* self = static_cast<Connection*>(s->data);
    if (n == 0) return;
    if (n < 0) {
        if (self->closing_) self->finishClose();
        else self->close(ShutdownReason::Closed);
        return;
    }
    if (self->closing_) return;  // lingering after our close: discard what the peer still sends
    self->runtime().metrics().add(Metric::BytesReceived, static_cast<uint64_t>(n));
    self->last_received_ms_ = self->runtime().nowMs();
    // bytes_rate counts what the socket delivers (TLS records and WebSocket frames included).
    bool dry = self->limiter_ && self->limiter_->takeBytes(self->last_received_ms_, static_cast<size_t>(n));
    if (self->transport_) self->transportInput(buf->base, static_cast<size_t>(n));
    else self->consume(buf->base, static_cast<size_t>(n));
    if (dry && !self->closing_ && !self->readPaused()) self->pauseReading();
    if (self->channel_.holdsInput() && !self->closing_ && self->unreadBytes() >= WorkerRuntime::kReadBufferSize) {
        // Nothing is parsed (so no limit is checked) until the CONNECT is decided: bound what we buffer.
        self->input_held_ = true;
        uv_read_stop(s);
    }
}

void Connection::pauseReading() {
    int64_t now = runtime().nowMs();
    limiter_->paused_until_ms = std::max(now + 1, limiter_->readyAt(now));
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
    channel_.checkNoLaterThan(limiter_->paused_until_ms);
}

void Connection::resumeReading() {
    EMQX_ASSERT_OWNER(runtime().owner());
    limiter_->paused_until_ms = -1;
    // The client may well have kept sending while we did not read: the pause
    // counts as activity, so keepalive never kicks a client we throttled.
    last_received_ms_ = runtime().nowMs();
    // Packets left buffered by a messages_rate pause go first; they may pause again.
    if (unreadBytes() > 0) consume(nullptr, 0);
    if (!closing_ && !readPaused() && !input_held_)
        uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), onAlloc, onRead);
}

void Connection::connectDecided() {
    EMQX_ASSERT_OWNER(runtime().owner());
    if (unreadBytes() > 0) consume(nullptr, 0);
    else migrateIfAsked();
    if (input_held_ && !closing_) {
        input_held_ = false;
        if (!readPaused()) uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), onAlloc, onRead);
    }
}

void Connection::transportInput(const char* data, size_t len) {
    // Plaintext lands in the worker's scratch buffer; the channel copies what it keeps.
    std::string& plain = runtime().transportScratch();
    plain.clear();
    TransportFailure failure;
    bool was_established = transport_->established();
    bool ok = transport_->input(data, len, plain, transport_->wire, failure);
    if (!was_established && transport_->established()) {
        std::string fwd = transport_->forwardedFor();
        if (!fwd.empty()) {
            peer_ = net::joinPeer(fwd, net::peerPort(peer_));
        }
    }
    if (wireBytes() > 0) wantFlush();
    if (!plain.empty()) consume(plain.data(), plain.size());
    if (!ok && !closing_) {
        if (!failure.warning.empty())
            runtime().logProtocolError(
                {failure.msg, channel_.clientId(), peer_, shutdownReasonName(failure.why), failure.warning});
        close(failure.why);
    }
    if (plain.capacity() > WorkerRuntime::kReadBufferSize * 2) std::string().swap(plain);
}

void Connection::feed(std::string_view bytes) {
    EMQX_ASSERT_OWNER(runtime().owner());
    if (!bytes.empty()) consume(bytes.data(), bytes.size());
}

void Connection::consume(const char* data, size_t len) {
    if (unreadBytes() == 0) {
        size_t used = parse(data, len);
        if (!closing_ && used < len) unread().assign(data + used, len - used);
    } else {
        if (len > 0) unread_->append(data, len);
        unread_->erase(0, parse(unread_->data(), unread_->size()));
    }
    migrateIfAsked();
    if (unreadBytes() == 0) table_.partialPackets().release(std::move(unread_));
}

std::string& Connection::unread() {
    if (!unread_) unread_ = table_.partialPackets().acquire();
    return *unread_;
}

void Connection::migrateIfAsked() {
    auto m = channel_.takeMigration();
    if (!m) return;
    migrate(std::move(*m), unreadBytes() > 0 ? std::move(*unread_) : std::string());
    table_.partialPackets().release(std::move(unread_));
}

void Connection::migrate(Channel::Migration m, std::string unread) {
    EMQX_ASSERT_OWNER(runtime().owner());
    std::string carried;
    std::optional<int> fd = detachForMigration(carried);
    if (!fd) return;
    MigratingConnection mc;
    mc.fd = *fd;
    mc.listener = listener_;
    mc.peer = peer_;
    mc.connected_at_ms = connected_at_ms_;
    mc.connect = std::move(m.connect);
    mc.unread = std::move(unread);
    mc.hops = m.hops;
    mc.superuser = m.superuser;
    mc.transport = std::move(transport_);
    mc.wire = std::move(carried);
    table_.sendToOwner(std::move(mc), m.owner);
}

size_t Connection::parse(const char* data, size_t len) {
    size_t off = 0;
    const auto* bytes = reinterpret_cast<const uint8_t*>(data);
    mqtt::Packet packet;  // one per batch: decoding replaces its content
    const mqtt::DecodeOptions options{.strict_mode = table_.ctx().cfg.mqtt.strict_mode};
    while (off < len && !closing_ && !migrating_ && !channel_.holdsInput()) {
        mqtt::FixedHeader header;
        mqtt::ProtocolError err;
        auto status =
            mqtt::readFixedHeader(std::span(bytes + off, len - off), channel_.maxIncomingPacketSize(), header, err);
        if (status == mqtt::FrameStatus::Invalid) {
            channel_.protocolError(err);
            return len;
        }
        if (status == mqtt::FrameStatus::NeedMore) break;
        if (channel_.state() == Channel::State::AwaitingConnect && header.type() != mqtt::PacketType::Connect) {
            // The first packet must be a CONNECT: decided at the fixed header, before buffering a body.
            err.shutdown_reason = ShutdownReason::UnexpectedPacket;
            err.detail = "first packet is " + std::string(mqtt::packetTypeName(header.type())) + ", not CONNECT";
            channel_.protocolError(err);
            return len;
        }
        if (header.packetSize() > len - off) {
            if (unread().capacity() < header.packetSize()) unread_->reserve(header.packetSize());
            break;
        }
        if (limiter_ && header.type() == mqtt::PacketType::Publish && !limiter_->takeMessage(runtime().nowMs())) {
            // Over messages_rate: this PUBLISH and the rest stay buffered until the bucket refills.
            pauseReading();
            break;
        }
        auto body = std::span(bytes + off + header.header_size, header.remaining_length);
        if (!mqtt::decodePacket(channel_.version(), header, body, packet, err, options)) {
            channel_.protocolError(err);
            return len;
        }
        off += header.packetSize();
        runtime().metrics().add(Metric::PacketsReceived);
        channel_.handle(packet);
    }
    return off;
}

void Connection::wantFlush() {
    EMQX_ASSERT_OWNER(runtime().owner());
    if (dirty_ || !handle_open_) return;
    dirty_ = true;
    table_.markDirty(this);
}

void Connection::flush() {
    EMQX_ASSERT_OWNER(runtime().owner());
    dirty_ = false;
    if (writing_ || !handle_open_ || migrating_) return;
    if (transport_ && hasPending() && transport_->established()) {
        // TLS records / WebSocket frames: the plaintext is copied into them.
        transport_->output(pending_->buffers(), transport_->wire);
        pending_->clear();
    }
    if (transport_ ? transport_->wire.empty() : !hasPending()) return;
    uv_buf_t wire{};
    const uv_buf_t* bufs = &wire;
    unsigned count = 1;
    if (transport_) {
        wire = uv_buf_init(transport_->wire.data(), static_cast<unsigned>(transport_->wire.size()));
    } else {
        const std::vector<uv_buf_t>& plain = pending_->buffers();
        bufs = plain.data();
        count = static_cast<unsigned>(plain.size());
    }
    size_t total = transport_ ? transport_->wire.size() : pending_->size();
    // Most output is taken whole by the kernel: write it now, with no request
    // and no completion callback. (A completed uv_write also costs an
    // epoll_ctl, as libuv re-arms the socket after every one.)
    int taken = uv_try_write(stream(), bufs, count);
    if (taken < 0 && taken != UV_EAGAIN) {
        writeFailed();
        return;
    }
    size_t written = taken > 0 ? static_cast<size_t>(taken) : 0;
    runtime().metrics().add(Metric::BytesSent, written);
    if (written == total) {
        if (transport_) transport_->wire.clear();
        else pending_->clear();
        afterWrite();
        return;
    }
    writeRest(written);
}

void Connection::writeRest(size_t written) {
    writing_ = table_.writeRequests().acquire();
    writing_->req.data = this;
    std::vector<uv_buf_t> rest;
    if (transport_) {
        writing_->wire.swap(transport_->wire);
        rest.push_back(uv_buf_init(writing_->wire.data(), static_cast<unsigned>(writing_->wire.size())));
    } else {
        std::swap(pending_, writing_->plain);
        rest = writing_->plain->buffers();
    }
    // Skip what the kernel took already.
    size_t skip = written;
    auto first = rest.begin();
    while (skip > 0 && skip >= first->len) skip -= (first++)->len;
    rest.erase(rest.begin(), first);
    rest.front().base += skip;
    rest.front().len -= skip;
    writing_bytes_ = 0;
    for (const uv_buf_t& b : rest) writing_bytes_ += b.len;
    write_started_ms_ = runtime().nowMs();
    if (uv_write(&writing_->req, stream(), rest.data(), static_cast<unsigned>(rest.size()), onWrite) != 0) {
        table_.writeRequests().release(writing_);
        writing_ = nullptr;
        writing_bytes_ = 0;
        writeFailed();
        return;
    }
    // The kernel did not take it all: the peer may have stopped reading, so
    // look again when the send timeout would expire.
    if (!closing_) channel_.checkNoLaterThan(write_started_ms_ + listener_->config.tcp_options.send_timeout);
}

void Connection::writeFailed() {
    if (!closing_) close(ShutdownReason::Einval);
    else finishClose();
}

void Connection::onWrite(uv_write_t* req, int status) {
    auto* self = static_cast<Connection*>(req->data);
    self->table_.writeRequests().release(self->writing_);
    self->writing_ = nullptr;
    self->runtime().metrics().add(Metric::BytesSent, self->writing_bytes_);
    self->writing_bytes_ = 0;
    if (status < 0) {
        self->writeFailed();
        return;
    }
    self->afterWrite();
}

void Connection::afterWrite() {
    if (closing_) {
        if (!hasPending() && wireBytes() == 0) shutdownWrite();
        else flush();
        return;
    }
    channel_.onOutputDrained();
    if (hasPending() || wireBytes() > 0) wantFlush();
    else {
        releaseOutput();
        if (transport_ && transport_->wire.capacity() > 64 * 1024) std::string().swap(transport_->wire);
    }
}

void Connection::close(ShutdownReason reason) {
    EMQX_ASSERT_OWNER(runtime().owner());
    if (closing_) return;
    closing_ = true;
    reason_ = reason;
    if (listener_ && counted_) {
        listener_->countShutdown(reason);
        listener_->current.fetch_sub(1, std::memory_order_relaxed);
        counted_ = false;
    }
    channel_.onClose(reason);
    if (!handle_open_) return;
    if (transport_) {
        // The channel's last words (a DISCONNECT) go before the close_notify / close frame.
        if (hasPending() && transport_->established()) {
            transport_->output(pending_->buffers(), transport_->wire);
            pending_->clear();
        }
        if (reason != ShutdownReason::Einval) transport_->shutdown(reason, transport_->wire);
    }
    if ((reason == ShutdownReason::Closed || reason == ShutdownReason::Einval) && wireBytes() == 0) {
        finishClose();
        return;
    }
    if (readPaused() || input_held_) {
        // The linger below reads (and discards) until the peer closes.
        if (limiter_) limiter_->paused_until_ms = -1;
        input_held_ = false;
        uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), onAlloc, onRead);
    }
    // Linger: write what is queued (a DISCONNECT), send FIN, and keep reading
    // (discarding) until the peer closes, so its unread packets do not turn
    // our close into a reset that destroys the DISCONNECT. Bounded by a deadline.
    runtime().schedule(DeadlineKind::Connection, id_, deadline_slot, runtime().nowMs() + kLingerMs);
    flush();
    if (!writing_) shutdownWrite();
}

void Connection::shutdownWrite() {
    if (!handle_open_ || shutdown_req_) return;
    shutdown_req_ = std::make_unique<uv_shutdown_t>();
    shutdown_req_->data = this;
    if (uv_shutdown(shutdown_req_.get(), reinterpret_cast<uv_stream_t*>(&tcp_), [](uv_shutdown_t*, int) {}) != 0)
        finishClose();
}

std::optional<int> Connection::detachForMigration(std::string& carried) {
    if (!handle_open_ || closing_) return std::nullopt;
    uv_os_fd_t fd;
    if (uv_fileno(reinterpret_cast<uv_handle_t*>(&tcp_), &fd) != 0) return std::nullopt;
    int copy = ::dup(fd);
    if (copy < 0) {
        close(ShutdownReason::Einval);
        return std::nullopt;
    }
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
    if (transport_) {
        // Transport bytes the kernel has not taken yet (e.g. TLS 1.3 session
        // tickets) must reach the peer before anything the new owner writes.
        size_t unwritten = writing_ ? uv_stream_get_write_queue_size(reinterpret_cast<uv_stream_t*>(&tcp_)) : 0;
        const std::string empty;
        const std::string& in_flight = writing_ ? writing_->wire : empty;
        if (unwritten > in_flight.size()) unwritten = in_flight.size();
        carried.assign(in_flight, in_flight.size() - unwritten, unwritten);
        carried += transport_->wire;
        transport_->wire.clear();
    }
    migrating_ = true;
    closing_ = true;
    counted_ = false;  // the connection lives on in the owner worker
    finishClose();
    return copy;
}

bool Connection::handshakeTimedOut(int64_t now_ms) const {
    EMQX_ASSERT_OWNER(table_.runtime().owner());
    if (!transport_ || closing_) return false;
    int64_t deadline = transport_->handshakeTimeoutMs();
    return deadline >= 0 && now_ms >= deadline;
}

bool Connection::sendTimedOut(int64_t now_ms) const {
    EMQX_ASSERT_OWNER(table_.runtime().owner());
    return writing_ && now_ms - write_started_ms_ >= listener_->config.tcp_options.send_timeout;
}

void Connection::forceClose() {
    EMQX_ASSERT_OWNER(runtime().owner());
    if (!closing_) close(ShutdownReason::Etimedout);
    finishClose();
}

void Connection::finishClose() {
    if (!handle_open_) return;
    handle_open_ = false;
    uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), onClosed);
}

void Connection::onClosed(uv_handle_t* h) {
    auto* self = static_cast<Connection*>(h->data);
    self->table_.connectionClosed(self->id_);
}

}  // namespace emqx
