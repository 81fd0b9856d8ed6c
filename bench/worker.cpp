#include "bench/worker.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <span>
#include <unordered_map>

#include "bench/client_transport.h"
#include "bench/source_addresses.h"

namespace emqx::bench {

using mqtt::PacketType;

uint64_t monoNs() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

namespace {

constexpr size_t kReadBufferSize = 64 * 1024;
constexpr size_t kOutHighWater = 64 * 1024;  // a publisher stops producing above this much unsent output
constexpr int kPublishBatch = 64;            // publishes per client per loop turn (fairness)
constexpr uint32_t kMaxPacket = 268435455u + 5u;
constexpr uint64_t kDrainMs = 3000;   // wait this long for QoS 1/2 acks after publishing stops
constexpr uint64_t kSafetyMs = 1000;  // then this long for DISCONNECTs to be written
constexpr uint64_t kMaxPlausibleLatencyNs = 3600ull * 1000000000ull;

std::string hex2(uint8_t v) {
    char b[8];
    std::snprintf(b, sizeof b, "0x%02X", v);
    return b;
}

std::string reasonText(mqtt::ReasonCode rc) {
    return hex2(static_cast<uint8_t>(rc)) + " (" + std::string(mqtt::reasonCodeName(rc)) + ")";
}

mqtt::ProtocolVersion toVersion(int v) {
    switch (v) {
        case 3: return mqtt::ProtocolVersion::V31;
        case 5: return mqtt::ProtocolVersion::V5;
        default: return mqtt::ProtocolVersion::V311;
    }
}

}  // namespace

enum class ClientState : uint8_t { NotStarted, Connecting, WaitConnack, WaitSuback, Ready, Failed, Closed };

struct Client {
    Worker* worker = nullptr;
    uint64_t global_index = 0;
    uint64_t seq = 0;
    std::string id;
    TopicTemplate topic;               // pub
    std::vector<std::string> filters;  // sub
    ClientState state = ClientState::NotStarted;
    bool handshaken = false;
    bool finished = false;
    bool tcp_init = false;
    bool timer_init = false;
    bool write_pending = false;
    bool dirty = false;
    bool hot = false;
    bool close_after_write = false;
    uint16_t keepalive = 0;
    uv_tcp_t tcp{};
    uv_connect_t connect_req{};
    uv_write_t write_req{};
    uv_timer_t timer{};
    std::unique_ptr<ClientTransport> transport;  // TLS / WS / WSS; null over TCP
    std::string in;                              // an incomplete packet carried over to the next read
    std::string out;                             // encoded, not yet handed to the kernel (nor to the transport)
    std::string wire;                            // with a transport: its bytes, not yet handed to the kernel
    std::string writing;                         // handed to uv_write, waiting for its callback
    uint64_t last_send_ms = 0;
    // publisher
    bool publishing = false;
    bool has_quota = false;
    uint64_t quota = 0;
    uint64_t published = 0;
    uint64_t pub_start_ns = 0;
    uint32_t inflight = 0;
    uint32_t max_inflight = 0;
    uint16_t next_pid = 1;
    std::vector<bool> pid_used;                          // QoS 1/2 publishers: packet ids awaiting PUBACK/PUBCOMP
    std::unordered_map<uint16_t, uint64_t> pid_sent_ns;  // ... and when each was queued (ack latency)
    std::vector<bool> qos2_rx;                           // QoS 2 receivers: packet ids between PUBREC and PUBREL
};

namespace {

Client* clientOf(void* handle) { return static_cast<Client*>(static_cast<uv_handle_t*>(handle)->data); }
Worker* workerOf(void* handle) { return static_cast<Worker*>(static_cast<uv_handle_t*>(handle)->data); }

void allocCb(uv_handle_t* h, size_t, uv_buf_t* buf) { *buf = clientOf(h)->worker->allocRead(); }
void readCb(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
    Client* c = clientOf(s);
    c->worker->onRead(c, n, buf);
}
void connectCb(uv_connect_t* req, int status) {
    auto* c = static_cast<Client*>(req->data);
    c->worker->onConnect(c, status);
}
void writeCb(uv_write_t* req, int status) {
    auto* c = static_cast<Client*>(req->data);
    c->worker->onWriteDone(c, status);
}
void tcpClosedCb(uv_handle_t* h) {
    Client* c = clientOf(h);
    c->worker->onClientClosed(c);
}
void pubTimerCb(uv_timer_t* t) {
    Client* c = clientOf(t);
    c->worker->onPubTimer(c);
}
void starterCb(uv_timer_t* t) { workerOf(t)->onStarterTick(); }
void deadlineCb(uv_timer_t* t) { workerOf(t)->onDeadline(); }
void drainCb(uv_timer_t* t) { workerOf(t)->onDrainTimeout(); }
void keepaliveCb(uv_timer_t* t) { workerOf(t)->onKeepaliveTick(); }
void safetyCb(uv_timer_t* t) { workerOf(t)->onSafetyTimeout(); }
void prepareCb(uv_prepare_t* p) { workerOf(p)->onLoopPrepare(); }
void checkCb(uv_check_t* p) { workerOf(p)->onLoopCheck(); }
void idleCb(uv_idle_t*) {}
void asyncCb(uv_async_t* a) { workerOf(a)->onAsync(); }

// Guards the async handle against a stop request racing with its close.
std::mutex g_async_mu;

}  // namespace

Worker::Worker(const Options& options, const Target& target, const TransportConfig& transport, int index,
               uint64_t t0_ns)
    : o_(options),
      target_(target),
      transport_(transport),
      index_(index),
      t0_ns_(t0_ns),
      version_(toVersion(options.version)),
      rng_(std::random_device{}() ^ static_cast<uint64_t>(index)) {
    uv_loop_init(&loop_);
    uv_timer_init(&loop_, &starter_);
    uv_timer_init(&loop_, &deadline_);
    uv_timer_init(&loop_, &drain_);
    uv_timer_init(&loop_, &keepalive_);
    uv_timer_init(&loop_, &safety_);
    uv_prepare_init(&loop_, &prepare_);
    uv_check_init(&loop_, &check_);
    uv_idle_init(&loop_, &idle_);
    uv_async_init(&loop_, &async_, asyncCb);
    for (uv_handle_t* h : {reinterpret_cast<uv_handle_t*>(&starter_), reinterpret_cast<uv_handle_t*>(&deadline_),
                           reinterpret_cast<uv_handle_t*>(&drain_), reinterpret_cast<uv_handle_t*>(&keepalive_),
                           reinterpret_cast<uv_handle_t*>(&safety_), reinterpret_cast<uv_handle_t*>(&prepare_),
                           reinterpret_cast<uv_handle_t*>(&check_), reinterpret_cast<uv_handle_t*>(&idle_),
                           reinterpret_cast<uv_handle_t*>(&async_)}) {
        h->data = this;
    }
    read_buf_.resize(kReadBufferSize);
    payload_fill_.resize(static_cast<size_t>(o_.size));
    for (size_t i = 0; i < payload_fill_.size(); ++i) payload_fill_[i] = static_cast<char>('a' + i % 26);

    const uint64_t count = static_cast<uint64_t>(o_.count);
    const uint64_t threads = static_cast<uint64_t>(o_.threads);
    TopicTemplate pub_topic;
    if (std::string unused; o_.command == Command::Pub)
        pub_topic.parse(o_.topics.front(), unused);  // checked by parseOptions
    for (uint64_t g = static_cast<uint64_t>(index); g < count; g += threads) {
        auto c = std::make_unique<Client>();
        c->worker = this;
        c->global_index = g;
        c->seq = static_cast<uint64_t>(o_.start_number) + g + 1;
        c->id = o_.prefix + "_" + commandName(o_.command) + "_" + std::to_string(c->seq);
        if (o_.command == Command::Pub) {
            c->topic = pub_topic;
            c->topic.expand(c->seq, c->id);
        }
        if (o_.command == Command::Sub) {
            for (const std::string& f : o_.topics) c->filters.push_back(expandPlaceholders(f, c->seq, c->id));
        }
        c->keepalive = static_cast<uint16_t>(o_.keepalive);
        c->max_inflight = static_cast<uint32_t>(o_.inflight);
        if (o_.command == Command::Pub && o_.limit > 0) {
            c->has_quota = true;
            c->quota = o_.limit / count + (g < o_.limit % count ? 1 : 0);
        }
        clients_.push_back(std::move(c));
    }
}

Worker::~Worker() { uv_loop_close(&loop_); }

void Worker::run() {
    uv_timer_start(&starter_, starterCb, 0, 1);
    armDeadline();
    uv_timer_start(&keepalive_, keepaliveCb, 1000, 1000);
    uv_prepare_start(&prepare_, prepareCb);
    uv_check_start(&check_, checkCb);
    if (clients_.empty()) beginStop();
    uv_run(&loop_, UV_RUN_DEFAULT);
    publishLive();
    live_.finished.store(true);
}

void Worker::requestStop() {
    std::lock_guard<std::mutex> lock(g_async_mu);
    if (!handles_closed_) uv_async_send(&async_);
}

uv_buf_t Worker::allocRead() { return uv_buf_init(read_buf_.data(), static_cast<unsigned>(read_buf_.size())); }

// ---------------------------------------------------------------- connecting

void Worker::onStarterTick() { startDue(); }

void Worker::startDue() {
    if (phase_ != Phase::Running) return;
    const uint64_t now = monoNs();
    const uint64_t interval_ns = static_cast<uint64_t>(o_.connect_interval_ms) * 1000000ull;
    while (next_start_ < clients_.size() && pending_handshakes_ < static_cast<size_t>(o_.max_pending)) {
        Client* c = clients_[next_start_].get();
        if (t0_ns_ + c->global_index * interval_ns > now) break;
        ++next_start_;
        startClient(c);
        if (phase_ != Phase::Running) return;
    }
    if (next_start_ == clients_.size()) uv_timer_stop(&starter_);
}

void Worker::startClient(Client* c) {
    c->state = ClientState::Connecting;
    ++totals_.attempted;
    ++pending_handshakes_;
    if (!totals_.first_attempt_ns) totals_.first_attempt_ns = monoNs();
    const sockaddr_storage* source =
        o_.source_addrs.empty() ? nullptr : &o_.source_addrs[c->global_index % o_.source_addrs.size()];
    int r = uv_tcp_init_ex(&loop_, &c->tcp, source ? source->ss_family : AF_UNSPEC);
    if (r < 0) {
        fail(c, std::string("socket: ") + uv_strerror(r));
        return;
    }
    c->tcp_init = true;
    ++open_tcp_;
    c->tcp.data = c;
    uv_tcp_nodelay(&c->tcp, 1);
    if (source && (r = bindSource(c, *source)) < 0) {
        fail(c, "bind " + addressText(*source) + ": " + uv_strerror(r));
        return;
    }
    c->connect_req.data = c;
    r = uv_tcp_connect(&c->connect_req, &c->tcp, reinterpret_cast<const sockaddr*>(&target_.addr), connectCb);
    if (r < 0) fail(c, std::string("connect: ") + uv_strerror(r));
}

// The local port is left to connect(), which needs it unique per 4-tuple only
// (IP_BIND_ADDRESS_NO_PORT): a plain bind would need it unique per address,
// so one address could not hold more connections than it has ephemeral ports.
// Best effort: where the option is refused, the bind still works, with that limit.
int Worker::bindSource(Client* c, const sockaddr_storage& source) {
    uv_os_fd_t fd = -1;
    const int r = uv_fileno(reinterpret_cast<uv_handle_t*>(&c->tcp), &fd);
    if (r < 0) return r;
    const int on = 1;
    ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof on);
    return uv_tcp_bind(&c->tcp, reinterpret_cast<const sockaddr*>(&source), 0);
}

