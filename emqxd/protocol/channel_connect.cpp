// CONNECT, CONNACK, takeover and the session's life around a connection.
#include <random>

#include "common/clock/wall_clock.h"
#include "common/topic/topic.h"
#include "emqxd/auth/password_verifier.h"
#include "emqxd/auth/security.h"
#include "emqxd/license/license_gate.h"
#include "emqxd/protocol/channel.h"
#include "emqxd/protocol/channel_directory.h"
#include "emqxd/protocol/connection_port.h"
#include "emqxd/session/session.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/shard/session_manager.h"
#include "emqxd/storage/durable_store.h"

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

const Channel::Identity& Channel::identity() const {
    static const Identity none;
    return identity_ ? *identity_ : none;
}

void Channel::refuseConnect(ReasonCode code, ShutdownReason reason) {
    mqtt::Connack ack;
    ack.reason = code;
    ctx().hooks.run(hooks::ClientConnack{view(), ack});
    send(ack);
    runtime().metrics().add(Metric::PacketsConnackError);
    if (code == ReasonCode::BadUserNameOrPassword || code == ReasonCode::NotAuthorized)
        runtime().metrics().add(Metric::PacketsConnackAuthError);
    conn_.close(reason);
}

void Channel::handleMigratedConnect(mqtt::Connect connect, int hops, bool superuser) {
    superuser_ = superuser;
    onConnect(connect, hops);
}

void Channel::onConnect(mqtt::Connect& c, int hops) {
    const auto& cfg = ctx().cfg.mqtt;
    version_ = c.version;
    if (hops == 0) runtime().metrics().add(Metric::ClientConnect);
    if (hops == 0) takeIdentity(cfg, conn_, c);  // a migrated CONNECT already carries it
    if (hops == 0) ctx().hooks.run(hooks::ClientConnect{view(), c});
    if (auto refuse = license::gate(*ctx().license, ctx().connectionCount(), version_, hops))
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
    if (hops == 0 && ctx().security) {
        auto admission = ctx().security->admit(c, conn_.peer(), runtime().metrics(), wallClockMs());
        if (!admission.check) ctx().hooks.run(hooks::ClientAuthenticate{view(), c, !admission.refusal});
        if (admission.refusal) return refuseConnect(admission.refusal->code, admission.refusal->reason);
        if (admission.check) return checkPassword(c, std::move(*admission.check));
        superuser_ = admission.superuser;
    }
    admitted(c, hops);
}

// bcrypt / pbkdf2 take milliseconds to seconds: checked on libuv's threadpool
// so this worker's other clients go on. The completion runs on this thread and
// finds the connection by id, since it may have closed meanwhile (then the
// result is only counted, flapping detection included).
void Channel::checkPassword(mqtt::Connect& c, auth::PasswordCheck check) {
    checking_ = std::make_unique<mqtt::Connect>(std::move(c));
    BrokerShard& shard = shard_;
    bool superuser = check.superuser;
    runtime().local<auth::PasswordVerifier>().submit(
        std::move(check),
        [&shard, id = conn_.id(), client_id = checking_->client_id, peer = conn_.peer(), superuser](bool ok) {
            WorkerRuntime& rt = shard.runtime();
            auto refusal = shard.ctx().security->checked(ok, client_id, peer, rt.metrics(), wallClockMs());
            Channel* ch = rt.local<ChannelDirectory>().find(id);
            if (!ch) return;
            ch->onPasswordChecked(refusal ? &*refusal : nullptr, superuser);
        });
}

void Channel::onPasswordChecked(const auth::Refusal* refusal, bool superuser) {
    std::unique_ptr<mqtt::Connect> c = std::move(checking_);
    superuser_ = !refusal && superuser;
    ctx().hooks.run(hooks::ClientAuthenticate{view(), *c, refusal == nullptr});
    if (refusal) refuseConnect(refusal->code, refusal->reason);
    else admitted(*c, 0);
    conn_.connectDecided();  // parses what came meanwhile, or moves to the session's worker
}

void Channel::admitted(mqtt::Connect& c, int hops) {
    // The session of a client id lives on one worker: the CONNECT goes there,
    // or the session comes here (node.session_handover).
    std::string assigned;
    if (c.client_id.empty()) {
        assigned = assignedClientId();
        c.client_id = assigned;
    }
    SessionOwner owner = ctx().locator.claim(c.client_id, runtime().index());
    if (owner.worker == runtime().index()) return admittedAsOwner(c, std::move(assigned));
    if (hops >= 3) {
        // The owner changed under every move (sessions ending and starting
        // meanwhile). A session opened here would be a second one for the id:
        // the client retries instead.
        return refuseConnect(ReasonCode::ServerBusy, ShutdownReason::ServerBusy);
    }
    if (ctx().cfg.node.session_handover == "move_session") return requestSession(c, owner.worker, hops);
    migration_ = std::make_unique<Migration>(Migration{owner.worker, std::move(c), hops + 1, superuser_});
}

// Like a password check, the answer comes later on this thread and finds the
// connection by id, since it may have closed meanwhile.
void Channel::requestSession(mqtt::Connect& c, uint32_t owner, int hops) {
    awaiting_session_ = std::make_unique<mqtt::Connect>(std::move(c));
    WorkerRuntime& rt = runtime();
    shard_.sessions().requestHandOver(awaiting_session_->client_id, awaiting_session_->clean_start, owner,
                                      [&rt, id = conn_.id(), hops](HandOverOutcome outcome) {
                                          Channel* ch = rt.local<ChannelDirectory>().find(id);
                                          if (!ch) return false;
                                          ch->onHandOver(outcome, hops);
                                          return true;
                                      });
}

