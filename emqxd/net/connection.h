#pragma once
// One client socket on a worker: reads bytes and splits them into packets for
// its Channel, queues output and writes it once per loop iteration, and closes
// with a recorded reason (deferred: freed only in the uv_close callback).
// Owner: the worker thread that opened it (worker().owner(), which its
// methods and its output buffer assert in debug builds).
#include <uv.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/mqtt/shutdown_reason.h"
#include "emqxd/net/connection_table.h"
#include "emqxd/net/read_limiter.h"
#include "emqxd/net/transport.h"
#include "emqxd/net/write_request.h"
#include "emqxd/protocol/channel.h"
#include "emqxd/protocol/connection_port.h"
#include "emqxd/protocol/output_buffer.h"
#include "emqxd/runtime/deadline_queue.h"

namespace emqx {

struct ListenerStats;

class Connection final : public ConnectionPort {
public:
    Connection(ConnectionTable& table, uint64_t id, ListenerStats* listener, std::string peer);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Takes ownership of `fd` and starts reading; false when libuv refuses it.
    // `transport`: TLS / WebSocket state (nullptr: plain TCP); `wire`: bytes it
    // had produced but not yet written (after a migration).
    bool open(int fd, std::unique_ptr<Transport> transport = nullptr, std::string wire = {});
    // Feeds bytes that arrived before this connection existed (migration).
    void feed(std::string_view bytes);

    uint64_t id() const override { return id_; }
    Channel& channel() { return channel_; }
    const std::string& peer() const override { return peer_; }
    ListenerStats* listener() const { return listener_; }
    int64_t connectedAtMs() const override { return connected_at_ms_; }
    const config::ListenerConfig& listenerConfig() const override;
    void setConnectedAtMs(int64_t t) { connected_at_ms_ = t; }
    bool closing() const override { return closing_; }

    OutputBuffer& output() override {
        if (!pending_) pending_ = table_.outputBuffers().acquire();
        return *pending_;
    }
    // Output not yet acknowledged by the kernel (queued + being written).
    size_t pendingBytes() const override { return (pending_ ? pending_->size() : 0) + wireBytes() + writing_bytes_; }
    void wantFlush() override;  // marks the connection for this iteration's flush
    void flush();               // called by its table once per loop iteration

    // Closes with `reason`: output already queued (e.g. a DISCONNECT) is still
    // written, then the socket closes. Counted once in the listener's
    // shutdown_count. Idempotent.
    void close(ShutdownReason reason) override;
    // Hands the socket to the worker owning the session the CONNECT asked for,
    // with the transport, the wire bytes it produced that are not yet written,
    // and `unread` input past the CONNECT: no shutdown is counted.
    void migrate(Channel::Migration m, std::string unread);
    // A TLS handshake still running past its handshake_timeout (monotonic ms).
    bool handshakeTimedOut(int64_t now_ms) const;
    int64_t handshakeDeadline() const { return transport_ ? transport_->handshakeTimeoutMs() : -1; }
    std::optional<std::string> peerCertField(PeerCertField f) const override {
        return transport_ ? transport_->peerCertField(f) : std::nullopt;
    }

    // The kernel has not taken our output for send_timeout: the peer stopped reading.
    bool sendTimedOut(int64_t now_ms) const override;
    // Closes now without waiting for queued output (after a send timeout).
    void forceClose() override;

    int64_t lastReceivedMs() const override { return last_received_ms_; }

    // messages_rate / bytes_rate: reading is paused until this time (-1: not
    // paused). The connection's deadline includes it (Channel::onDeadline), and
    // the worker's timer calls resumeReading() once it has passed.
    int64_t readPausedUntilMs() const override { return limiter_ ? limiter_->paused_until_ms : -1; }
    bool readPaused() const { return readPausedUntilMs() >= 0; }
    // Starts reading again and parses what was left buffered when it paused.
    void resumeReading();
    // A CONNECT that waited for its password check was decided (the channel
    // refused or admitted it): parse what arrived meanwhile, or move to the
    // worker owning the session, and read again if reading was held.
    void connectDecided() override;

private:
    static void onAlloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf);
    static void onRead(uv_stream_t* s, ssize_t n, const uv_buf_t* buf);
    static void onWrite(uv_write_t* req, int status);
    // After a partial write: the rest goes out through libuv's write queue.
    void writeRest(size_t written);
    void writeFailed();
    // All output written: continue the session, or the close.
    void afterWrite();
    uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&tcp_); }
    static void onClosed(uv_handle_t* h);
    void transportInput(const char* data, size_t len);
    void consume(const char* data, size_t len);
    size_t parse(const char* data, size_t len);
    void finishClose();
    void shutdownWrite();
    // The socket's fd (a dup) for a migration, reading stopped and this
    // connection closing; `carried`: transport bytes not yet written.
    std::optional<int> detachForMigration(std::string& carried);
    void pauseReading();
    // Moves to another worker when the channel's CONNECT asked for it,
    // taking what was read past the CONNECT along.
    void migrateIfAsked();
    static constexpr int64_t kLingerMs = 2000;
    WorkerRuntime& runtime() { return table_.runtime(); }

    ConnectionTable& table_;
    const uint64_t id_;
    ListenerStats* listener_;
    std::string peer_;
    uv_tcp_t tcp_{};
    std::unique_ptr<uv_shutdown_t> shutdown_req_;  // made at the close: idle connections do not carry it
    bool handle_open_ = false;
    WriteRequest* writing_ = nullptr;  // from the worker's pool while a write is in flight
    size_t writing_bytes_ = 0;
    int64_t write_started_ms_ = 0;
    bool dirty_ = false;
    bool closing_ = false;
    bool migrating_ = false;
    bool input_held_ = false;  // reading stopped: a password check has a full read buffered
    bool counted_ = true;      // counts in listener->current until closed
    ShutdownReason reason_ = ShutdownReason::Closed;
    size_t wireBytes() const { return transport_ ? transport_->wire.size() : 0; }
    bool hasPending() const { return pending_ && !pending_->empty(); }
    // Back to the worker's pool: an idle connection holds no output buffer.
    void releaseOutput() { table_.outputBuffers().release(std::move(pending_)); }
    std::unique_ptr<OutputBuffer> pending_;  // from the worker's pool while output is queued
    size_t unreadBytes() const { return unread_ ? unread_->size() : 0; }
    // The partial-packet buffer, borrowed from the worker's pool when first needed.
    std::string& unread();
    std::unique_ptr<std::string> unread_;   // a partial packet carried to the next read
    std::unique_ptr<Transport> transport_;  // nullptr: plain TCP (zero-copy output)
    int64_t last_received_ms_ = 0;
    int64_t connected_at_ms_ = 0;
    std::unique_ptr<ReadLimiter> limiter_;  // only when the listener sets messages_rate or bytes_rate
    Channel channel_;
};

}  // namespace emqx
