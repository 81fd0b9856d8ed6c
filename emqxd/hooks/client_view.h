#pragma once
// Who the client of a hook event is, whatever protocol it speaks (EMQX's
// ClientInfo and ConnInfo): what subscribers (trace, $SYS client events) read
// of it. The MQTT channel (emqxd/protocol) is one.
//
// A view is two pointers, the client and its type's table of readers, made
// only when an event is built: the client type carries no vtable pointer for
// it (8 B per connection), and building a view calls nothing.
#include <cstdint>
#include <string>

#include "common/mqtt/packet.h"

namespace emqx::hooks {

class ClientView {
public:
    template <class Client>
    static ClientView of(const Client& client) {
        return ClientView(&client, kReaders<Client>);
    }

    const std::string& clientId() const { return readers_->client_id(client_); }
    const std::string& username() const { return readers_->username(client_); }
    const std::string& peer() const { return readers_->peer(client_); }
    mqtt::ProtocolVersion protoVer() const { return readers_->proto_ver(client_); }
    uint16_t keepalive() const { return readers_->keepalive(client_); }
    bool cleanStart() const { return readers_->clean_start(client_); }
    int64_t connectedAtMs() const { return readers_->connected_at_ms(client_); }  // wall clock
    // The bind address of the listener the client came through ("0.0.0.0:1883").
    const std::string& listenerBind() const { return readers_->listener_bind(client_); }
    // The session's expiry interval (0 while there is no session).
    int64_t expiryIntervalMs() const { return readers_->expiry_interval_ms(client_); }

private:
    struct Readers {
        const std::string& (*client_id)(const void*);
        const std::string& (*username)(const void*);
        const std::string& (*peer)(const void*);
        mqtt::ProtocolVersion (*proto_ver)(const void*);
        uint16_t (*keepalive)(const void*);
        bool (*clean_start)(const void*);
        int64_t (*connected_at_ms)(const void*);
        const std::string& (*listener_bind)(const void*);
        int64_t (*expiry_interval_ms)(const void*);
    };

    template <class C>
    static const C& as(const void* c) {
        return *static_cast<const C*>(c);
    }
    template <class C>
    static constexpr Readers kReaders{
        [](const void* c) -> const std::string& { return as<C>(c).clientId(); },
        [](const void* c) -> const std::string& { return as<C>(c).username(); },
        [](const void* c) -> const std::string& { return as<C>(c).peer(); },
        [](const void* c) { return as<C>(c).protoVer(); },
        [](const void* c) { return as<C>(c).keepalive(); },
        [](const void* c) { return as<C>(c).cleanStart(); },
        [](const void* c) { return as<C>(c).connectedAtMs(); },
        [](const void* c) -> const std::string& { return as<C>(c).listenerBind(); },
        [](const void* c) { return as<C>(c).expiryIntervalMs(); },
    };

    ClientView(const void* client, const Readers& readers) : client_(client), readers_(&readers) {}

    const void* client_;
    const Readers* readers_;
};

}  // namespace emqx::hooks