void Worker::onConnect(Client* c, int status) {
    if (status == UV_ECANCELED || c->state != ClientState::Connecting) return;
    if (status < 0) {
        fail(c, std::string("connect: ") + uv_strerror(status));
        return;
    }
    c->state = ClientState::WaitConnack;
    int r = uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp), allocCb, readCb);
    if (r < 0) {
        fail(c, std::string("read: ") + uv_strerror(r));
        return;
    }
    c->transport = makeClientTransport(transport_);
    if (c->transport && !c->transport->start(c->wire)) {
        fail(c, c->transport->error());
        return;
    }
    mqtt::Connect p;  // held in c->out until the transport is established
    p.version = version_;
    p.protocol_name = version_ == mqtt::ProtocolVersion::V31 ? "MQIsdp" : "MQTT";
    p.clean_start = o_.clean;
    p.keepalive = static_cast<uint16_t>(o_.keepalive);
    p.client_id = c->id;
    p.username = o_.username;
    p.password = o_.password;
    if (version_ == mqtt::ProtocolVersion::V5 && o_.session_expiry)
        p.props.session_expiry_interval = *o_.session_expiry;
    send(c, p);
}

void Worker::onConnack(Client* c, const mqtt::Connack& ack) {
    if (c->state != ClientState::WaitConnack) {
        fail(c, "protocol: unexpected CONNACK");
        return;
    }
    if (ack.reason != mqtt::ReasonCode::Success) {
        if (version_ == mqtt::ProtocolVersion::V5) {
            fail(c, "CONNACK refused: reason code " + reasonText(ack.reason));
        } else {
            const auto v3 = static_cast<uint8_t>(mqtt::toConnackV3(ack.reason));
            fail(c, "CONNACK refused: return code " + std::to_string(v3) + " (" +
                        std::string(mqtt::reasonCodeName(ack.reason)) + ")");
        }
        return;
    }
    if (version_ == mqtt::ProtocolVersion::V5) {
        if (ack.props.receive_maximum)
            c->max_inflight = std::min<uint32_t>(c->max_inflight, *ack.props.receive_maximum);
        if (ack.props.server_keep_alive) c->keepalive = *ack.props.server_keep_alive;
    }
    if (o_.command == Command::Sub) {
        mqtt::Subscribe s;
        s.packet_id = 1;
        for (const std::string& f : c->filters) {
            mqtt::SubscriptionRequest req;
            req.filter = f;
            req.qos = static_cast<uint8_t>(o_.qos);
            s.subscriptions.push_back(std::move(req));
        }
        send(c, s);
        if (!totals_.first_subscribe_ns) totals_.first_subscribe_ns = monoNs();
        c->state = ClientState::WaitSuback;
        return;
    }
    handshakeDone(c);
}

