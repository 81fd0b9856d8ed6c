#pragma once
// One HTTP/1.1 request as the server read it (request_parser.h).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emqx::http {

struct HttpRequest {
    std::string method;                                        // "GET", "POST"...
    std::string path;                                          // the target before '?', still percent-encoded
    std::string query;                                         // the target after '?', still percent-encoded
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-case, in arrival order
    std::string body;
    bool keep_alive = true;  // the client may send another request on this connection
    std::string peer;        // the client's address, "1.2.3.4:5" / "[::1]:5" (set by the server)

    // The first header named `name` (lower-case), or null.
    const std::string* header(std::string_view name) const {
        for (const auto& [n, v] : headers)
            if (n == name) return &v;
        return nullptr;
    }
};

}  // namespace emqx::http
