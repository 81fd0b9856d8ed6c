#include "common/http/http_response.h"

#include <cctype>

namespace emqx::http {

std::string_view statusText(int status) {
    switch (status) {
        case 100: return "Continue";
        case 200: return "OK";
        case 204: return "No Content";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 413: return "Payload Too Large";
        case 415: return "Unsupported Media Type";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 503: return "Service Unavailable";
        case 505: return "HTTP Version Not Supported";
        default: return "";
    }
}

std::string statusWord(int status) {
    std::string word(statusText(status));
    for (char& c : word) c = c == ' ' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return word;
}

std::string serializeResponse(const HttpResponse& r, bool keep_alive) {
    std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + std::string(statusText(r.status)) + "\r\n";
    for (const auto& [name, value] : r.headers) out += name + ": " + value + "\r\n";
    if (r.status != 204) out += "content-length: " + std::to_string(r.body.size()) + "\r\n";
    if (!keep_alive) out += "connection: close\r\n";
    out += "\r\n";
    if (r.status != 204) out += r.body;
    return out;
}

HttpResponse jsonResponse(const nlohmann::json& body, int status) {
    // Client ids and topics are bytes: invalid UTF-8 is replaced, never a throw.
    return {status,
            {{"content-type", "application/json"}},
            body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

HttpResponse errorResponse(int status, std::string_view code, std::string_view message) {
    return jsonResponse({{"code", code}, {"message", message}}, status);
}

HttpResponse noContent() { return {204, {}, {}}; }

}  // namespace emqx::http
