#pragma once
// One event loop (libuv) driving a share of the clients: client g of the run
// (0-based) belongs to worker g % threads and starts connecting at
// t0 + g * interval. Output is appended to per-client buffers and written
// once per loop iteration; input is decoded incrementally with the project's
// codec (common/mqtt), whatever way the kernel split or coalesced it. Over
// TLS/WS/WSS a per-connection ClientTransport (bench/client_transport.h)
// turns those MQTT bytes into wire bytes at the flush and back at the read;
// over TCP the socket's bytes are the MQTT bytes.
#include <uv.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench/histogram.h"
#include "bench/options.h"
#include "bench/topic_template.h"
#include "common/mqtt/codec.h"

namespace emqx::bench {

uint64_t monoNs();  // CLOCK_MONOTONIC in ns: the payload timestamp, shared by processes

// Read by the main thread for the progress line, written by the worker once per loop iteration.
struct LiveCounters {
    std::atomic<uint64_t> connected{0};  // handshake complete and still up
    std::atomic<uint64_t> succeeded{0};  // handshakes completed (CONNACK, and SUBACK for sub)
    std::atomic<uint64_t> failed{0};     // failed + lost
    std::atomic<uint64_t> sent{0};
    std::atomic<uint64_t> received{0};
    std::atomic<bool> finished{false};
};

// Read by the main thread after the worker's thread has ended.
struct WorkerTotals {
    uint64_t attempted = 0, succeeded = 0, failed = 0, lost = 0;
    uint64_t sent = 0, acked = 0, rejected = 0, received = 0, retained = 0, duplicates = 0, no_timestamp = 0;
    uint64_t first_attempt_ns = 0, last_ready_ns = 0;
    uint64_t first_sent_ns = 0, last_sent_ns = 0, pub_stop_ns = 0;
    uint64_t first_recv_ns = 0, last_recv_ns = 0;
    uint64_t subscribed = 0;  // sub: filters granted by SUBACKs
    uint64_t first_subscribe_ns = 0, last_suback_ns = 0;
    std::map<std::string, uint64_t> errors;          // why connections failed or were lost
    std::map<std::string, uint64_t> publish_errors;  // PUBACK/PUBREC reason codes >= 0x80
    LatencyHistogram latency;
    LatencyHistogram ack_latency;  // pub, QoS 1/2: PUBLISH queued to PUBACK / PUBCOMP received
};

struct Client;
struct TransportConfig;

class Worker {
public:
    Worker(const Options& options, const Target& target, const TransportConfig& transport, int index, uint64_t t0_ns);
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    void run();          // the thread body; returns when every handle is closed
    void requestStop();  // from any thread: end the run now (drain, DISCONNECT, close)

    const LiveCounters& live() const { return live_; }
    const WorkerTotals& totals() const { return totals_; }

    // libuv callbacks (static trampolines call these)
    void onConnect(Client* c, int status);
    void onRead(Client* c, ssize_t nread, const uv_buf_t* buf);
    void onWriteDone(Client* c, int status);
    void onClientClosed(Client* c);
    void onPubTimer(Client* c);
    void onStarterTick();
    void onDeadline();
    void armDeadline();
    void onDrainTimeout();
    void onKeepaliveTick();
    void onLoopPrepare();
    void onLoopCheck();
    void onAsync();
    void onSafetyTimeout();

    uv_buf_t allocRead();

private:
    enum class Phase { Running, Draining, Closing };

    void startClient(Client* c);
    int bindSource(Client* c, const sockaddr_storage& source);
    void startDue();
    void fail(Client* c, const std::string& reason);
    void closeClient(Client* c);
    void markDirty(Client* c);
    void flush(Client* c);
    void flushDirty();
    void send(Client* c, const mqtt::Packet& packet);
    void transportInput(Client* c, const char* data, size_t size, uint64_t now);
    void encodeWire(Client* c);
    bool consume(Client* c, const char* data, size_t size, uint64_t now);
    size_t parse(Client* c, const uint8_t* data, size_t size, uint64_t now);
    bool handle(Client* c, const mqtt::FixedHeader& header, mqtt::Packet& packet, uint64_t now);
    void onConnack(Client* c, const mqtt::Connack& ack);
    void onSuback(Client* c, const mqtt::Suback& ack);
    void onPublish(Client* c, const mqtt::Publish& pub, uint64_t now);
    void onPubResponse(Client* c, const mqtt::PubResponse& r);
    void handshakeDone(Client* c);
    void startPublishing(Client* c);
    void pump(Client* c);
    void emitPublish(Client* c);
    void recordAckLatency(Client* c, uint16_t pid);
    void releasePid(Client* c, uint16_t pid);
    void maybeFinish();
    void beginStop();
    void beginClose();
    void closeWorkerHandles();
    void publishLive();

    const Options& o_;
    const Target& target_;
    const TransportConfig& transport_;
    const int index_;
    const uint64_t t0_ns_;
    const mqtt::ProtocolVersion version_;

    uv_loop_t loop_{};
    uv_timer_t starter_{}, deadline_{}, drain_{}, keepalive_{}, safety_{};
    uv_prepare_t prepare_{};
    uv_check_t check_{};
    uv_idle_t idle_{};
    uv_async_t async_{};
    bool idle_active_ = false;
    bool handles_closed_ = false;
    bool in_transition_ = false;  // beginStop is failing unfinished handshakes

    Phase phase_ = Phase::Running;
    std::vector<std::unique_ptr<Client>> clients_;
    size_t next_start_ = 0;
    size_t pending_handshakes_ = 0;
    size_t open_tcp_ = 0;
    size_t finished_clients_ = 0;  // failed, lost, or done with their publish quota
    uint64_t inflight_total_ = 0;
    uint64_t connected_now_ = 0;
    std::vector<Client*> dirty_;
    std::vector<Client*> hot_;  // publishers that stopped only because of the per-turn batch cap
    std::vector<char> read_buf_;
    std::string app_in_;  // MQTT bytes a transport decoded from one read, reused
    std::string payload_fill_;
    mqtt::Packet scratch_;        // decode target, reused
    mqtt::Publish pub_template_;  // encode source, reused
    std::mt19937_64 rng_;         // %rand_N topic levels ...
    std::string topic_buf_;       // ... drawn here, for the message being encoded

    LiveCounters live_;
    WorkerTotals totals_;
};

}  // namespace emqx::bench
