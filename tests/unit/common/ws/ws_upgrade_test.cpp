// The WebSocket opening handshake, both ends: the client's request read by
// the server's parser, the server's 101 read by the client's, and the
// client's checks of that answer. The accept value is RFC 6455's own example
// (section 1.3).
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "common/ws/ws_upgrade.h"

using namespace emqx::ws;

namespace {

// Feeds `bytes` one at a time (heads must not depend on read boundaries).
ParseStatus feedBytewise(UpgradeParser& p, const std::string& bytes, size_t& used) {
    used = 0;
    for (size_t i = 0; i < bytes.size(); ++i) {
        size_t n = 0;
        ParseStatus st = p.feed(bytes.data() + i, 1, n);
        used += n;
        if (st != ParseStatus::NeedMore) return st;
    }
    return ParseStatus::NeedMore;
}

std::string answer(const std::string& key, const std::string& protocol = "mqtt") {
    std::string r = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    r += "Sec-WebSocket-Accept: " + websocketAccept(key) + "\r\n";
    if (!protocol.empty()) r += "Sec-WebSocket-Protocol: " + protocol + "\r\n";
    return r + "\r\n";
}

}  // namespace

TEST_CASE("ws upgrade: Sec-WebSocket-Accept is RFC 6455's example", "[ws]") {
    CHECK(websocketAccept("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("ws upgrade: client keys are base64 of 16 fresh random bytes", "[ws]") {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        std::string k = newWebsocketKey();
        CHECK(k.size() == 24);
        CHECK(k.substr(22) == "==");
        seen.insert(k);
    }
    CHECK(seen.size() == 100);
}

TEST_CASE("ws upgrade: the client's request is one the server takes", "[ws]") {
    const std::string key = newWebsocketKey();
    const std::string req = upgradeRequest("127.0.0.1:8083", "/mqtt", key, "mqtt");
    UpgradeParser server(Role::Server, 8 * 1024);
    size_t used = 0;
    REQUIRE(feedBytewise(server, req, used) == ParseStatus::Done);
    CHECK(used == req.size());
    const UpgradeDecision d = decideUpgrade(server.request(), "/mqtt");
    CHECK(d.status == 101);
    CHECK(d.subprotocol == "mqtt");
    CHECK(server.request().key == key);
    CHECK(decideUpgrade(server.request(), "/other").status == 404);
}

TEST_CASE("ws upgrade: the client reads the 101 and stops where the frames start", "[ws]") {
    const std::string key = newWebsocketKey();
    const std::string head = answer(key);
    const std::string frames("\x82\x02\xd0\x00", 4);  // a binary frame (PINGRESP) right behind the head
    UpgradeParser client(Role::Client, 8 * 1024);
    size_t used = 0;
    REQUIRE(client.feed((head + frames).data(), head.size() + frames.size(), used) == ParseStatus::Done);
    CHECK(used == head.size());
    CHECK(client.response().status == 101);
    CHECK(checkUpgradeResponse(client.response(), key, "mqtt") == "");

    UpgradeParser bytewise(Role::Client, 8 * 1024);
    REQUIRE(feedBytewise(bytewise, head, used) == ParseStatus::Done);
    CHECK(used == head.size());
    CHECK(checkUpgradeResponse(bytewise.response(), key, "mqtt") == "");
}

TEST_CASE("ws upgrade: the client refuses a wrong answer, and says why", "[ws]") {
    const std::string key = newWebsocketKey();
    auto check = [&](const std::string& bytes) {
        UpgradeParser client(Role::Client, 8 * 1024);
        size_t used = 0;
        REQUIRE(client.feed(bytes.data(), bytes.size(), used) == ParseStatus::Done);
        return checkUpgradeResponse(client.response(), key, "mqtt");
    };
    // The broker's refusal, with and without a body length: the head is enough.
    CHECK(check("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n") ==
          "HTTP 404 instead of 101");
    CHECK(check("HTTP/1.1 400 Bad Request\r\n\r\n") == "HTTP 400 instead of 101");
    CHECK(check(answer(newWebsocketKey())) == "wrong Sec-WebSocket-Accept");
    CHECK(check(answer(key, "")) == "subprotocol '' instead of mqtt");
    CHECK(check(answer(key, "mqttv3.1")) == "subprotocol 'mqttv3.1' instead of mqtt");
    CHECK(check(answer(key, "MQTT")) == "");
    std::string no_upgrade = answer(key);
    no_upgrade.erase(no_upgrade.find("Upgrade: websocket\r\n"), 20);
    CHECK(check(no_upgrade) == "no Upgrade: websocket in the 101");
}

TEST_CASE("ws upgrade: a response head over the limit or not HTTP is Bad", "[ws]") {
    UpgradeParser big(Role::Client, 64);
    size_t used = 0;
    const std::string head = "HTTP/1.1 101 Switching Protocols\r\nX-Padding: " + std::string(100, 'a') + "\r\n\r\n";
    CHECK(big.feed(head.data(), head.size(), used) == ParseStatus::Bad);
    CHECK(big.error() == "response headers larger than 64 bytes");
    UpgradeParser junk(Role::Client, 8 * 1024);
    const std::string mqtt("\x20\x02\x00\x00", 4);  // a CONNACK: the port speaks MQTT, not HTTP
    CHECK(junk.feed(mqtt.data(), mqtt.size(), used) == ParseStatus::Bad);
    CHECK(junk.error().rfind("bad HTTP response: ", 0) == 0);
}
