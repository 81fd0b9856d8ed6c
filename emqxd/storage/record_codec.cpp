#include "emqxd/storage/record_codec.h"

#include <span>

#include "common/mqtt/byte_reader.h"
#include "common/mqtt/byte_writer.h"
#include "common/mqtt/properties_codec.h"
#include "emqxd/storage/record_io.h"

namespace emqx::storage {

namespace {

constexpr uint8_t kMessageVersion = 1;
constexpr uint8_t kSessionVersion = 2;  // 2 added the session id
constexpr uint8_t kJournaledVersion = 1;

void writeMessage(Writer& w, const Message& m) {
    w.u8(kMessageVersion);
    w.u8(static_cast<uint8_t>(m.qos | (m.retain ? 4 : 0) | (m.props ? 8 : 0) | (m.durable_id ? 16 : 0)));
    w.u64(static_cast<uint64_t>(m.received_at_ms));
    if (m.durable_id) w.u64(m.durable_id);
    w.bytes(m.topic);
    w.bytes(m.payload);
    w.bytes(m.publisher);
    if (m.props) {
        std::string block;
        mqtt::ByteWriter pw(block);
        mqtt::writeProperties(pw, *m.props);
        w.bytes(block);
    }
}

MessagePtr readMessage(Reader& r) {
    uint8_t version, flags;
    if (!r.u8(version) || version != kMessageVersion || !r.u8(flags) || (flags & ~0x1Fu) != 0 || (flags & 3) > 2)
        return nullptr;
    int64_t received_at_ms;
    uint64_t durable_id = 0;
    std::string_view topic, payload, publisher;
    if (!r.i64(received_at_ms)) return nullptr;
    if ((flags & 16) && (!r.u64(durable_id) || durable_id == 0)) return nullptr;
    if (!r.bytes(topic) || !r.bytes(payload) || !r.bytes(publisher)) return nullptr;
    auto m = Message::make(topic, payload, publisher);
    m->qos = flags & 3;
    m->retain = (flags & 4) != 0;
    m->received_at_ms = received_at_ms;
    m->durable_id = durable_id;
    if (flags & 8) {
        std::string_view block;
        if (!r.bytes(block)) return nullptr;
        mqtt::ByteReader pr(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(block.data()), block.size()));
        auto props = std::make_unique<mqtt::Properties>();
        mqtt::ProtocolError err;
        if (!mqtt::readProperties(pr, mqtt::PropertyContext::Publish, *props, err) || !pr.atEnd()) return nullptr;
        m->props = std::move(props);
    }
    return m;
}

void writeOptions(Writer& w, const SubscriptionOptions& o) {
    w.u8(static_cast<uint8_t>(o.qos | (o.no_local ? 4 : 0) | (o.retain_as_published ? 8 : 0) |
                              (o.retain_handling << 4)));
    w.u32(o.subscription_id);
}

bool readOptions(Reader& r, SubscriptionOptions& o) {
    uint8_t b;
    if (!r.u8(b) || !r.u32(o.subscription_id) || (b & 3) > 2 || (b >> 4) > 2 || (b & 0xC0) != 0) return false;
    o.qos = b & 3;
    o.no_local = (b & 4) != 0;
    o.retain_as_published = (b & 8) != 0;
    o.retain_handling = static_cast<uint8_t>(b >> 4);
    return true;
}

}  // namespace

std::string encodeMessage(const Message& m) {
    std::string out;
    out.reserve(32 + m.topic.size() + m.payload.size() + m.publisher.size());
    Writer w(out);
    writeMessage(w, m);
    return out;
}

MessagePtr decodeMessage(std::string_view data) {
    Reader r(data);
    MessagePtr m = readMessage(r);
    return m && r.atEnd() ? m : nullptr;
}

std::string encodeJournaled(const Message& m, uint8_t qos, const SubscriptionOptions& options) {
    std::string out;
    out.reserve(40 + m.topic.size() + m.payload.size() + m.publisher.size());
    Writer w(out);
    w.u8(kJournaledVersion);
    w.u8(qos);
    writeOptions(w, options);
    writeMessage(w, m);
    return out;
}

bool decodeJournaled(std::string_view data, QueuedMessage& out) {
    Reader r(data);
    uint8_t version;
    if (!r.u8(version) || version != kJournaledVersion || !r.u8(out.qos) || out.qos == 0 || out.qos > 2 ||
        !readOptions(r, out.options))
        return false;
    out.options.durable = true;
    out.msg = readMessage(r);
    return out.msg && out.msg->durable_id != 0 && r.atEnd();
}

