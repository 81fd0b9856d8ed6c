#pragma once
// The calls the protocol code makes when a trace may be interested. Each call
// site is guarded by `if (ctx.tracing())` (one relaxed atomic load), so with
// no trace running nothing here runs. Called on the channel's worker thread.
#include <cstdint>

#include "common/mqtt/packet.h"
#include "emqxd/authz/authz.h"
#include "emqxd/message/message.h"
#include "common/mqtt/shutdown_reason.h"
#include "emqxd/session/session.h"

namespace emqx {

struct BrokerContext;
class Channel;

namespace trace {

// A packet the client sent (decoded), CONNECT included: a client traced before
// it connects is matched by the CONNECT's client id.
void packetIn(const BrokerContext& ctx, const Channel& ch, const mqtt::Packet& p);
// A packet sent to the client (not PUBLISH: see publishOut).
void packetOut(const BrokerContext& ctx, const Channel& ch, const mqtt::Packet& p);
// A PUBLISH sent to the client.
void publishOut(const BrokerContext& ctx, const Channel& ch, const Message& m, uint8_t qos, uint16_t packet_id,
                bool dup, bool retain);
// CONNECT accepted: the authentication result and the connection's properties.
void connected(const BrokerContext& ctx, const Channel& ch);
// A denial on `topic` (EMQX's authorization_permission_denied), with what
// made it. Allowed requests are not traced: a trace shows the packets for them.
void authorized(const BrokerContext& ctx, std::string_view clientid, std::string_view peer, authz::Action action,
                std::string_view topic, const authz::Decision& decision);
// A will refused when it was to be sent, for `why`.
void willDenied(const BrokerContext& ctx, std::string_view clientid, std::string_view peer, std::string_view topic,
                std::string_view why);
// The connection ends for `reason`.
void closed(const BrokerContext& ctx, const Channel& ch, ShutdownReason reason);

// Reports every delivery drop of every session to the traces (installed as
// Session's drop observer by BrokerApp while it runs).
class DropTracer final : public DropObserver {
public:
    explicit DropTracer(const BrokerContext& ctx) : ctx_(ctx) {}
    void onDrop(const Session& s, DropReason reason, const Message* msg) override;

private:
    const BrokerContext& ctx_;
};

}  // namespace trace
}  // namespace emqx
