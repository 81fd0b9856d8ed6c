#include "emqxd/protocol/channel.h"

#include <algorithm>

#include "common/clock/wall_clock.h"
#include "emqxd/protocol/connection_port.h"
#include "emqxd/session/session.h"

namespace emqx {

using mqtt::PacketType;
using mqtt::ProtocolVersion;
using mqtt::ReasonCode;

Channel::Channel(ConnectionPort& conn, BrokerShard& shard)
    : conn_(conn), shard_(shard), created_ms_(runtime().nowMs()) {}

int64_t Channel::connectedAtMs() const { return conn_.connectedAtMs(); }

const std::string& Channel::listenerBind() const { return conn_.listenerConfig().bind; }

int64_t Channel::expiryIntervalMs() const {
    return session_ ? static_cast<int64_t>(session_->expiry_interval_s) * 1000 : 0;
}

uint32_t Channel::maxIncomingPacketSize() const {
    EMQX_ASSERT_OWNER(runtime().owner());
    return static_cast<uint32_t>(std::min<uint64_t>(ctx().cfg.mqtt.max_packet_size, 268435460u));
}

std::optional<Channel::Migration> Channel::takeMigration() {
    EMQX_ASSERT_OWNER(runtime().owner());
    if (!migration_) return std::nullopt;
    std::optional<Migration> m(std::move(*migration_));
    migration_.reset();
    return m;
}

void Channel::handle(mqtt::Packet& packet) {
    EMQX_ASSERT_OWNER(runtime().owner());
    if (state_ == State::Closed) return;
    ctx().hooks.run(hooks::PacketReceived{view(), packet});
    if (state_ == State::AwaitingConnect) {
        if (auto* c = std::get_if<mqtt::Connect>(&packet)) {
            runtime().metrics().add(Metric::PacketsConnectReceived);
            onConnect(*c, 0);
        } else {
            conn_.close(ShutdownReason::UnexpectedPacket);
        }
        return;
    }
    std::visit(
        [&](auto& p) {
            using T = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<T, mqtt::Connect>) {
                disconnect(ReasonCode::ProtocolError, ShutdownReason::ProtoUnexpectedC);
            } else if constexpr (std::is_same_v<T, mqtt::Publish>) {
                onPublish(p);
            } else if constexpr (std::is_same_v<T, mqtt::PubResponse>) {
                onPubResponse(p);
            } else if constexpr (std::is_same_v<T, mqtt::Subscribe>) {
                onSubscribe(p);
            } else if constexpr (std::is_same_v<T, mqtt::Unsubscribe>) {
                onUnsubscribe(p);
            } else if constexpr (std::is_same_v<T, mqtt::Pingreq>) {
                runtime().metrics().add(Metric::PacketsPingreqReceived);
                send(mqtt::Pingresp{});
            } else if constexpr (std::is_same_v<T, mqtt::Disconnect>) {
                onDisconnect(p);
            } else if constexpr (std::is_same_v<T, mqtt::Auth>) {
                runtime().metrics().add(Metric::PacketsAuthReceived);
                disconnect(ReasonCode::ProtocolError, ShutdownReason::ProtocolError);
            } else {
                // CONNACK, SUBACK, UNSUBACK, PINGRESP are for clients only.
                disconnect(ReasonCode::ProtocolError, ShutdownReason::UnexpectedPacket);
            }
        },
        packet);
}

void Channel::protocolError(const mqtt::ProtocolError& err) {
    EMQX_ASSERT_OWNER(runtime().owner());
    ShutdownReason reason = err.shutdown_reason;
    runtime().logProtocolError({"frame_parse_error", clientId(), conn_.peer(), shutdownReasonName(reason), err.detail});
    if (state_ == State::AwaitingConnect) {
        // A CONNECT that could not be decoded: answer with a CONNACK of the
        // version it announced when that is known, as EMQX does.
        if (err.protocol_level == 5) {
            version_ = ProtocolVersion::V5;
            refuseConnect(err.code, reason);
        } else if (err.protocol_level == 3 || err.protocol_level == 4 ||
                   err.code == ReasonCode::UnsupportedProtocolVersion) {
            version_ = ProtocolVersion::V311;
            refuseConnect(err.code, reason);
        } else {
            conn_.close(reason);
        }
        return;
    }
    disconnect(err.code, reason);
}

