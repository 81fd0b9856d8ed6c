// The pure parts of tracing: kinds, levels, escaping, packet lines; and the
// human output of the trace commands.
#include <catch2/catch.hpp>

#include <regex>

#include "common/ctl/format.h"
#include "common/trace/trace_format.h"

using namespace emqx;
using namespace emqx::trace;

TEST_CASE("trace: types and levels use EMQX's words", "[trace]") {
    CHECK(parseType("client") == TraceType::ClientId);
    CHECK(parseType("clientid") == TraceType::ClientId);
    CHECK(parseType("topic") == TraceType::Topic);
    CHECK(parseType("ip_address") == TraceType::IpAddress);
    CHECK_FALSE(parseType("ip"));
    CHECK(typeName(TraceType::IpAddress) == "ip_address");
    CHECK(parseLevel("warning") == Level::Warning);
    CHECK_FALSE(parseLevel("notice"));
    CHECK(levelName(Level::Error) == "error");
    CHECK(Level::Debug < Level::Info);
}

TEST_CASE("trace: payload prefixes are escaped and cut", "[trace]") {
    CHECK(escapePrefix("hello") == "hello");
    CHECK(escapePrefix("a\"b\\c") == "a\\\"b\\\\c");
    CHECK(escapePrefix(std::string("\x01\xff\n", 3)) == "\\x01\\xff\\x0a");
    CHECK(escapePrefix("abcdef", 3) == "abc...");
    CHECK(escapePrefix("") == "");
}

TEST_CASE("trace: the peer's host", "[trace]") {
    CHECK(peerHost("127.0.0.1:5555") == "127.0.0.1");
    CHECK(peerHost("[::1]:5555") == "::1");
    CHECK(peerHost("10.0.0.1") == "10.0.0.1");
    CHECK(peerHost("::1") == "::1");
}

TEST_CASE("trace: ISO-8601 timestamps with milliseconds and offset", "[trace]") {
    std::string ts = isoTimestamp(1715336952123);
    CHECK(std::regex_match(ts, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.123[+-]\d\d:\d\d)")));
}

TEST_CASE("trace: packets are described on one line", "[trace]") {
    mqtt::Publish p;
    p.qos = 1;
    p.packet_id = 7;
    p.topic = "t/1";
    p.payload = "hello";
    CHECK(describePacket(p) == "PUBLISH(Q1, R0, D0, Topic=t/1, PacketId=7, Payload(5 bytes)=\"hello\")");
    CHECK(describePublish("a", "", 0, true, false, 0) == "PUBLISH(Q0, R1, D0, Topic=a, Payload(0 bytes)=\"\")");
    mqtt::Connect c;
    c.version = mqtt::ProtocolVersion::V5;
    c.client_id = "c1";
    c.keepalive = 30;
    c.password = "secret";
    c.props.session_expiry_interval = 300;
    std::string d = describePacket(c);
    CHECK(d == "CONNECT(Proto=MQTT v5, ClientId=c1, CleanStart=true, KeepAlive=30, Username=undefined, "
               "Password=******, Properties={Session-Expiry-Interval=300})");
    CHECK(d.find("secret") == std::string::npos);
    mqtt::Subscribe s;
    s.packet_id = 3;
    s.subscriptions.push_back({"a/#", 1, false, false, 0});
    CHECK(describePacket(s) == "SUBSCRIBE(PacketId=3, TopicFilters=[a/#(Q1, nl=0, rap=0, rh=0)])");
    mqtt::Suback sa;
    sa.packet_id = 3;
    sa.reasons = {mqtt::ReasonCode::GrantedQoS1};
    CHECK(describePacket(sa).starts_with("SUBACK(PacketId=3, ReasonCodes=[0x01 "));
    CHECK(describePacket(mqtt::Pingreq{}) == "PINGREQ()");
    mqtt::PubResponse ack{mqtt::PacketType::Puback, 9, mqtt::ReasonCode::Success, {}};
    CHECK(describePacket(ack).starts_with("PUBACK(PacketId=9, ReasonCode=0x00 "));
}

TEST_CASE("trace: one line per event", "[trace]") {
    std::string line = formatLine(0, Level::Info, "c1", "127.0.0.1:1", "client_disconnected", "reason: normal");
    CHECK(line.ends_with(" [info] clientid=c1 peername=127.0.0.1:1 msg: client_disconnected, reason: normal\n"));
    CHECK(formatLine(0, Level::Debug, "", "", "m", "").ends_with("clientid=undefined peername=undefined msg: m\n"));
}

TEST_CASE("ctl format: trace, traces and license replies", "[ctl][trace]") {
    using ctl::formatHuman;
    using ctl::Json;
    Json t = {{"name", "CLI-emqx_c"}, {"named", false}, {"type", "clientid"}, {"target", "emqx_c"},
              {"level", "debug"}, {"file", "/tmp/trace.log"}, {"matched", 4}, {"status", "running"}};
    CHECK(formatHuman("trace.start", t) == "trace emqx_c CLI-emqx_c successfully\ndestination: /tmp/trace.log\n");
    CHECK(formatHuman("trace.list", {{"traces", Json::array({t})}}) ==
          "Trace(clientid=emqx_c, level=debug, destination=\"/tmp/trace.log\", matched=4)\n");
    CHECK(formatHuman("trace.stop", {{"type", "clientid"}, {"target", "emqx_c"}}) ==
          "stop tracing clientid emqx_c successfully\n");
    CHECK(formatHuman("trace.tail", {{"data", "a\nb\n"}}) == "a\nb\n");
    CHECK(formatHuman("traces.delete", {{"name", "n"}}) == "Delete trace n successfully\n");
    CHECK(formatHuman("subscriptions.add", Json::object()) == "ok\n");
    CHECK(formatHuman("retainer.topics", {{"topics", {"a", "b"}}}) == "a\nb\n");
    CHECK(formatHuman("log.primary-level", {{"level", "info"}}) == "info\n");
    std::string lic = formatHuman("license.info", {{"customer", "Acme"}, {"max_connections", 10},
                                                   {"refused_connections", {{"expired", 1}, {"max_connections", 2}}}});
    CHECK(lic.find("customer           : Acme\n") != std::string::npos);
    CHECK(lic.find("refused_connections: expired=1, max_connections=2\n") != std::string::npos);
}
