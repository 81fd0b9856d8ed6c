// CONNECT, CONNACK, takeover and the session's life around a connection.
#include <random>

#include "common/clock/wall_clock.h"
#include "common/topic/topic.h"
#include "emqxd/auth/password_verifier.h"
#include "emqxd/auth/security.h"
#include "emqxd/license/license_gate.h"
#include "emqxd/net/connection.h"
#include "emqxd/protocol/channel.h"
#include "emqxd/session/session.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/worker/worker.h"

namespace emqx {

using mqtt::ProtocolVersion;
using mqtt::ReasonCode;

namespace {

std::string assignedClientId() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id = "emqx_";
    uint64_t r = rng();
    for (int i = 0; i < 16; ++i, r >>= 4) id.push_back(kHex[r & 15]);
    return id;
}

// mqtt.peer_cert_as_username / peer_cert_as_clientid (EMQX's set_peercert_infos):
// the client certificate's field replaces what the CONNECT says, before the
// client id checks, bans and authentication, so the authenticators, the ACL and
// `${username}` / `${clientid}` all see it. Without a client certificate (or
// without the field, e.g. no CN) the client's own values stay, as in EMQX.
// Then mqtt.use_username_as_clientid, as EMQX's enrich_client does.
void takeIdentity(const config::MqttConfig& cfg, const ConnectionPort& conn, mqtt::Connect& c) {
    if (PeerCertField f = parsePeerCertField(cfg.peer_cert_as_username); f != PeerCertField::Disabled)
        if (auto v = conn.peerCertField(f)) c.username = std::move(*v);
    if (PeerCertField f = parsePeerCertField(cfg.peer_cert_as_clientid); f != PeerCertField::Disabled)
        if (auto v = conn.peerCertField(f)) c.client_id = std::move(*v);
    if (cfg.use_username_as_clientid && c.username && !c.username->empty()) c.client_id = *c.username;
}

}  // namespace

const std::string& Channel::peer() const { return conn_.peer(); }

void Channel::refuseConnect(ReasonCode code, ShutdownReason reason) {
    mqtt::Connack ack;
    ack.reason = code;
    worker_.ctx().hooks.run(hooks::ClientConnack{*this, ack});
    send(ack);
    worker_.metrics().add(Metric::PacketsConnackError);
    if (code == ReasonCode::BadUserNameOrPassword || code == ReasonCode::NotAuthorized)
        worker_.metrics().add(Metric::PacketsConnackAuthError);
    conn_.close(reason);
}

void Channel::handleMigratedConnect(mqtt::Connect connect, int hops) { onConnect(connect, hops); }

void Channel::onConnect(mqtt::Connect& c, int hops) {
    const auto& cfg = worker_.ctx().cfg.mqtt;
    version_ = c.version;
    if (hops == 0) worker_.metrics().add(Metric::ClientConnect);
    if (hops == 0) takeIdentity(cfg, conn_, c);  // a migrated CONNECT already carries it
    if (hops == 0) worker_.ctx().hooks.run(hooks::ClientConnect{*this, c});
    if (auto refuse = license::gate(worker_.ctx(), version_, hops))
        return refuseConnect(*refuse, ShutdownReason::QuotaExceeded);

    if (c.client_id.empty()) {
        if (!c.clean_start || version_ == ProtocolVersion::V31) {
            refuseConnect(ReasonCode::ClientIdentifierNotValid, ShutdownReason::ClientIdentifierNotValid);
            return;
        }
    } else if (c.client_id.size() > cfg.max_clientid_len) {
        refuseConnect(ReasonCode::ClientIdentifierNotValid, ShutdownReason::ClientIdentifierNotValid);
        return;
    }
    if (c.will) {
        if (!topic::isValidTopicName(c.will->topic, cfg.max_topic_levels)) {
            refuseConnect(ReasonCode::TopicNameInvalid, ShutdownReason::InvalidTopic);
            return;
        }
        // As for a PUBLISH; the will could never be sent.
        if (c.will->props.response_topic && !topic::isValidTopicName(*c.will->props.response_topic)) {
            refuseConnect(ReasonCode::ProtocolError, ShutdownReason::ProtocolError);
            return;
        }
        if (c.will->qos > cfg.max_qos_allowed) {
            refuseConnect(ReasonCode::QoSNotSupported, ShutdownReason::ProtocolError);
            return;
        }
        if (c.will->retain && !cfg.retain_available) {
            refuseConnect(ReasonCode::RetainNotSupported, ShutdownReason::ProtocolError);
            return;
        }
    }

    // Banned, then the authentication chain (docs/security.md); once, before any migration.
    if (hops == 0 && worker_.ctx().security) {
        auto admission = worker_.ctx().security->admit(c, conn_.peer(), worker_.metrics(), wallClockMs());
        if (!admission.check) worker_.ctx().hooks.run(hooks::ClientAuthenticate{*this, c, !admission.refusal});
        if (admission.refusal) return refuseConnect(admission.refusal->code, admission.refusal->reason);
        if (admission.check) return checkPassword(c, std::move(*admission.check));
    }
    admitted(c, hops);
}

