// The API's request reader: one request at a time from a byte stream,
// whatever the read boundaries, and its limits (431 for a head over the
// bound, 413 for a body over it, known from Content-Length before the body
// arrives), as the HTTP connection relies on them.
#include <catch2/catch.hpp>

#include <string>

#include "common/http/request_parser.h"

using namespace emqx::http;

namespace {

struct Fed {
    ParseStatus status;
    size_t consumed;
};

Fed feedAll(RequestParser& p, const std::string& bytes) {
    size_t used = 0;
    ParseStatus st = p.feed(bytes.data(), bytes.size(), used);
    return {st, used};
}

// One byte a call: the result must not depend on read boundaries.
Fed feedBytewise(RequestParser& p, const std::string& bytes) {
    size_t total = 0;
    for (size_t i = 0; i < bytes.size(); ++i) {
        size_t used = 0;
        ParseStatus st = p.feed(bytes.data() + i, 1, used);
        total += used;
        if (st != ParseStatus::NeedMore) return {st, total};
    }
    return {ParseStatus::NeedMore, total};
}

}  // namespace

TEST_CASE("http request: a GET with its path, query and headers", "[http]") {
    const std::string req =
        "GET /api/v5/clients?page=2&limit=10 HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YTpi\r\n\r\n";
    for (bool bytewise : {false, true}) {
        RequestParser p;
        Fed f = bytewise ? feedBytewise(p, req) : feedAll(p, req);
        REQUIRE(f.status == ParseStatus::Done);
        CHECK(f.consumed == req.size());
        const HttpRequest& r = p.request();
        CHECK(r.method == "GET");
        CHECK(r.path == "/api/v5/clients");
        CHECK(r.query == "page=2&limit=10");
        REQUIRE(r.header("authorization"));
        CHECK(*r.header("authorization") == "Basic YTpi");
        CHECK(r.header("host"));
        CHECK(r.keep_alive);
        CHECK(r.body.empty());
    }
}

TEST_CASE("http request: pipelined requests are read one at a time", "[http]") {
    const std::string one = "GET /a HTTP/1.1\r\n\r\n";
    const std::string two = "POST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\nxyz";
    const std::string both = one + two;
    RequestParser p;
    Fed f = feedAll(p, both);
    REQUIRE(f.status == ParseStatus::Done);
    CHECK(f.consumed == one.size());
    CHECK(p.request().path == "/a");
    // A request read stays read until reset().
    CHECK(feedAll(p, "junk").status == ParseStatus::Done);
    p.reset();
    Fed g = feedAll(p, both.substr(f.consumed));
    REQUIRE(g.status == ParseStatus::Done);
    CHECK(p.request().method == "POST");
    CHECK(p.request().body == "xyz");
}

TEST_CASE("http request: keep-alive follows the version and Connection", "[http]") {
    RequestParser p;
    REQUIRE(feedAll(p, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n").status == ParseStatus::Done);
    CHECK_FALSE(p.request().keep_alive);
    p.reset();
    REQUIRE(feedAll(p, "GET / HTTP/1.0\r\n\r\n").status == ParseStatus::Done);
    CHECK_FALSE(p.request().keep_alive);
    p.reset();
    REQUIRE(feedAll(p, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").status == ParseStatus::Done);
    CHECK(p.request().keep_alive);
}

TEST_CASE("http request: a head over the limit is 431", "[http]") {
    HttpLimits limits;
    limits.max_head_bytes = 256;
    RequestParser p(limits);
    std::string req = "GET / HTTP/1.1\r\nX-Big: " + std::string(300, 'a') + "\r\n\r\n";
    Fed f = feedBytewise(p, req);
    REQUIRE(f.status == ParseStatus::Bad);
    CHECK(p.error().status == 431);
    // Within the limit it is read.
    RequestParser q(limits);
    CHECK(feedAll(q, "GET / HTTP/1.1\r\nX-Small: " + std::string(100, 'a') + "\r\n\r\n").status == ParseStatus::Done);
}

TEST_CASE("http request: a body over the limit is 413 before any of it is read", "[http]") {
    HttpLimits limits;
    limits.max_body_bytes = 1024;
    RequestParser p(limits);
    Fed f = feedAll(p, "POST /x HTTP/1.1\r\nContent-Length: 1025\r\n\r\n");
    REQUIRE(f.status == ParseStatus::Bad);
    CHECK(p.error().status == 413);
    // Exactly the limit is taken.
    RequestParser q(limits);
    CHECK(feedAll(q, "POST /x HTTP/1.1\r\nContent-Length: 1024\r\n\r\n" + std::string(1024, 'b')).status ==
          ParseStatus::Done);
    CHECK(q.request().body.size() == 1024);
}

TEST_CASE("http request: a chunked body is counted as it comes", "[http]") {
    HttpLimits limits;
    limits.max_body_bytes = 8;
    RequestParser p(limits);
    const std::string head = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    REQUIRE(feedAll(p, head + "5\r\nhello\r\n").status == ParseStatus::NeedMore);
    Fed f = feedAll(p, "5\r\nworld\r\n0\r\n\r\n");
    REQUIRE(f.status == ParseStatus::Bad);
    CHECK(p.error().status == 413);
    RequestParser q(limits);
    REQUIRE(feedAll(q, head + "3\r\nabc\r\n0\r\n\r\n").status == ParseStatus::Done);
    CHECK(q.request().body == "abc");
}

TEST_CASE("http request: malformed input is 400, another HTTP version 505", "[http]") {
    for (const char* bad : {"GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n", "GET / HTTP/1.x\r\n\r\n"}) {
        RequestParser p;
        INFO(bad);
        CHECK(feedAll(p, bad).status == ParseStatus::Bad);
        CHECK(p.error().status == 400);
    }
    RequestParser p;
    REQUIRE(feedAll(p, "GET / HTTP/2.0\r\n\r\n").status == ParseStatus::Bad);
    CHECK(p.error().status == 505);
}

TEST_CASE("http request: Expect 100-continue is reported once, while the body is awaited", "[http]") {
    RequestParser p;
    REQUIRE(feedAll(p, "POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n").status ==
            ParseStatus::NeedMore);
    CHECK(p.takeExpectContinue());
    CHECK_FALSE(p.takeExpectContinue());
    REQUIRE(feedAll(p, "ok").status == ParseStatus::Done);
    CHECK(p.request().body == "ok");
    CHECK(p.started());
    p.reset();
    CHECK_FALSE(p.started());
}
