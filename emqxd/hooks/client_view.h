#pragma once
// Who the client of a hook event is, whatever protocol it speaks (EMQX's
// ClientInfo and ConnInfo): what subscribers (trace, $SYS client events) read
// of it. The MQTT channel (emqxd/protocol) is one.
#include <cstdint>
#include <string>

#include "common/mqtt/packet.h"

namespace emqx::hooks {

class ClientView {
public:
    virtual const std::string& clientId() const = 0;
    virtual const std::string& username() const = 0;
    virtual const std::string& peer() const = 0;
    virtual mqtt::ProtocolVersion protoVer() const = 0;
    virtual uint16_t keepalive() const = 0;
    virtual bool cleanStart() const = 0;
    virtual int64_t connectedAtMs() const = 0;  // wall clock
    // The bind address of the listener the client came through ("0.0.0.0:1883").
    virtual const std::string& listenerBind() const = 0;
    // The session's expiry interval (0 while there is no session).
    virtual int64_t expiryIntervalMs() const = 0;

protected:
    ~ClientView() = default;
};

}  // namespace emqx::hooks