// bcrypt / pbkdf2 take milliseconds to seconds: checked on libuv's threadpool
// so this worker's other clients go on. The completion runs on this thread and
// finds the connection by id, since it may have closed meanwhile (then the
// result is only counted, flapping detection included).
void Channel::checkPassword(mqtt::Connect& c, auth::PasswordCheck check) {
    checking_ = std::make_unique<mqtt::Connect>(std::move(c));
    Worker& w = worker_;
    w.passwordVerifier().submit(
        std::move(check), [&w, id = conn_.id(), client_id = checking_->client_id, peer = conn_.peer()](bool ok) {
            auto refusal = w.ctx().security->checked(ok, client_id, peer, w.metrics(), wallClockMs());
            Connection* conn = w.findConnection(id);
            if (!conn || conn->closing()) return;
            conn->channel().onPasswordChecked(refusal ? &*refusal : nullptr);
        });
}

void Channel::onPasswordChecked(const auth::Refusal* refusal) {
    std::unique_ptr<mqtt::Connect> c = std::move(checking_);
    worker_.ctx().hooks.run(hooks::ClientAuthenticate{*this, *c, refusal == nullptr});
    if (refusal) refuseConnect(refusal->code, refusal->reason);
    else admitted(*c, 0);
    conn_.connectDecided();  // parses what came meanwhile, or moves to the session's worker
}

void Channel::admitted(mqtt::Connect& c, int hops) {
    const auto& cfg = worker_.ctx().cfg.mqtt;
    // The session of a client id lives on one worker: go there first.
    std::string assigned;
    if (c.client_id.empty()) {
        assigned = assignedClientId();
        c.client_id = assigned;
    }
    uint32_t owner = worker_.ctx().registry.claim(c.client_id, worker_.index());
    if (owner != worker_.index()) {
        if (hops < 3) {
            migration_ = std::make_unique<Migration>(Migration{owner, std::move(c), hops + 1});
            return;
        }
        // The owner changed under every move (sessions ending and starting
        // meanwhile). A session opened here would be a second one for the id:
        // the client retries instead.
        return refuseConnect(ReasonCode::ServerBusy, ShutdownReason::ServerBusy);
    }
    if (!assigned.empty() && version_ != ProtocolVersion::V5) assigned.clear();  // only MQTT 5 is told
    if (!takeUsernameSlot(c)) {
        // Nothing of this client id lives here: do not keep its registry claim.
        if (!worker_.shard().findSessionByClientId(c.client_id))
            worker_.ctx().registry.release(c.client_id, worker_.index());
        return refuseConnect(ReasonCode::QuotaExceeded, ShutdownReason::QuotaExceeded);  // 3.1.1: server unavailable
    }

    client_id_ = c.client_id;
    username_ = c.username.value_or("");
    clean_start_ = c.clean_start;
    keepalive_ = c.keepalive;
    client_keepalive_ = c.keepalive;
    if (c.will) will_ = std::make_unique<mqtt::Will>(std::move(*c.will));
    if (will_ && !authorize(authz::Action::Publish, will_->topic)) {
        // A will is a publish by this client. As in EMQX the CONNECT is not
        // refused; a will it may not publish is dropped now (and checked again
        // when sent, Worker::publishWill, since rules and bans change).
        worker_.ctx().hooks.run(hooks::MessageDropped::willRefused(nullptr, client_id_, conn_.peer(), will_->topic,
                                                                   "not authorized at CONNECT"));
        will_.reset();
    }
    if (version_ == ProtocolVersion::V5) {
        client_receive_maximum_ = c.props.receive_maximum.value_or(65535);
        client_max_packet_size_ = c.props.maximum_packet_size.value_or(0);
        client_topic_alias_max_ = c.props.topic_alias_maximum.value_or(0);
        request_problem_info_ = c.props.request_problem_information.value_or(1) != 0;
        // server_keepalive caps what a client may ask for (0 asks for the server's).
        if (cfg.server_keepalive > 0 && (keepalive_ == 0 || keepalive_ > cfg.server_keepalive))
            keepalive_ = static_cast<uint16_t>(cfg.server_keepalive);
    }
    openSession(c);
    worker_.ctx().hooks.run(hooks::ClientConnected{worker_, *this});
    sendConnack(session_present_, assigned);
    worker_.metrics().add(Metric::ClientConnected);
    worker_.metrics().add(Metric::ClientConnack);
    autoSubscribe();
    worker_.shard().sessionChanged(*session_);
    session_->attach(this, wallClockMs());
    scheduleCheck();
}