void Worker::onSuback(Client* c, const mqtt::Suback& ack) {
    if (c->state != ClientState::WaitSuback || ack.packet_id != 1 || ack.reasons.size() != c->filters.size()) {
        fail(c, "protocol: unexpected SUBACK");
        return;
    }
    for (mqtt::ReasonCode rc : ack.reasons) {
        if (static_cast<uint8_t>(rc) >= 0x80) {
            fail(c, "SUBACK refused: " + reasonText(rc));
            return;
        }
    }
    totals_.subscribed += c->filters.size();
    totals_.last_suback_ns = monoNs();
    handshakeDone(c);
}

void Worker::handshakeDone(Client* c) {
    c->state = ClientState::Ready;
    c->handshaken = true;
    --pending_handshakes_;
    ++totals_.succeeded;
    ++connected_now_;
    totals_.last_ready_ns = monoNs();
    if (o_.command == Command::Pub) startPublishing(c);
    startDue();
}

// ---------------------------------------------------------------- failing and closing

void Worker::fail(Client* c, const std::string& reason) {
    if (c->state == ClientState::Failed || c->state == ClientState::Closed) return;
    if (phase_ == Phase::Closing) {  // we are hanging up ourselves: not an error
        closeClient(c);
        return;
    }
    if (c->handshaken) {
        ++totals_.lost;
        --connected_now_;
    } else {
        ++totals_.failed;
        if (c->state != ClientState::NotStarted) --pending_handshakes_;
    }
    ++totals_.errors[reason];
    inflight_total_ -= c->inflight;
    c->inflight = 0;
    c->publishing = false;
    closeClient(c);
    c->state = ClientState::Failed;
    if (!c->finished) {
        c->finished = true;
        ++finished_clients_;
    }
    if (in_transition_) return;
    if (phase_ == Phase::Draining && inflight_total_ == 0) {
        beginClose();
        return;
    }
    maybeFinish();
}