std::string encodeSession(const Session& s) {
    std::string out;
    Writer w(out);
    w.u8(kSessionVersion);
    w.u64(s.id());
    w.bytes(s.clientId());
    w.bytes(s.username);
    w.u32(s.expiry_interval_s);
    w.u64(static_cast<uint64_t>(s.created_at_ms));
    // 0 while connected: a crash then counts the expiry from the restart.
    w.u64(s.connected() ? 0 : static_cast<uint64_t>(s.disconnected_at_ms));
    w.u32(static_cast<uint32_t>(s.subscriptions().size()));
    for (const auto& [filter, sub] : s.subscriptions()) {
        w.bytes(sub.filter);
        writeOptions(w, sub.options);
    }
    size_t inflight = 0;
    for (const InflightEntry& e : s.inflight()) inflight += e.journal_id == 0;
    w.u32(static_cast<uint32_t>(inflight));
    for (const InflightEntry& e : s.inflight()) {
        if (e.journal_id != 0) continue;
        w.u16(e.packet_id);
        w.u8(static_cast<uint8_t>(e.qos | (e.pubrec_received ? 4 : 0) | (e.msg ? 8 : 0)));
        writeOptions(w, e.options);
        if (e.msg) writeMessage(w, *e.msg);
    }
    size_t queued = 0;
    s.forEachQueued([&](const QueuedMessage& q) { queued += journalIdOf(q.msg, q.qos, q.options) == 0; });
    w.u32(static_cast<uint32_t>(queued));
    s.forEachQueued([&](const QueuedMessage& q) {
        if (journalIdOf(q.msg, q.qos, q.options) != 0) return;
        w.u8(q.qos);
        writeOptions(w, q.options);
        writeMessage(w, *q.msg);
    });
    std::vector<uint16_t> rel = s.awaitingRelIds();
    w.u32(static_cast<uint32_t>(rel.size()));
    for (uint16_t id : rel) w.u16(id);
    return out;
}

bool decodeSession(std::string_view data, StoredSession& out) {
    Reader r(data);
    uint8_t version;
    uint64_t created, disconnected;
    if (!r.u8(version) || (version != 1 && version != kSessionVersion) || (version >= 2 && !r.u64(out.id)) ||
        !r.bytes(out.client_id) || !r.bytes(out.username) || !r.u32(out.expiry_interval_s) || !r.u64(created) ||
        !r.u64(disconnected))
        return false;
    out.created_at_ms = static_cast<int64_t>(created);
    out.disconnected_at_ms = static_cast<int64_t>(disconnected);
    uint32_t n;
    if (!r.u32(n)) return false;
    for (uint32_t i = 0; i < n; ++i) {
        Subscription sub;
        if (!r.bytes(sub.filter) || !readOptions(r, sub.options)) return false;
        out.subscriptions.push_back(std::move(sub));
    }
    if (!r.u32(n)) return false;
    for (uint32_t i = 0; i < n; ++i) {
        InflightEntry e{};
        uint8_t flags;
        if (!r.u16(e.packet_id) || !r.u8(flags) || !readOptions(r, e.options)) return false;
        e.qos = flags & 3;
        e.pubrec_received = (flags & 4) != 0;
        if (e.qos == 0 || e.packet_id == 0) return false;
        if (flags & 8) {
            e.msg = readMessage(r);
            if (!e.msg) return false;
        } else if (!e.pubrec_received) {
            return false;  // only a QoS 2 message past PUBREC has no payload left
        }
        out.inflight.push_back(std::move(e));
    }
    if (!r.u32(n)) return false;
    for (uint32_t i = 0; i < n; ++i) {
        QueuedMessage q;
        if (!r.u8(q.qos) || q.qos > 2 || !readOptions(r, q.options)) return false;
        q.msg = readMessage(r);
        if (!q.msg) return false;
        out.mqueue.push_back(std::move(q));
    }
    if (!r.u32(n)) return false;
    for (uint32_t i = 0; i < n; ++i) {
        uint16_t id;
        if (!r.u16(id)) return false;
        out.awaiting_rel.push_back(id);
    }
    return r.atEnd();
}

}  // namespace emqx::storage