void Channel::onHandOver(HandOverOutcome outcome, int hops) {
    std::unique_ptr<mqtt::Connect> c = std::move(awaiting_session_);
    if (outcome == HandOverOutcome::Retry) admitted(*c, hops + 1);
    else admittedAsOwner(*c, {});
    conn_.connectDecided();  // parses what came meanwhile, or moves to the session's worker
}

void Channel::admittedAsOwner(mqtt::Connect& c, std::string assigned) {
    const auto& cfg = ctx().cfg.mqtt;
    if (!assigned.empty() && version_ != ProtocolVersion::V5) assigned.clear();  // only MQTT 5 is told
    if (!takeUsernameSlot(c)) {
        // Nothing of this client id lives here: do not keep its claim.
        if (!shard_.sessions().findByClientId(c.client_id)) ctx().locator.release(c.client_id, runtime().index());
        return refuseConnect(ReasonCode::QuotaExceeded, ShutdownReason::QuotaExceeded);  // 3.1.1: server unavailable
    }

    identity_ = std::make_unique<Identity>(Identity{c.client_id, c.username.value_or("")});
    clean_start_ = c.clean_start;
    keepalive_ = c.keepalive;
    client_keepalive_ = c.keepalive;
    if (c.will) will_ = std::make_unique<mqtt::Will>(std::move(*c.will));
    if (will_ && !authorize(authz::Action::Publish, will_->topic)) {
        // A will is a publish by this client. As in EMQX the CONNECT is not
        // refused; a will it may not publish is dropped now (and checked again
        // when sent, BrokerShard::publishWill, since rules and bans change).
        ctx().hooks.run(hooks::MessageDropped::willRefused(nullptr, clientId(), conn_.peer(), will_->topic,
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
    ctx().hooks.run(hooks::ClientConnected{shard_, view()});
    sendConnack(session_present_, assigned);
    runtime().metrics().add(Metric::ClientConnected);
    runtime().metrics().add(Metric::ClientConnack);
    autoSubscribe();
    shard_.sessions().changed(*session_);
    session_->attach(this, wallClockMs());
    scheduleCheck();
}

// Checked on the worker owning the client id's session, where a takeover is
// visible: a connection replacing one of the same username inherits its slot,
// so a reconnect is not refused because the old connection is not gone yet.
bool Channel::takeUsernameSlot(const mqtt::Connect& c) {
    UsernameQuota& quota = ctx().username_quota;
    if (!quota.limited() || !c.username || c.username->empty()) return true;
    if (Session* s = shard_.sessions().findByClientId(c.client_id)) {
        Channel* old = channelOf(*s);
        if (old && old->username_slot_ && old->username() == *c.username) {
            old->username_slot_ = false;
            username_slot_ = true;
            return true;
        }
    }
    username_slot_ = quota.tryAcquire(*c.username);
    return username_slot_;
}

void Channel::openSession(mqtt::Connect& c) {
    const auto& cfg = ctx().cfg.mqtt;
    uint32_t expiry = version_ == ProtocolVersion::V5 ? c.props.session_expiry_interval.value_or(0)
                      : clean_start_                  ? 0
                                                      : static_cast<uint32_t>(cfg.session_expiry_interval / 1000);
    OpenedSession opened = shard_.sessions().open(SessionRequest{clientId(), username(), clean_start_, expiry});
    session_ = &opened.session;
    identity_.reset();  // the session's from now on
    session_present_ = opened.present;
    state_ = State::Connected;
}

void Channel::takeOver(bool discard) {
    taken_over_ = true;
    conn_.close(discard ? ShutdownReason::Discarded : ShutdownReason::Takenover);
}

void Channel::sendConnack(bool session_present, const std::string& assigned_id) {
    const auto& cfg = ctx().cfg.mqtt;
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
    ctx().hooks.run(hooks::ClientConnack{view(), ack});
    send(ack);
}

void Channel::autoSubscribe() {
    const auto& topics = ctx().cfg.auto_subscribe_topics;
    if (topics.empty()) return;
    mqtt::Subscribe sub;
    for (const auto& t : topics) {
        std::string filter = t.topic;
        auto replace = [&](std::string_view placeholder, const std::string& value) {
            for (size_t pos; (pos = filter.find(placeholder)) != std::string::npos;)
                filter.replace(pos, placeholder.size(), value);
        };
        replace("${clientid}", clientId());
        replace("${username}", username());
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
    auto m = Message::make(will_->topic, will_->payload, clientId());
    m->qos = will_->qos;
    m->retain = will_->retain;
    m->publisher_session = session_ ? session_->id() : 0;
    m->received_at_ms = wallClockMs();
    // Journaled for the persistent sessions it reaches, as a client's PUBLISH is.
    if (storage::DurableStore* d = ctx().durable.get()) m->durable_id = d->idForNewMessage(m->qos);
    mqtt::Properties props = std::move(will_->props);
    props.will_delay_interval.reset();
    if (!(props == mqtt::Properties{})) m->props = std::make_unique<mqtt::Properties>(std::move(props));
    will_.reset();
    return m;
}

void Channel::releaseSession() {
    if (!session_) return;
    Session& s = *session_;
    identity_ = std::make_unique<Identity>(Identity{s.clientId(), s.username});
    session_ = nullptr;
    bool send_will = will_ && (!normal_disconnect_ || disconnect_with_will_);
    uint32_t will_delay = send_will ? will_->props.will_delay_interval.value_or(0) : 0;
    MessagePtr will = send_will ? willMessage() : nullptr;
    will_.reset();
    shard_.sessions().release(
        s, ReleasedSession{std::move(will), will_delay, username(), conn_.peer(), taken_over_, superuser_});
}

}  // namespace emqx