// Checked on the worker owning the client id's session, where a takeover is
// visible: a connection replacing one of the same username inherits its slot,
// so a reconnect is not refused because the old connection is not gone yet.
bool Channel::takeUsernameSlot(const mqtt::Connect& c) {
    UsernameQuota& quota = worker_.ctx().username_quota;
    if (!quota.limited() || !c.username || c.username->empty()) return true;
    if (Session* s = worker_.shard().findSessionByClientId(c.client_id)) {
        Channel* old = worker_.channelOf(s->id());
        if (old && old->username_slot_ && old->username_ == *c.username) {
            old->username_slot_ = false;
            username_slot_ = true;
            return true;
        }
    }
    username_slot_ = quota.tryAcquire(*c.username);
    return username_slot_;
}

void Channel::openSession(mqtt::Connect& c) {
    Session* existing = worker_.shard().findSessionByClientId(client_id_);
    if (existing) {
        if (Channel* old = worker_.channelOf(existing->id())) {
            old->markTakenOver();
            old->connection().close(clean_start_ ? ShutdownReason::Discarded : ShutdownReason::Takenover);
            worker_.metrics().add(Metric::SessionTakenover);
        }
    }
    session_present_ = existing && !clean_start_;
    if (session_present_) {
        session_ = existing;
        session_->pending_will.reset();  // resumed in time: a delayed will is not sent
        worker_.schedule(DeadlineKind::Session, session_->id(), session_->deadline_slot, DeadlineQueue::kNone);
        worker_.metrics().add(Metric::SessionResumed);
    } else {
        session_ = &worker_.shard().createSession(client_id_);
        worker_.metrics().add(Metric::SessionCreated);
        if (existing) {
            // Ended after the new session exists, so the client id stays this
            // worker's throughout (Worker::endSession); its pending will goes out.
            worker_.metrics().add(Metric::SessionDiscarded);
            worker_.shard().endSession(*existing);
        }
    }
    const auto& cfg = worker_.ctx().cfg.mqtt;
    if (version_ == ProtocolVersion::V5) {
        session_->expiry_interval_s = c.props.session_expiry_interval.value_or(0);
    } else {
        session_->expiry_interval_s = clean_start_ ? 0 : static_cast<uint32_t>(cfg.session_expiry_interval / 1000);
    }
    session_->username = username_;
    worker_.setChannelOf(session_->id(), this);
    worker_.ctx().router.setOnline(session_->id(), true);
    state_ = State::Connected;
}