void Worker::closeClient(Client* c) {
    if (c->timer_init && !uv_is_closing(reinterpret_cast<uv_handle_t*>(&c->timer))) {
        uv_close(reinterpret_cast<uv_handle_t*>(&c->timer), nullptr);
    }
    if (c->tcp_init && !uv_is_closing(reinterpret_cast<uv_handle_t*>(&c->tcp))) {
        uv_read_stop(reinterpret_cast<uv_stream_t*>(&c->tcp));
        uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp), tcpClosedCb);
    }
    if (c->state != ClientState::Failed) c->state = ClientState::Closed;
}

void Worker::onClientClosed(Client*) {
    --open_tcp_;
    if (phase_ == Phase::Closing && open_tcp_ == 0 && !uv_is_closing(reinterpret_cast<uv_handle_t*>(&safety_))) {
        uv_close(reinterpret_cast<uv_handle_t*>(&safety_), nullptr);
    }
}

// A client is finished when it failed, or published its whole quota and got every ack.
void Worker::maybeFinish() {
    if (phase_ == Phase::Running && next_start_ == clients_.size() && finished_clients_ == clients_.size()) {
        beginStop();
    }
}

// Publishing stops; unfinished handshakes count as failed; QoS 1/2 acks get kDrainMs to arrive.
void Worker::beginStop() {
    if (phase_ != Phase::Running) return;
    phase_ = Phase::Draining;
    totals_.pub_stop_ns = monoNs();
    uv_timer_stop(&starter_);
    uv_timer_stop(&deadline_);
    in_transition_ = true;
    for (auto& cp : clients_) {
        Client* c = cp.get();
        c->publishing = false;
        if (c->timer_init) uv_timer_stop(&c->timer);
        if (c->state == ClientState::Connecting || c->state == ClientState::WaitConnack ||
            c->state == ClientState::WaitSuback) {
            fail(c, "run ended before the handshake completed");
        }
    }
    in_transition_ = false;
    flushDirty();
    if (inflight_total_ > 0) {
        uv_timer_start(&drain_, drainCb, kDrainMs, 0);
    } else {
        beginClose();
    }
}

void Worker::onDrainTimeout() { beginClose(); }