void Channel::disconnect(ReasonCode code, ShutdownReason reason) {
    if (state_ == State::Connected && version_ == ProtocolVersion::V5) {
        mqtt::Disconnect d;
        d.reason = code;
        send(d);
    }
    conn_.close(reason);
}

void Channel::send(const mqtt::Packet& p) {
    ctx().hooks.run(hooks::PacketSent{view(), p});
    std::string& bytes = runtime().encodeScratch();
    bytes.clear();
    mqtt::encodePacket(version_, p, bytes);
    conn_.output().append(bytes);
    countSent(mqtt::packetType(p));
    conn_.wantFlush();
}

void Channel::countSent(PacketType type) {
    Metrics& m = runtime().metrics();
    m.add(Metric::PacketsSent);
    switch (type) {
        case PacketType::Connack: m.add(Metric::PacketsConnackSent); break;
        case PacketType::Publish: m.add(Metric::PacketsPublishSent); break;
        case PacketType::Puback: m.add(Metric::PacketsPubackSent); break;
        case PacketType::Pubrec: m.add(Metric::PacketsPubrecSent); break;
        case PacketType::Pubrel: m.add(Metric::PacketsPubrelSent); break;
        case PacketType::Pubcomp: m.add(Metric::PacketsPubcompSent); break;
        case PacketType::Suback: m.add(Metric::PacketsSubackSent); break;
        case PacketType::Unsuback: m.add(Metric::PacketsUnsubackSent); break;
        case PacketType::Pingresp: m.add(Metric::PacketsPingrespSent); break;
        case PacketType::Disconnect: m.add(Metric::PacketsDisconnectSent); break;
        default: break;
    }
}

bool Channel::outputFull() const {
    EMQX_ASSERT_OWNER(runtime().owner());
    // Bounded per-connection output: beyond it QoS 0 is dropped and QoS 1/2
    // waits in the session, so a slow consumer never grows broker memory.
    constexpr size_t kMaxPendingOutput = 4 * 1024 * 1024;
    return conn_.pendingBytes() >= std::max<size_t>(kMaxPendingOutput, ctx().cfg.mqtt.max_packet_size * 2);
}

void Channel::onOutputDrained() {
    EMQX_ASSERT_OWNER(runtime().owner());
    if (session_ && state_ == State::Connected) session_->onOutputDrained(runtime().loopWallMs());
}

void Channel::onDisconnect(const mqtt::Disconnect& d) {
    runtime().metrics().add(Metric::PacketsDisconnectReceived);
    if (version_ == ProtocolVersion::V5 && d.props.session_expiry_interval && session_) {
        // Spec 3.14.2.2.2: 0 at CONNECT cannot become non-zero at DISCONNECT.
        if (session_->expiry_interval_s == 0 && *d.props.session_expiry_interval != 0) {
            disconnect(ReasonCode::ProtocolError, ShutdownReason::ProtocolError);
            return;
        }
        session_->expiry_interval_s = *d.props.session_expiry_interval;
    }
    disconnect_with_will_ = d.reason == ReasonCode::DisconnectWithWill;
    normal_disconnect_ = true;
    conn_.close(ShutdownReason::Normal);
}

void Channel::onClose(ShutdownReason reason) {
    EMQX_ASSERT_OWNER(runtime().owner());
    if (username_slot_) {
        username_slot_ = false;
        ctx().username_quota.release(username());
    }
    if (state_ != State::Connected) {
        state_ = State::Closed;
        return;
    }
    if (auto code = disconnectCodeFor(reason); code && version_ == ProtocolVersion::V5 && !normal_disconnect_ &&
                                               reason != ShutdownReason::Closed && reason != ShutdownReason::Einval &&
                                               reason != ShutdownReason::Etimedout) {
        // Reasons raised by disconnect() already queued their DISCONNECT;
        // the ones decided elsewhere (takeover, kick, shutdown, keepalive) get it here.
        if (reason == ShutdownReason::Takenover || reason == ShutdownReason::Discarded ||
            reason == ShutdownReason::Kicked || reason == ShutdownReason::Shutdown ||
            reason == ShutdownReason::KeepaliveTimeout) {
            mqtt::Disconnect d;
            d.reason = *code;
            send(d);
        }
    }
    state_ = State::Closed;
    runtime().metrics().add(Metric::ClientDisconnected);
    ctx().hooks.run(hooks::ClientDisconnected{shard_, view(), reason});
    releaseSession();
}

