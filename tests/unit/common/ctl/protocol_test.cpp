// The control protocol's framing and validation (docs/ctl-protocol.md).
#include <catch2/catch.hpp>

#include <pthread.h>

#include <string>

#include "common/ctl/protocol.h"

using namespace emqx::ctl;

TEST_CASE("ctl: a well-formed request parses", "[ctl]") {
    ProtocolError err;
    auto r = parseRequest(R"({"v":1,"id":7,"cmd":"clients.list","args":{"limit":3}})", err);
    REQUIRE(r);
    CHECK(r->id == 7);
    CHECK(r->cmd == "clients.list");
    CHECK(r->args["limit"] == 3);

    auto no_args = parseRequest(R"({"v":1,"id":1,"cmd":"status"})", err);
    REQUIRE(no_args);
    CHECK(no_args->args.is_object());
    CHECK(no_args->args.empty());
}

TEST_CASE("ctl: malformed requests name what is wrong", "[ctl]") {
    struct Case {
        const char* line;
        const char* code;
        bool has_id;
    } cases[] = {
        {"not json", "bad_request", false},
        {"[1,2]", "bad_request", false},
        {R"({"id":1,"cmd":"status"})", "bad_request", true},  // no v
        {R"({"v":2,"id":1,"cmd":"status"})", "unsupported_version", true},
        {R"({"v":"1","id":1,"cmd":"status"})", "bad_request", true},   // v not an integer
        {R"({"v":1,"cmd":"status"})", "bad_request", false},           // no id
        {R"({"v":1,"id":"x","cmd":"status"})", "bad_request", false},  // id not an integer
        {R"({"v":1,"id":1})", "bad_request", true},                    // no cmd
        {R"({"v":1,"id":1,"cmd":5})", "bad_request", true},
        {R"({"v":1,"id":1,"cmd":""})", "bad_request", true},
        {R"({"v":1,"id":1,"cmd":"status","args":[1]})", "bad_request", true},
    };
    for (const auto& c : cases) {
        INFO(c.line);
        ProtocolError err;
        CHECK_FALSE(parseRequest(c.line, err));
        CHECK(err.code == c.code);
        CHECK(err.id.has_value() == c.has_id);
        CHECK_FALSE(err.message.empty());
    }
}

TEST_CASE("ctl: a line over 64 KiB is refused", "[ctl]") {
    ProtocolError err;
    std::string line = R"({"v":1,"id":1,"cmd":"status","args":{"x":")" + std::string(kMaxLineBytes, 'a') + "\"}}";
    CHECK_FALSE(parseRequest(line, err));
    CHECK(err.code == "line_too_long");
}

TEST_CASE("ctl: args nested 32k deep parse in a small stack", "[ctl]") {
    // A 64 KiB line holds 32k nested arrays. Parsing, taking the args out and
    // freeing them must not recurse per level (found by tests/fuzz/ctl_fuzz:
    // copying the args did). Run on a 256 KiB stack so that a recursion shows
    // in any build, not only under ASan.
    struct Job {
        std::string line;
        bool parsed = false;
        size_t args = 0;
    } job;
    const size_t depth = 32000;
    job.line =
        R"({"v":1,"id":1,"cmd":"status","args":{"a":)" + std::string(depth, '[') + std::string(depth, ']') + "}}";
    REQUIRE(job.line.size() <= kMaxLineBytes);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_t th;
    auto run = [](void* p) -> void* {
        auto* j = static_cast<Job*>(p);
        ProtocolError err;
        auto r = parseRequest(j->line, err);
        j->parsed = r.has_value();
        if (r) j->args = r->args.size();
        return nullptr;
    };
    REQUIRE(pthread_create(&th, &attr, run, &job) == 0);
    pthread_join(th, nullptr);
    pthread_attr_destroy(&attr);
    CHECK(job.parsed);
    CHECK(job.args == 1);
}

TEST_CASE("ctl: requests and replies round-trip", "[ctl]") {
    Request req{42, "listeners.stop", {{"id", "tcp:default"}}};
    std::string line = encodeRequest(req);
    REQUIRE(line.back() == '\n');
    ProtocolError err;
    auto back = parseRequest(std::string_view(line).substr(0, line.size() - 1), err);
    REQUIRE(back);
    CHECK(back->id == 42);
    CHECK(back->args["id"] == "tcp:default");

    std::string why;
    std::string ok = encodeOk(42, {{"a", 1}});
    CHECK(ok == "{\"data\":{\"a\":1},\"id\":42,\"ok\":true}\n");
    auto r = parseReply(std::string_view(ok).substr(0, ok.size() - 1), why);
    REQUIRE(r);
    CHECK(r->ok);
    CHECK(r->id == 42);
    CHECK(r->data["a"] == 1);

    std::string bad = encodeError(std::nullopt, "bad_request", "no");
    CHECK(bad == "{\"error\":{\"code\":\"bad_request\",\"message\":\"no\"},\"id\":null,\"ok\":false}\n");
    auto e = parseReply(std::string_view(bad).substr(0, bad.size() - 1), why);
    REQUIRE(e);
    CHECK_FALSE(e->ok);
    CHECK_FALSE(e->id);
    CHECK(e->code == "bad_request");
    CHECK(e->message == "no");

    CHECK_FALSE(parseReply("{}", why));
    CHECK_FALSE(parseReply(R"({"ok":false})", why));
}

TEST_CASE("ctl: invalid UTF-8 in reply data does not throw", "[ctl]") {
    std::string ok = encodeOk(1, {{"clientid", std::string("a\xff")}});
    CHECK(ok.find("clientid") != std::string::npos);
}

TEST_CASE("ctl: the line splitter yields lines across chunks", "[ctl]") {
    LineSplitter s;
    CHECK(s.feed("ab"));
    CHECK_FALSE(s.next());
    CHECK(s.feed("c\nde"));
    CHECK(s.next() == std::string("abc"));
    CHECK_FALSE(s.next());
    CHECK(s.pending() == 2);
    CHECK(s.feed("f\n\ng\n"));
    CHECK(s.next() == std::string("def"));
    CHECK(s.next() == std::string(""));
    CHECK(s.next() == std::string("g"));
    CHECK_FALSE(s.next());
    CHECK(s.pending() == 0);
}

TEST_CASE("ctl: the line splitter caps an unfinished line", "[ctl]") {
    LineSplitter s(8);
    CHECK(s.feed("12345678"));  // exactly the limit, still open
    CHECK_FALSE(s.overflowed());
    CHECK_FALSE(s.feed("9"));
    CHECK(s.overflowed());
    CHECK_FALSE(s.next());

    LineSplitter t(8);
    CHECK(t.feed("12345678\n"));
    CHECK(t.next() == std::string("12345678"));

    LineSplitter u(8);
    CHECK_FALSE(u.feed("ok\n123456789\nmore"));  // a complete line over the limit
    CHECK(u.overflowed());
}
