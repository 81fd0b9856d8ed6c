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
    CHECK(levelName(Level::Error) == "error");
    CHECK(Level::Debug < Level::Info);
    CHECK_FALSE(parseLevel("loud"));
    CHECK_FALSE(parseLevel("Debug"));
}

TEST_CASE("trace: every level EMQX's logger has, and its default all", "[trace]") {
    const char* words[] = {"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};
    Level previous = Level::Debug;
    for (const char* w : words) {
        INFO(w);
        auto l = parseLevel(w);
        REQUIRE(l);
        CHECK(levelName(*l) == w);
        CHECK(*l >= previous);  // in syslog order: a trace keeps its level and above
        previous = *l;
    }
    // EMQX installs an "all" trace at debug: it keeps every event.
    CHECK(parseLevel("all") == Level::Debug);
    CHECK(Level::Warning < Level::Critical);
}

TEST_CASE("trace: the formatter argument is text or json", "[trace]") {
    CHECK(parseFormat("text") == Format::Text);
    CHECK(parseFormat("json") == Format::Json);
    CHECK_FALSE(parseFormat("JSON"));
    CHECK_FALSE(parseFormat("xml"));
    CHECK(formatName(Format::Json) == "json");
    CHECK(formatName(Format::Text) == "text");
}

TEST_CASE("trace: payload prefixes are escaped and cut", "[trace]") {
    CHECK(escapePrefix("hello") == "hello");
    CHECK(escapePrefix("a\"b\\c") == "a\\\"b\\\\c");
    CHECK(escapePrefix(std::string("\x01\xff\n", 3)) == "\\x01\\xff\\x0a");
    CHECK(escapePrefix("abcdef", 3) == "abc...");
    CHECK(escapePrefix("") == "");
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
    CHECK(d ==
          "CONNECT(Proto=MQTT v5, ClientId=c1, CleanStart=true, KeepAlive=30, Username=undefined, "
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
    Event e{Level::Info, "c1", "127.0.0.1:1", {}, "client_disconnected", {{"reason", "normal"}}};
    std::string line = formatLine(0, e);
    CHECK(line.ends_with(" [info] clientid=c1 peername=127.0.0.1:1 msg: client_disconnected, reason: normal\n"));
    CHECK(formatEvent(0, Format::Text, e) == line);
    CHECK(formatLine(0, Event{Level::Debug, "", "", "", "m", {}})
              .ends_with("clientid=undefined peername=undefined msg: m\n"));
}

TEST_CASE("trace: the text line shows each field its own way", "[trace]") {
    using Kind = Field::Kind;
    Event e{Level::Warning,
            "c1",
            "p",
            "t/\n",
            "delivery_dropped",
            {{"proto_ver", 5},
             {"clean_start", true},
             {"topic", "t/\n\"", Kind::ClientBytes},
             {"payload", std::string("m\x00", 2), Kind::Payload},
             {"reason", "a \"quoted\" word"}}};
    CHECK(
        formatLine(0, e).ends_with(" msg: delivery_dropped, proto_ver: 5, clean_start: true, topic: t/\\x0a\\\", "
                                   "payload(2 bytes)=\"m\\x00\", reason: a \"quoted\" word\n"));
}

TEST_CASE("trace: a note about the trace itself, in its format", "[trace]") {
    CHECK(formatNote(0, Format::Text, Level::Warning, "trace x stopped").ends_with(" [warning] trace x stopped\n"));
    auto j = nlohmann::json::parse(formatNote(0, Format::Json, Level::Warning, "trace x stopped"));
    CHECK(j["level"] == "warning");
    CHECK(j["msg"] == "trace x stopped");
    CHECK(j["time"] == isoTimestamp(0));
}

TEST_CASE("ctl format: trace, traces and license replies", "[ctl][trace]") {
    using ctl::formatHuman;
    using ctl::Json;
    Json t = {{"name", "CLI-emqx_c"}, {"named", false},           {"type", "clientid"}, {"target", "emqx_c"},
              {"level", "debug"},     {"file", "/tmp/trace.log"}, {"matched", 4},       {"status", "running"}};
    CHECK(formatHuman("trace.start", t) == "trace emqx_c CLI-emqx_c successfully\ndestination: /tmp/trace.log\n");
    CHECK(formatHuman("trace.list", {{"traces", Json::array({t})}}) ==
          "Trace(clientid=emqx_c, level=debug, destination=\"/tmp/trace.log\", matched=4)\n");
    CHECK(formatHuman("trace.stop", {{"type", "clientid"}, {"target", "emqx_c"}}) ==
          "stop tracing clientid emqx_c successfully\n");
    CHECK(formatHuman("trace.tail", {{"data", "a\nb\n"}}) == "a\nb\n");
    CHECK(formatHuman("subscriptions.add", Json::object()) == "ok\n");
    CHECK(formatHuman("retainer.topics", {{"topics", {"a", "b"}}}) == "a\nb\n");
    CHECK(formatHuman("log.primary-level", {{"level", "info"}}) == "info\n");
}

TEST_CASE("ctl format: traces replies are EMQX's", "[ctl][trace]") {
    using ctl::formatHuman;
    using ctl::Json;
    Json t = {{"name", "nt1"},
              {"named", true},
              {"type", "clientid"},
              {"target", "c1"},
              {"status", "running"},
              {"file", "/d/trace/nt1.log"},
              {"end_at", "2024-05-10T10:59:12.000+02:00"},
              {"log_size", {{"emqx@127.0.0.1", 1045}}}};
    CHECK(formatHuman("traces.start", t) ==
          "cluster_trace clientid c1 nt1 successfully\ndestination: /d/trace/nt1.log\n"
          "end_at: 2024-05-10T10:59:12.000+02:00\n");
    CHECK(formatHuman("traces.list", {{"traces", Json::array({t})}}) ==
          "Trace(nt1: clientid=c1, running, LogSize:#{'emqx@127.0.0.1' => 1045})\n");
    CHECK(formatHuman("traces.stop", {{"name", "nt1"}}) == "Stop cluster_trace nt1 successfully\n");
    CHECK(formatHuman("traces.delete", {{"name", "nt1"}}) == "Del cluster_trace nt1 successfully\n");
}

TEST_CASE("ctl format: license replies", "[ctl][license]") {
    using ctl::formatHuman;
    using ctl::Json;
    Json d = {{"customer", "Acme"},
              {"email", "ops@acme.example"},
              {"deployment", "default"},
              {"max_connections", 10},
              {"start_at", "2024-01-01"},
              {"expiry_at", "2099-12-31"},
              {"type", "official"},
              {"customer_type", "standard"},
              {"expiry", false},
              {"edition", "enterprise"},
              {"issued_at", "2024-01-01"},
              {"expired", false},
              {"days_left", 27000},
              {"file", "/d/license/emqx.lic"},
              {"refused_connections", {{"expired", 1}, {"max_connections", 2}}}};
    // EMQX's keys in EMQX's order and layout ("~-16s: ~s"), then ours.
    CHECK(formatHuman("license.info", d) ==
          "customer        : Acme\n"
          "email           : ops@acme.example\n"
          "deployment      : default\n"
          "max_connections : 10\n"
          "start_at        : 2024-01-01\n"
          "expiry_at       : 2099-12-31\n"
          "type            : official\n"
          "customer_type   : standard\n"
          "expiry          : false\n"
          "edition         : enterprise\n"
          "days_left       : 27000\n"
          "file            : /d/license/emqx.lic\n"
          "refused_connections: expired=1, max_connections=2\n");
    CHECK(formatHuman("license.update", d) == "ok\n");
    CHECK(formatHuman("license.reload", d) == "ok\n" + formatHuman("license.info", d));
    // An expired license that was applied: EMQX's warning first.
    d["expired"] = true;
    d["days_left"] = -3;
    CHECK(formatHuman("license.update", d) ==
          "\n" + std::string(72, '=') + "\nLicense has been expired for 3 days.\n" + std::string(72, '=') + "\nok\n");
}