Channel* channelOf(Session& s) { return dynamic_cast<Channel*>(s.sink()); }

int64_t Channel::onDeadline(int64_t now_ms) {
    EMQX_ASSERT_OWNER(runtime().owner());
    const auto& mqtt_cfg = ctx().cfg.mqtt;
    if (conn_.closing()) {
        conn_.forceClose();
        return -1;
    }
    // send_timeout_close = false keeps a peer that stopped reading: its output
    // stays bounded (outputFull: QoS 0 dropped, QoS 1/2 wait in the session).
    if (conn_.sendTimedOut(now_ms) && conn_.listenerConfig().tcp_options.send_timeout_close) {
        std::string detail = "send timeout: a write did not complete in " +
                             std::to_string(conn_.listenerConfig().tcp_options.send_timeout) + " ms";
        runtime().logProtocolError(
            {"socket_error", clientId(), conn_.peer(), shutdownReasonName(ShutdownReason::Etimedout), detail});
        conn_.forceClose();
        return -1;
    }
    int64_t next = -1;
    auto consider = [&](int64_t t) {
        if (t >= 0 && (next < 0 || t < next)) next = t;
    };
    // Reading paused by messages_rate / bytes_rate: resume then, and do not
    // call the client idle meanwhile (it is us who stopped reading).
    const bool paused = conn_.readPausedUntilMs() >= 0;
    consider(conn_.readPausedUntilMs());
    if (state_ == State::AwaitingConnect) {
        // While its password is checked the client waits for us, not we for it.
        if (paused || checking_) return next;
        int64_t due = created_ms_ + mqtt_cfg.idle_timeout;
        if (now_ms >= due) {
            conn_.close(ShutdownReason::IdleTimeout);
            return -1;
        }
        return due;
    }
    if (keepalive_ > 0 && !paused) {
        int64_t due = conn_.lastReceivedMs() + static_cast<int64_t>(keepalive_ * 1000 * mqtt_cfg.keepalive_multiplier);
        if (now_ms >= due) {
            conn_.close(ShutdownReason::KeepaliveTimeout);
            return -1;
        }
        consider(due);
    }
    if (session_) {
        int64_t wall = wallClockMs();
        int64_t retry = session_->retryDue(wall);
        if (retry >= 0) consider(now_ms + (retry - wall));
        size_t expired = session_->expireAwaitingRel(wall);
        if (expired) {
            runtime().metrics().add(Metric::MessagesDroppedAwaitPubrelTimeout, expired);
            runtime().metrics().add(Metric::MessagesDropped, expired);
        }
        int64_t rel = session_->nextAwaitRelExpiry();
        if (rel >= 0) consider(now_ms + (rel - wall));
    }
    if (conn_.pendingBytes() > 0) consider(now_ms + conn_.listenerConfig().tcp_options.send_timeout);
    return next;
}

void Channel::setKeepalive(uint16_t seconds) {
    EMQX_ASSERT_OWNER(runtime().owner());
    keepalive_ = seconds;
    scheduleCheck();  // a shorter keepalive may be due sooner than what is scheduled
}

void Channel::scheduleCheck() {
    int64_t next = onDeadline(runtime().nowMs());
    runtime().schedule(DeadlineKind::Connection, conn_.id(), conn_.deadline_slot, next);
}

}  // namespace emqx

namespace emqx {

void Channel::checkNoLaterThan(int64_t at_ms) {
    EMQX_ASSERT_OWNER(runtime().owner());
    if (conn_.deadline_slot.scheduled() && conn_.deadline_slot.at() <= at_ms) return;
    runtime().schedule(DeadlineKind::Connection, conn_.id(), conn_.deadline_slot, at_ms);
}

}  // namespace emqx