// DISCONNECT every connected client, close everything, let uv_run return.
void Worker::beginClose() {
    if (phase_ == Phase::Closing) return;
    phase_ = Phase::Closing;
    for (auto& cp : clients_) {
        Client* c = cp.get();
        if (!c->tcp_init || uv_is_closing(reinterpret_cast<uv_handle_t*>(&c->tcp))) continue;
        if (c->state == ClientState::Ready) {
            send(c, mqtt::Disconnect{});
            if (c->transport) {
                encodeWire(c);
                c->transport->shutdown(c->wire);
            }
            c->close_after_write = true;
            flush(c);
            if (!c->write_pending) closeClient(c);
        } else {
            closeClient(c);
        }
    }
    dirty_.clear();
    closeWorkerHandles();
    if (open_tcp_ == 0) {
        uv_close(reinterpret_cast<uv_handle_t*>(&safety_), nullptr);
    } else {
        uv_timer_start(&safety_, safetyCb, kSafetyMs, 0);
    }
}

void Worker::onSafetyTimeout() {
    for (auto& cp : clients_) closeClient(cp.get());
    if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(&safety_)))
        uv_close(reinterpret_cast<uv_handle_t*>(&safety_), nullptr);
}

void Worker::closeWorkerHandles() {
    publishLive();
    for (uv_handle_t* h : {reinterpret_cast<uv_handle_t*>(&starter_), reinterpret_cast<uv_handle_t*>(&deadline_),
                           reinterpret_cast<uv_handle_t*>(&drain_), reinterpret_cast<uv_handle_t*>(&keepalive_),
                           reinterpret_cast<uv_handle_t*>(&prepare_), reinterpret_cast<uv_handle_t*>(&check_),
                           reinterpret_cast<uv_handle_t*>(&idle_)}) {
        if (!uv_is_closing(h)) uv_close(h, nullptr);
    }
    std::lock_guard<std::mutex> lock(g_async_mu);
    handles_closed_ = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
}

void Worker::onAsync() { beginStop(); }
void Worker::armDeadline() {
    // libuv times timers from the loop's cached clock, which lags: refresh it,
    // and check again when the timer fires, so the run is never cut short.
    uv_update_time(&loop_);
    const uint64_t deadline_ns = t0_ns_ + static_cast<uint64_t>(o_.duration * 1e9);
    const uint64_t now = monoNs();
    const uint64_t left_ms = deadline_ns > now ? (deadline_ns - now + 999999) / 1000000 : 0;
    uv_timer_start(&deadline_, deadlineCb, left_ms, 0);
}

void Worker::onDeadline() {
    if (monoNs() < t0_ns_ + static_cast<uint64_t>(o_.duration * 1e9)) return armDeadline();
    beginStop();
}

// ---------------------------------------------------------------- writing

void Worker::send(Client* c, const mqtt::Packet& packet) {
    mqtt::encodePacket(version_, packet, c->out);
    markDirty(c);
}

void Worker::markDirty(Client* c) {
    if (c->dirty) return;
    c->dirty = true;
    dirty_.push_back(c);
}

void Worker::flushDirty() {
    if (dirty_.empty()) return;
    std::vector<Client*> batch;
    batch.swap(dirty_);
    for (Client* c : batch) {
        c->dirty = false;
        flush(c);
    }
    if (dirty_.empty()) {  // keep the vector's capacity
        batch.clear();
        dirty_.swap(batch);
    }
}

// MQTT bytes into the transport, once it carries them (the CONNECT waits for the TLS handshake / the upgrade).
void Worker::encodeWire(Client* c) {
    if (c->out.empty() || !c->transport->established()) return;
    c->transport->output(c->out, c->wire);
    c->out.clear();
}

// Hands c->out (over TCP) or c->wire (through a transport) to the kernel:
// uv_try_write, and uv_write for what does not fit.
void Worker::flush(Client* c) {
    if (!c->tcp_init || c->write_pending) return;
    if (c->state == ClientState::Failed || c->state == ClientState::Closed || c->state == ClientState::NotStarted ||
        c->state == ClientState::Connecting) {
        return;
    }
    std::string* pending = &c->out;
    if (c->transport) {
        encodeWire(c);
        pending = &c->wire;
    }
    if (pending->empty()) return;
    auto* stream = reinterpret_cast<uv_stream_t*>(&c->tcp);
    uv_buf_t b = uv_buf_init(pending->data(), static_cast<unsigned>(pending->size()));
    int r = uv_try_write(stream, &b, 1);
    if (r == UV_EAGAIN) r = 0;
    if (r < 0) {
        fail(c, std::string("write: ") + uv_strerror(r));
        return;
    }
    c->last_send_ms = uv_now(&loop_);
    if (static_cast<size_t>(r) == pending->size()) {
        pending->clear();
        return;
    }
    pending->erase(0, static_cast<size_t>(r));
    c->writing.swap(*pending);
    pending->clear();
    b = uv_buf_init(c->writing.data(), static_cast<unsigned>(c->writing.size()));
    c->write_req.data = c;
    r = uv_write(&c->write_req, stream, &b, 1, writeCb);
    if (r < 0) {
        fail(c, std::string("write: ") + uv_strerror(r));
        return;
    }
    c->write_pending = true;
}

