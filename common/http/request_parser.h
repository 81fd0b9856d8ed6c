#pragma once
// Reads HTTP/1.1 requests from a byte stream with Debian's http-parser (the
// one the WebSocket upgrade uses), one request at a time and bounded: the
// request line and headers together at most `max_head_bytes` (431 beyond),
// the body at most `max_body_bytes` (413, known from Content-Length before
// any of it is buffered; a chunked body is counted as it comes). Pure code,
// no I/O: fuzzed by tests/fuzz/http_fuzz.cpp.
#include <cstddef>
#include <memory>
#include <string>

#include "common/http/http_request.h"

namespace emqx::http {

struct HttpLimits {
    size_t max_head_bytes = 16 * 1024;
    size_t max_body_bytes = 1024 * 1024;
};

enum class ParseStatus { NeedMore, Done, Bad };

// Why a request was refused: the status to answer with and the reason.
struct ParseError {
    int status = 400;
    std::string reason;
};

class RequestParser {
public:
    explicit RequestParser(HttpLimits limits = {});
    ~RequestParser();
    RequestParser(const RequestParser&) = delete;
    RequestParser& operator=(const RequestParser&) = delete;

    // Feeds bytes of the current request. NeedMore: all `len` bytes were
    // taken. Done: the request is whole; `consumed` bytes of this call were
    // its last, the rest begin the next request (fed after reset()). Bad:
    // error() says what to answer; the connection closes after it.
    ParseStatus feed(const char* data, size_t len, size_t& consumed);
    // Forgets the request read, ready for the next one on the connection.
    void reset();

    // The request once Done (moved out by take()).
    HttpRequest& request();
    const ParseError& error() const { return error_; }
    // True once per request: its headers asked "Expect: 100-continue" and
    // its body is still to come, so the client waits for a 100 Continue.
    bool takeExpectContinue();
    // Some byte of the current request has been read.
    bool started() const;

    struct State;  // http-parser callbacks' view (public for the C callbacks)

private:
    ParseStatus fail(int status, std::string reason);

    HttpLimits limits_;
    std::unique_ptr<State> st_;
    ParseError error_;
    size_t head_seen_ = 0;
    bool bad_ = false;
};

}  // namespace emqx::http
