#pragma once
// One HTTP/1.1 response and its bytes on the wire. Errors carry EMQX's body,
// {"code": "CLIENTID_NOT_FOUND", "message": "Client ID not found"}. Pure code.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace emqx::http {

struct HttpResponse {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;  // without content-length and connection
    std::string body;
};

// "OK", "Not Found"... ("" for a status this server never sends).
std::string_view statusText(int status);

// The status as an error code word: 413 -> "PAYLOAD_TOO_LARGE".
std::string statusWord(int status);

// Status line, headers, content-length, "connection: close" when the
// connection ends after it, then the body.
std::string serializeResponse(const HttpResponse& r, bool keep_alive);

// 200 (or `status`) with a JSON body.
HttpResponse jsonResponse(const nlohmann::json& body, int status = 200);

// `status` with EMQX's error body.
HttpResponse errorResponse(int status, std::string_view code, std::string_view message);

// 204, no body (what EMQX answers a successful DELETE with).
HttpResponse noContent();

}  // namespace emqx::http
