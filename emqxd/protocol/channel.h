#pragma once
// The MQTT protocol state of one connection (EMQX's "channel"): CONNECT and
// session takeover, PUBLISH in with its acknowledgements, SUBSCRIBE and
// UNSUBSCRIBE, keepalive, topic aliases both ways, the will, and delivery to
// the client for the session. Every protocol error ends in protocolError(),
// the one place that picks CONNACK, DISCONNECT or a silent close.
// Owner: the worker thread of its connection.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/mqtt/codec.h"
#include "common/mqtt/packet.h"
#include "common/mqtt/shutdown_reason.h"
#include "common/topic/topic_trie.h"
#include "emqxd/authz/authz_cache.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/hooks/client_view.h"
#include "emqxd/message/message.h"
#include "emqxd/router/route_memo.h"
#include "emqxd/session/delivery_sink.h"
#include "emqxd/session/session_store.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/storage/durable_writes.h"

namespace emqx {

class ConnectionPort;
class Session;
namespace auth {
struct PasswordCheck;
struct Refusal;
}  // namespace auth

class Channel final : public DeliverySink {
public:
    Channel(ConnectionPort& conn, BrokerShard& shard);

    enum class State : uint8_t { AwaitingConnect, Connected, Closed };
    State state() const { return state_; }
    mqtt::ProtocolVersion version() const { return version_; }
    uint32_t maxIncomingPacketSize() const;

    void handle(mqtt::Packet& packet);
    // A CONNECT handed over by another worker (the session lives here),
    // admitted there, as a superuser or not.
    void handleMigratedConnect(mqtt::Connect connect, int hops, bool superuser);
    void protocolError(const mqtt::ProtocolError& err);
    // The connection is closing for `reason` (queues a DISCONNECT for MQTT 5
    // where one is due; detaches the session; arranges the will).
    void onClose(ShutdownReason reason);
    void onOutputDrained();
    // The earliest time this channel must be looked at again (keepalive, idle
    // timeout, retry, await-rel expiry, send timeout); -1 for none.
    int64_t onDeadline(int64_t now_ms);

    // Set when CONNECT found the session on another worker.
    struct Migration {
        uint32_t owner;
        mqtt::Connect connect;
        int hops;
        bool superuser;
    };
    std::optional<Migration> takeMigration();
    // Bytes read now stay buffered while a CONNECT waits: for its password
    // check (off this thread), for its session from another worker, or for its
    // move to another worker (MQTT lets a client send packets before CONNACK).
    bool holdsInput() const { return checking_ || awaiting_session_ || migration_; }

    // DeliverySink
    SendResult sendPublish(const MessagePtr& msg, uint8_t qos, uint16_t packet_id, bool dup,
                           const SubscriptionOptions& options) override;
    void sendPubrel(uint16_t packet_id) override;
    void sendPubrelNotFound(uint16_t packet_id);
    // The PUBACK/PUBREC of a publish whose durable write was refused or failed
    // (a full disk): MQTT 5 gets `reason` (and a QoS 2 exchange ends), 3.1.1
    // gets no acknowledgement, so its client publishes it again.
    void ackNotStored(mqtt::PubResponse ack, mqtt::ReasonCode reason);
    uint16_t clientReceiveMaximum() const override { return client_receive_maximum_; }
    bool outputFull() const override;
    void takeOver(bool discard) override;

    // Who the client is: for hook subscribers (through view()), `emqxctl clients` and $SYS events.
    // Empty until the CONNECT is admitted.
    const std::string& clientId() const { return session_ ? session_->clientId() : identity().client_id; }
    const std::string& username() const { return session_ ? session_->username : identity().username; }
    uint16_t keepalive() const { return keepalive_; }
    // The keepalive an administrator sets (PUT clients/:clientid/keepalive), 0: none.
    void setKeepalive(uint16_t seconds);
    bool cleanStart() const { return clean_start_; }
    const std::string& peer() const override;
    mqtt::ProtocolVersion protoVer() const { return version_; }
    int64_t connectedAtMs() const;
    const std::string& listenerBind() const;
    int64_t expiryIntervalMs() const;

    hooks::ClientView view() const { return hooks::ClientView::of(*this); }

    Session* session() const { return session_; }
    const ConnectionPort& connection() const { return conn_; }
    ConnectionPort& connection() { return conn_; }