void Worker::onWriteDone(Client* c, int status) {
    c->write_pending = false;
    c->writing.clear();
    if (status == UV_ECANCELED || c->state == ClientState::Failed || c->state == ClientState::Closed) return;
    if (status < 0) {
        fail(c, std::string("write: ") + uv_strerror(status));
        return;
    }
    c->last_send_ms = uv_now(&loop_);
    if (c->close_after_write) {
        flush(c);
        if (!c->write_pending) closeClient(c);
        return;
    }
    if (!c->out.empty() || !c->wire.empty()) markDirty(c);
    pump(c);
}

// ---------------------------------------------------------------- reading

void Worker::onRead(Client* c, ssize_t nread, const uv_buf_t* buf) {
    if (nread == 0) return;
    if (c->state == ClientState::Failed || c->state == ClientState::Closed) return;
    if (nread < 0) {
        if (phase_ == Phase::Closing) {
            closeClient(c);
        } else if (nread == UV_EOF) {
            fail(c, c->handshaken ? "connection closed by the broker"
                                  : "connection closed by the broker during the handshake");
        } else {
            fail(c, std::string("read: ") + uv_strerror(static_cast<int>(nread)));
        }
        return;
    }
    if (phase_ == Phase::Closing) return;
    const uint64_t now = monoNs();
    const auto n = static_cast<size_t>(nread);
    if (c->transport) {
        transportInput(c, buf->base, n, now);
        return;
    }
    consume(c, buf->base, n, now);
}

// Wire bytes through the transport: what it answers is flushed, the MQTT bytes parsed.
void Worker::transportInput(Client* c, const char* data, size_t size, uint64_t now) {
    ClientTransport& t = *c->transport;
    const bool was_established = t.established();
    app_in_.clear();
    const bool ok = t.input(data, size, app_in_, c->wire);
    if (!c->wire.empty() || (t.established() && !was_established)) markDirty(c);
    if (!app_in_.empty() && !consume(c, app_in_.data(), app_in_.size(), now)) return;
    if (ok) return;
    if (!c->write_pending && !c->wire.empty()) {  // our alert or close frame, best effort
        uv_buf_t b = uv_buf_init(c->wire.data(), static_cast<unsigned>(c->wire.size()));
        uv_try_write(reinterpret_cast<uv_stream_t*>(&c->tcp), &b, 1);
    }
    fail(c, t.error());
}

// Parses `size` more MQTT bytes after what c->in holds; false once the client has been failed or closed.
bool Worker::consume(Client* c, const char* data, size_t size, uint64_t now) {
    if (c->in.empty()) {
        const size_t used = parse(c, reinterpret_cast<const uint8_t*>(data), size, now);
        if (used == SIZE_MAX) return false;
        if (used < size) c->in.assign(data + used, size - used);
    } else {
        c->in.append(data, size);
        const size_t used = parse(c, reinterpret_cast<const uint8_t*>(c->in.data()), c->in.size(), now);
        if (used == SIZE_MAX) return false;
        c->in.erase(0, used);
    }
    return true;
}

// Decodes every whole packet in [data, data+size); returns the bytes used, or
// SIZE_MAX once the client has been failed or closed.
size_t Worker::parse(Client* c, const uint8_t* data, size_t size, uint64_t now) {
    size_t off = 0;
    while (off < size) {
        mqtt::FixedHeader header;
        mqtt::ProtocolError err;
        const auto st =
            mqtt::readFixedHeader(std::span<const uint8_t>(data + off, size - off), kMaxPacket, header, err);
        if (st == mqtt::FrameStatus::NeedMore) break;
        if (st == mqtt::FrameStatus::Invalid) {
            fail(c, "protocol: " + err.detail);
            return SIZE_MAX;
        }
        if (size - off < header.packetSize()) break;
        std::span<const uint8_t> body(data + off + header.header_size, header.remaining_length);
        if (!mqtt::decodePacket(version_, header, body, scratch_, err)) {
            fail(c, "protocol: malformed " + std::string(mqtt::packetTypeName(header.type())) + ": " + err.detail);
            return SIZE_MAX;
        }
        if (!handle(c, header, scratch_, now)) return SIZE_MAX;
        off += header.packetSize();
    }
    return off;
}

