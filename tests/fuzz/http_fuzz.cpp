// libFuzzer target: bytes -> the HTTP API's request reader, as a keep-alive
// connection reads them: requests one after another (reset after each),
// then what the router does with one (query, path parameters, Basic
// credentials). The first byte picks how the input is split into reads
// (a request must not depend on read boundaries) and small or default
// limits. Never crashes; consumed bytes never exceed what was fed; a
// refused stream stays refused.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/http/basic_auth.h"
#include "common/http/path_pattern.h"
#include "common/http/query_string.h"
#include "common/http/request_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const size_t chunk = 1 + (data[0] & 0x3F);
    emqx::http::HttpLimits limits;
    if (data[0] & 0x40) limits = {256, 64};
    ++data;
    --size;
    emqx::http::RequestParser parser(limits);
    size_t off = 0;
    while (off < size) {
        size_t n = std::min(chunk, size - off);
        size_t used = 0;
        auto st = parser.feed(reinterpret_cast<const char*>(data + off), n, used);
        if (used > n) __builtin_trap();
        if (st == emqx::http::ParseStatus::Bad) {
            if (parser.feed("x", 1, used) != emqx::http::ParseStatus::Bad) __builtin_trap();
            return 0;
        }
        if (st == emqx::http::ParseStatus::NeedMore && used < n) __builtin_trap();
        off += used;
        (void)parser.takeExpectContinue();
        if (st == emqx::http::ParseStatus::Done) {
            const emqx::http::HttpRequest& r = parser.request();
            if (r.body.size() > limits.max_body_bytes) __builtin_trap();
            (void)emqx::http::parseQuery(r.query);
            emqx::http::PathParams params;
            (void)emqx::http::matchPath("/api/v5/clients/:clientid", r.path, params);
            if (const std::string* auth = r.header("authorization")) (void)emqx::http::parseBasicAuth(*auth);
            parser.reset();
        }
    }
    return 0;
}