void Channel::sendConnack(bool session_present, const std::string& assigned_id) {
    const auto& cfg = worker_.ctx().cfg.mqtt;
    mqtt::Connack ack;
    ack.session_present = session_present;
    if (version_ == ProtocolVersion::V5) {
        auto& p = ack.props;
        p.maximum_packet_size = static_cast<uint32_t>(maxIncomingPacketSize());
        p.retain_available = cfg.retain_available ? 1 : 0;
        p.wildcard_subscription_available = cfg.wildcard_subscription ? 1 : 0;
        p.subscription_identifier_available = 1;
        p.shared_subscription_available = cfg.shared_subscription ? 1 : 0;
        p.topic_alias_maximum = static_cast<uint16_t>(cfg.max_topic_alias);
        p.receive_maximum =
            static_cast<uint16_t>(std::min<unsigned>(cfg.max_awaiting_rel ? cfg.max_awaiting_rel : 65535, 65535));
        if (cfg.max_qos_allowed < 2) p.maximum_qos = static_cast<uint8_t>(cfg.max_qos_allowed);
        if (keepalive_ != client_keepalive_) p.server_keep_alive = keepalive_;
        if (!assigned_id.empty()) p.assigned_client_identifier = assigned_id;
    }
    worker_.ctx().hooks.run(hooks::ClientConnack{*this, ack});
    send(ack);
}

void Channel::autoSubscribe() {
    const auto& topics = worker_.ctx().cfg.auto_subscribe_topics;
    if (topics.empty()) return;
    mqtt::Subscribe sub;
    for (const auto& t : topics) {
        std::string filter = t.topic;
        auto replace = [&](std::string_view placeholder, const std::string& value) {
            for (size_t pos; (pos = filter.find(placeholder)) != std::string::npos;)
                filter.replace(pos, placeholder.size(), value);
        };
        replace("${clientid}", client_id_);
        replace("${username}", username_);
        mqtt::SubscriptionRequest r;
        r.filter = std::move(filter);
        r.qos = static_cast<uint8_t>(t.qos);
        r.retain_handling = static_cast<uint8_t>(t.rh);
        r.retain_as_published = t.rap;
        r.no_local = t.nl;
        sub.subscriptions.push_back(std::move(r));
    }
    std::vector<bool> retain_skip;
    std::vector<ReasonCode> reasons = subscribeAll(sub, false, retain_skip);
    deliverRetainedAfterSubscribe(sub, reasons, retain_skip);
}

MessagePtr Channel::willMessage() {
    auto m = Message::make(will_->topic, will_->payload, client_id_);
    m->qos = will_->qos;
    m->retain = will_->retain;
    m->publisher_session = session_ ? session_->id() : 0;
    m->received_at_ms = wallClockMs();
    mqtt::Properties props = std::move(will_->props);
    props.will_delay_interval.reset();
    if (!(props == mqtt::Properties{})) m->props = std::make_unique<mqtt::Properties>(std::move(props));
    will_.reset();
    return m;
}

void Channel::releaseSession() {
    if (!session_) return;
    Session& s = *session_;
    session_ = nullptr;
    s.detach();
    worker_.setChannelOf(s.id(), nullptr);
    worker_.ctx().router.setOnline(s.id(), false);
    int64_t now = wallClockMs();
    s.disconnected_at_ms = now;
    bool send_will = will_ && (!normal_disconnect_ || disconnect_with_will_);
    uint32_t will_delay = send_will ? will_->props.will_delay_interval.value_or(0) : 0;
    MessagePtr will = send_will ? willMessage() : nullptr;
    will_.reset();
    if (will && (will_delay == 0 || s.expiry_interval_s == 0)) {
        worker_.shard().publishWill(will, username_, conn_.peer());
        will.reset();
    }
    if (will)
        s.pending_will = std::make_unique<Session::PendingWill>(
            Session::PendingWill{std::move(will), conn_.peer(), now + static_cast<int64_t>(will_delay) * 1000});
    if (taken_over_) return;  // the new connection decides the session's fate
    if (s.expiry_interval_s == 0) {
        worker_.shard().endSession(s);
        return;
    }
    worker_.shard().scheduleSession(s);
}

}  // namespace emqx
