// The JSON-lines trace file (EMQX's json formatter): one object per line,
// EMQX's field names, payloads as EMQX formats them.
#include <catch2/catch.hpp>

#include "common/trace/trace_json.h"

using namespace emqx::trace;
using nlohmann::json;

namespace {

json parsed(const std::string& line) {
    REQUIRE(line.ends_with("\n"));
    REQUIRE(line.find('\n') == line.size() - 1);  // one line
    return json::parse(line);
}

}  // namespace

TEST_CASE("trace json: time, level and msg at the top, the rest under meta", "[trace]") {
    Event e{Level::Debug,           "c1",
            "127.0.0.1:5555",       "t/1",
            "mqtt_packet_received", {{"packet", "PUBLISH(Q0, R0, D0, Topic=t/1, Payload(2 bytes)=\"hi\")"}}};
    std::string line = formatJsonLine(1715336952123, e);
    CHECK(formatEvent(1715336952123, Format::Json, e) == line);
    json j = parsed(line);
    CHECK(j["time"] == isoTimestamp(1715336952123));
    CHECK(j["level"] == "debug");
    CHECK(j["msg"] == "mqtt_packet_received");
    CHECK(j["meta"] == json{{"clientid", "c1"},
                            {"peername", "127.0.0.1:5555"},
                            {"packet", "PUBLISH(Q0, R0, D0, Topic=t/1, Payload(2 bytes)=\"hi\")"}});
    // Read in order: time, level, msg, meta.
    CHECK(line.find("\"time\"") < line.find("\"level\""));
    CHECK(line.find("\"level\"") < line.find("\"msg\""));
    CHECK(line.find("\"msg\"") < line.find("\"meta\""));
}

TEST_CASE("trace json: values keep their types and raw strings; nothing unknown is invented", "[trace]") {
    using Kind = Field::Kind;
    Event e{Level::Info,
            "",
            "",
            "",
            "client_connected",
            {{"proto_ver", 5}, {"clean_start", true}, {"topic", "a/\"b\"\n", Kind::ClientBytes}}};
    json j = parsed(formatJsonLine(0, e));
    CHECK(j["level"] == "info");
    CHECK(j["meta"] == json{{"proto_ver", 5}, {"clean_start", true}, {"topic", "a/\"b\"\n"}});
    CHECK_FALSE(j["meta"].contains("clientid"));  // an event of nobody yet
}

TEST_CASE("trace json: invalid UTF-8 in a client's string does not break the line", "[trace]") {
    using Kind = Field::Kind;
    Event e{
        Level::Info, std::string_view("c\xff", 2), "p", "", "m", {{"topic", std::string("t\xfe"), Kind::ClientBytes}}};
    json j = parsed(formatJsonLine(0, e));
    CHECK(j["meta"]["clientid"].get<std::string>().starts_with("c"));
    CHECK(j["meta"]["topic"].get<std::string>().starts_with("t"));
}

TEST_CASE("trace json: payloads as EMQX formats them, with payload_encode", "[trace]") {
    using Kind = Field::Kind;
    auto meta = [](std::string payload) {
        Event e{Level::Warning,
                "c1",
                "p",
                "t",
                "delivery_dropped",
                {{"reason", "queue_full"}, {"payload", std::move(payload), Kind::Payload}}};
        return parsed(formatJsonLine(0, e))["meta"];
    };
    json m = meta("hello \"world\"\n");
    CHECK(m["payload"] == "hello \"world\"\n");
    CHECK(m["payload_encode"] == "text");
    CHECK(m["reason"] == "queue_full");
    m = meta(std::string("\x01\xff", 2));
    CHECK(m["payload"] == "01FF");
    CHECK(m["payload_encode"] == "hex");
    CHECK(meta("")["payload"] == "");
    CHECK(meta("h\xc3\xa9")["payload"] == "h\xc3\xa9");  // UTF-8 stays text
    // U+0000 is UTF-8 in a payload (unlike in an MQTT string); overlong forms and surrogates are not.
    CHECK(meta(std::string("a\0b", 3))["payload_encode"] == "text");
    CHECK(meta("\xc0\x80")["payload"] == "C080");
    CHECK(meta("\xed\xa0\x80")["payload_encode"] == "hex");
}

TEST_CASE("trace json: a payload over 1 KiB is cut to its first 100 bytes", "[trace]") {
    CHECK(jsonPayload(std::string(1024, 'a')).text == std::string(1024, 'a'));
    JsonPayload p = jsonPayload(std::string(1025, 'a'));
    CHECK(p.text == std::string(100, 'a') + "...(925 bytes)");
    CHECK(p.encode == "text");
    // A character is not split: the cut ends after the one that crosses 100 bytes.
    std::string accented = std::string(99, 'a') + "\xc3\xa9" + std::string(1000, 'b');
    p = jsonPayload(accented);
    CHECK(p.text == std::string(99, 'a') + "\xc3\xa9" + "...(1000 bytes)");
    // Bytes that are not UTF-8 before the cut: the first 100 as hex.
    std::string binary = "\xff" + std::string(1100, 'c');
    p = jsonPayload(binary);
    CHECK(p.encode == "hex");
    std::string hex = "FF";
    for (int i = 0; i < 99; ++i) hex += "63";  // 'c'
    CHECK(p.text == hex + "...(1001 bytes)");
}