bool Worker::handle(Client* c, const mqtt::FixedHeader& header, mqtt::Packet& packet, uint64_t now) {
    if (auto* p = std::get_if<mqtt::Publish>(&packet)) {
        onPublish(c, *p, now);
    } else if (auto* r = std::get_if<mqtt::PubResponse>(&packet)) {
        onPubResponse(c, *r);
    } else if (auto* a = std::get_if<mqtt::Connack>(&packet)) {
        onConnack(c, *a);
    } else if (auto* s = std::get_if<mqtt::Suback>(&packet)) {
        onSuback(c, *s);
    } else if (std::holds_alternative<mqtt::Pingresp>(packet)) {
        // keepalive answered
    } else if (auto* d = std::get_if<mqtt::Disconnect>(&packet)) {
        fail(c, "DISCONNECT from the broker: reason code " + reasonText(d->reason));
    } else {
        fail(c, "protocol: unexpected " + std::string(mqtt::packetTypeName(header.type())));
    }
    return c->state != ClientState::Failed && c->state != ClientState::Closed;
}

void Worker::onPublish(Client* c, const mqtt::Publish& p, uint64_t now) {
    if (p.qos == 2) {
        if (c->qos2_rx.empty()) c->qos2_rx.resize(65536);
        mqtt::PubResponse rec;
        rec.type = PacketType::Pubrec;
        rec.packet_id = p.packet_id;
        send(c, rec);
        if (c->qos2_rx[p.packet_id]) {  // a resend before our PUBREC arrived: already counted
            ++totals_.duplicates;
            return;
        }
        c->qos2_rx[p.packet_id] = true;
    } else if (p.qos == 1) {
        mqtt::PubResponse ack;
        ack.type = PacketType::Puback;
        ack.packet_id = p.packet_id;
        send(c, ack);
    }
    ++totals_.received;
    if (!totals_.first_recv_ns) totals_.first_recv_ns = now;
    totals_.last_recv_ns = now;
    // Retained messages replayed on subscribe carry an old timestamp: not a delivery latency.
    if (p.retain) ++totals_.retained;
    if (p.payload.size() >= 8 && !p.retain) {
        uint64_t sent_at = 0;
        std::memcpy(&sent_at, p.payload.data(), sizeof sent_at);
        if (sent_at <= now && now - sent_at < kMaxPlausibleLatencyNs) {
            totals_.latency.record(now - sent_at);
            return;
        }
    }
    ++totals_.no_timestamp;
}

void Worker::onPubResponse(Client* c, const mqtt::PubResponse& r) {
    const uint16_t pid = r.packet_id;
    const bool ours = !c->pid_used.empty() && c->pid_used[pid];
    const bool refused = static_cast<uint8_t>(r.reason) >= 0x80;
    switch (r.type) {
        case PacketType::Puback:
        case PacketType::Pubcomp:
            if (!ours) return;
            if (refused) {
                ++totals_.rejected;
                ++totals_.publish_errors[std::string(mqtt::packetTypeName(r.type)) + " " + reasonText(r.reason)];
            }
            ++totals_.acked;
            recordAckLatency(c, pid);
            releasePid(c, pid);
            return;
        case PacketType::Pubrec: {
            if (ours && refused) {
                ++totals_.rejected;
                ++totals_.publish_errors["PUBREC " + reasonText(r.reason)];
                ++totals_.acked;
                recordAckLatency(c, pid);
                releasePid(c, pid);
                return;
            }
            mqtt::PubResponse rel;
            rel.type = PacketType::Pubrel;
            rel.packet_id = pid;
            if (!ours && version_ == mqtt::ProtocolVersion::V5) rel.reason = mqtt::ReasonCode::PacketIdentifierNotFound;
            send(c, rel);
            return;
        }
        case PacketType::Pubrel: {
            if (!c->qos2_rx.empty()) c->qos2_rx[pid] = false;
            mqtt::PubResponse comp;
            comp.type = PacketType::Pubcomp;
            comp.packet_id = pid;
            send(c, comp);
            return;
        }
        default: return;
    }
}

// ---------------------------------------------------------------- publishing

void Worker::startPublishing(Client* c) {
    c->publishing = true;
    c->pub_start_ns = monoNs();
    if (o_.qos > 0) c->pid_used.assign(65536, false);
    if (c->has_quota && c->quota == 0) {
        c->publishing = false;
        c->finished = true;
        ++finished_clients_;
        maybeFinish();
        return;
    }
    if (o_.interval_ms > 0) {
        uv_timer_init(&loop_, &c->timer);
        c->timer.data = c;
        c->timer_init = true;
        uv_timer_start(&c->timer, pubTimerCb, static_cast<uint64_t>(o_.interval_ms),
                       static_cast<uint64_t>(o_.interval_ms));
    }
    pump(c);
}

void Worker::onPubTimer(Client* c) { pump(c); }

