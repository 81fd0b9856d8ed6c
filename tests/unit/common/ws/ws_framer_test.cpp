// WebSocket framing between a client and a server Framer: the client's frames
// are masked (RFC 6455 section 5.3) and the server's are not; each end takes
// only what the other may send; payloads of every length encoding get
// through; the close handshake ends both.
#include <catch2/catch.hpp>

#include <string>

#include "common/ws/ws_framer.h"

using namespace emqx::ws;

namespace {

constexpr uint64_t kMax = 1 << 20;

std::string feed(Framer& f, const std::string& wire, bool& open, std::string* reply = nullptr) {
    std::string payload, back;
    open = f.feed(reinterpret_cast<const uint8_t*>(wire.data()), wire.size(), payload, back);
    if (reply) *reply = back;
    return payload;
}

}  // namespace

TEST_CASE("ws framer: client frames are masked, server frames are not, both get through", "[ws]") {
    Framer client(Role::Client, kMax);
    Framer server(Role::Server, kMax);
    for (size_t len : {size_t{1}, size_t{125}, size_t{126}, size_t{65535}, size_t{70000}}) {
        std::string payload(len, '\0');
        for (size_t i = 0; i < len; ++i) payload[i] = static_cast<char>('a' + i % 26);
        std::string wire;
        client.sendBinary(payload, wire);
        REQUIRE(wire.size() > len + 4);
        CHECK(static_cast<uint8_t>(wire[0]) == 0x82);                 // FIN + binary
        CHECK((static_cast<uint8_t>(wire[1]) & 0x80) != 0);           // masked
        if (len > 8) CHECK(wire.find(payload) == std::string::npos);  // not in the clear
        bool open = false;
        CHECK(feed(server, wire, open) == payload);
        CHECK(open);

        wire.clear();
        server.sendBinary(payload, wire);
        CHECK((static_cast<uint8_t>(wire[1]) & 0x80) == 0);  // unmasked
        CHECK(feed(client, wire, open) == payload);
        CHECK(open);
    }
}

TEST_CASE("ws framer: a client cannot write an unmasked frame header", "[ws]") {
    Framer client(Role::Client, kMax);
    std::string wire;
    CHECK_FALSE(client.beginBinary(10, wire));
    CHECK(wire.empty());
}

TEST_CASE("ws framer: a client refuses masked frames", "[ws]") {
    Framer sender(Role::Client, kMax);
    Framer receiver(Role::Client, kMax);
    std::string wire;
    sender.sendBinary("hello", wire);
    bool open = true;
    CHECK(feed(receiver, wire, open).empty());
    CHECK_FALSE(open);
    CHECK(receiver.cause() == CloseCause::Protocol);
}

TEST_CASE("ws framer: the server answers the client's ping; the client's close ends both", "[ws]") {
    Framer client(Role::Client, kMax);
    Framer server(Role::Server, kMax);
    const std::string ping = "\x89\x80\x01\x02\x03\x04";  // masked ping, empty
    std::string reply;
    bool open = false;
    feed(server, ping, open, &reply);
    CHECK(open);
    CHECK(reply == std::string("\x8a\x00", 2));  // pong
    feed(client, reply, open);
    CHECK(open);

    std::string wire;
    client.close(1000, wire);
    CHECK(client.cause() == CloseCause::LocalClose);
    feed(server, wire, open, &reply);
    CHECK_FALSE(open);
    CHECK(server.cause() == CloseCause::PeerClosed);
    feed(client, reply, open);  // the server's close frame back
    CHECK_FALSE(open);
}