    // Makes sure the next check happens no later than `at_ms` (monotonic).
    void checkNoLaterThan(int64_t at_ms);
    // `emqxctl authz cache-clean`: forget this client's cached authorization results.
    void clearAuthzCache() { authz_cache_.reset(); }
    // Null until the first cached check (or after a clean).
    const authz::Cache* authzCache() const { return authz_cache_.get(); }

private:
    void onConnect(mqtt::Connect& c, int hops);
    // The rest of CONNECT once banned and authentication let it in.
    void admitted(mqtt::Connect& c, int hops);
    void checkPassword(mqtt::Connect& c, auth::PasswordCheck check);
    // On this thread, with the connection still open; null: admitted.
    void onPasswordChecked(const auth::Refusal* refusal, bool superuser);
    // The rest of CONNECT on the worker owning the client id.
    void admittedAsOwner(mqtt::Connect& c, std::string assigned);
    // Asks `owner` for the client id's session (node.session_handover = move_session).
    void requestSession(mqtt::Connect& c, uint32_t owner, int hops);
    void onHandOver(HandOverOutcome outcome, int hops);
    void openSession(mqtt::Connect& c);
    void refuseConnect(mqtt::ReasonCode code, ShutdownReason reason);
    void sendConnack(bool session_present, const std::string& assigned_id);
    void onPublish(mqtt::Publish& p);
    // A PUBLISH the broker does not take: counted, DISCONNECT (MQTT 5), close.
    void refusePublish(mqtt::ReasonCode code, ShutdownReason reason);
    // Sends a publish's PUBACK/PUBREC at once in the common case, or once the
    // acks before it and the durable writes it depends on are settled.
    void acknowledge(const mqtt::PubResponse& ack, const DurableWrites& writes);
    void answerPublish(const mqtt::PubResponse& ack, bool stored, mqtt::ReasonCode not_stored);
    void onPubResponse(const mqtt::PubResponse& r);
    void onSubscribe(const mqtt::Subscribe& s);
    // Subscribes each request; returns one reason code per request.
    // `retain_skip`: per request, whether its retained messages are not delivered.
    std::vector<mqtt::ReasonCode> subscribeAll(const mqtt::Subscribe& s, bool from_client,
                                               std::vector<bool>& retain_skip);
    void onUnsubscribe(const mqtt::Unsubscribe& u);
    void onDisconnect(const mqtt::Disconnect& d);
    void disconnect(mqtt::ReasonCode code, ShutdownReason reason);
    void send(const mqtt::Packet& p);
    void countSent(mqtt::PacketType type);
    void deliverRetained(const std::string& filter, const SubscriptionOptions& options);
    void deliverRetainedAfterSubscribe(const mqtt::Subscribe& s, const std::vector<mqtt::ReasonCode>& reasons,
                                       const std::vector<bool>& retain_skip);
    mqtt::ReasonCode fatalSubscribeError(const mqtt::SubscriptionRequest& r) const;
    void autoSubscribe();
    // Authorization (channel_authz.cpp): true when allowed; counts and caches.
    bool authorize(authz::Action action, std::string_view topic);
    // A denied PUBLISH is answered (or the connection closed, per deny_action)
    // and false returned; true when it may be routed.
    bool publishAllowed(const mqtt::Publish& p, std::string_view topic);
    void releaseSession();
    // mqtt.max_conn_per_username: false when the username is at its limit.
    bool takeUsernameSlot(const mqtt::Connect& c);
    MessagePtr willMessage();
    void scheduleCheck();
    MessagePtr makeMessage(const mqtt::Publish& p, std::string_view topic) const;

    WorkerRuntime& runtime() const { return shard_.runtime(); }
    BrokerContext& ctx() const { return shard_.ctx(); }

    ConnectionPort& conn_;
    BrokerShard& shard_;
    // When the connection was adopted (worker clock): idle_timeout runs from
    // here to the CONNECT, as EMQX's idle timer does; bytes received meanwhile
    // do not push it back (a CONNECT trickled byte by byte would never end).
    int64_t created_ms_;
    // Who the client is while no session is attached: from the CONNECT's
    // admission to the session's opening, and after its release. While one is
    // attached the session's client id and username are the channel's (an idle
    // connection keeps no copy of them: 64 B).
    struct Identity {
        std::string client_id;
        std::string username;
    };
    const Identity& identity() const;
    std::unique_ptr<Identity> identity_;
    bool clean_start_ = true;
    uint16_t keepalive_ = 0;
    uint16_t client_keepalive_ = 0;
    uint16_t client_receive_maximum_ = 65535;
    uint32_t client_max_packet_size_ = 0;  // 0: no limit
    uint16_t client_topic_alias_max_ = 0;
    bool request_problem_info_ = true;
    // The small fields sit together: an idle connection's size matters.
    mqtt::ProtocolVersion version_ = mqtt::ProtocolVersion::V311;
    State state_ = State::AwaitingConnect;
    bool disconnect_with_will_ = false;
    bool normal_disconnect_ = false;
    bool taken_over_ = false;
    bool username_slot_ = false;  // counted in ctx.username_quota until closed
    bool session_present_ = false;
    bool superuser_ = false;  // authorization says yes to all (auth::Security::Admission)
    // MQTT 5 topic aliases both ways; made when the first one is used, so the
    // many clients that use none do not carry two empty hash maps (112 B).
    struct TopicAliases {
        std::unordered_map<uint16_t, std::string> inbound;
        std::unordered_map<std::string, uint16_t, topic::StringHash, std::equal_to<>> outbound;
    };
    TopicAliases& aliases() {
        if (!aliases_) aliases_ = std::make_unique<TopicAliases>();
        return *aliases_;
    }
    std::unique_ptr<TopicAliases> aliases_;
    std::unique_ptr<RouteMemo> route_memo_;  // made at the first PUBLISH
    // Held by pointer: most clients have no will, and an idle connection's size matters.
    std::unique_ptr<mqtt::Will> will_;
    Session* session_ = nullptr;
    std::unique_ptr<Migration> migration_;             // rare: only while a CONNECT moves to another worker
    std::unique_ptr<mqtt::Connect> checking_;          // the CONNECT while its password is checked
    std::unique_ptr<mqtt::Connect> awaiting_session_;  // the CONNECT while its session is handed over
    std::unique_ptr<authz::Cache> authz_cache_;        // made on the first check when authorization.cache.enable
};

// The channel attached to a client's session, if any: the session's sink is
// its connection's channel (an internal subscriber's session has another sink).
Channel* channelOf(Session& s);

}  // namespace emqx