// Publishes what is due: with -I, one message per interval since the client
// connected (catching up after backpressure); without, as much as the
// in-flight window, the socket and the per-turn batch allow.
void Worker::pump(Client* c) {
    if (!c->publishing || phase_ != Phase::Running || c->state != ClientState::Ready) return;
    uint64_t due = c->has_quota ? c->quota : UINT64_MAX;
    if (o_.interval_ms > 0) {
        const uint64_t interval_ns = static_cast<uint64_t>(o_.interval_ms) * 1000000ull;
        due = std::min(due, (monoNs() - c->pub_start_ns) / interval_ns + 1);
    }
    int batch = 0;
    while (c->published < due) {
        if (o_.qos > 0 && c->inflight >= c->max_inflight) break;
        if (c->write_pending || c->out.size() >= kOutHighWater) break;
        if (batch == kPublishBatch) {
            if (!c->hot) {
                c->hot = true;
                hot_.push_back(c);
            }
            break;
        }
        emitPublish(c);
        ++batch;
    }
    if (c->has_quota && c->published == c->quota) {
        c->publishing = false;
        if (c->timer_init) uv_timer_stop(&c->timer);
        if (c->inflight == 0 && !c->finished) {
            c->finished = true;
            ++finished_clients_;
            maybeFinish();
        }
    }
}

void Worker::emitPublish(Client* c) {
    mqtt::Publish& p = pub_template_;
    p.qos = static_cast<uint8_t>(o_.qos);
    p.retain = o_.retain;
    if (c->topic.isRandom()) {
        c->topic.render(rng_, topic_buf_);
        p.topic = topic_buf_;
    } else {
        p.topic = c->topic.text();
    }
    p.packet_id = 0;
    if (o_.qos > 0) {
        uint16_t pid = c->next_pid;
        while (c->pid_used[pid]) pid = pid == 65535 ? 1 : static_cast<uint16_t>(pid + 1);
        c->pid_used[pid] = true;
        c->next_pid = pid == 65535 ? 1 : static_cast<uint16_t>(pid + 1);
        p.packet_id = pid;
        ++c->inflight;
        ++inflight_total_;
    }
    mqtt::encodePublishHeader(version_, p, payload_fill_.size(), c->out);
    const size_t at = c->out.size();
    c->out.append(payload_fill_);
    const uint64_t now = monoNs();
    if (payload_fill_.size() >= 8) std::memcpy(c->out.data() + at, &now, sizeof now);
    if (p.packet_id) c->pid_sent_ns[p.packet_id] = now;
    ++c->published;
    ++totals_.sent;
    if (!totals_.first_sent_ns) totals_.first_sent_ns = now;
    totals_.last_sent_ns = now;
    markDirty(c);
}

void Worker::recordAckLatency(Client* c, uint16_t pid) {
    auto it = c->pid_sent_ns.find(pid);
    if (it == c->pid_sent_ns.end()) return;
    totals_.ack_latency.record(monoNs() - it->second);
    c->pid_sent_ns.erase(it);
}

void Worker::releasePid(Client* c, uint16_t pid) {
    c->pid_used[pid] = false;
    if (c->inflight > 0) {
        --c->inflight;
        --inflight_total_;
    }
    if (phase_ == Phase::Draining) {
        if (inflight_total_ == 0) beginClose();
        return;
    }
    if (c->has_quota && c->published == c->quota && c->inflight == 0 && !c->finished) {
        c->finished = true;
        ++finished_clients_;
        maybeFinish();
        return;
    }
    pump(c);
}

// ---------------------------------------------------------------- loop hooks

void Worker::onKeepaliveTick() {
    const uint64_t now_ms = uv_now(&loop_);
    for (auto& cp : clients_) {
        Client* c = cp.get();
        if (c->state != ClientState::Ready || c->keepalive == 0) continue;
        if (now_ms - c->last_send_ms >= static_cast<uint64_t>(c->keepalive) * 500) {
            send(c, mqtt::Pingreq{});
            c->last_send_ms = now_ms;
        }
    }
}

void Worker::onLoopPrepare() {
    if (!hot_.empty()) {
        std::vector<Client*> batch;
        batch.swap(hot_);
        for (Client* c : batch) {
            c->hot = false;
            pump(c);
        }
    }
    flushDirty();
    // An active idle handle makes the coming poll non-blocking while publishers still have work.
    if (!hot_.empty() && !idle_active_) {
        uv_idle_start(&idle_, idleCb);
        idle_active_ = true;
    } else if (hot_.empty() && idle_active_) {
        uv_idle_stop(&idle_);
        idle_active_ = false;
    }
    publishLive();
}

void Worker::onLoopCheck() {
    flushDirty();
    publishLive();
}

void Worker::publishLive() {
    live_.connected.store(connected_now_, std::memory_order_relaxed);
    live_.succeeded.store(totals_.succeeded, std::memory_order_relaxed);
    live_.failed.store(totals_.failed + totals_.lost, std::memory_order_relaxed);
    live_.sent.store(totals_.sent, std::memory_order_relaxed);
    live_.received.store(totals_.received, std::memory_order_relaxed);
}

}  // namespace emqx::bench
