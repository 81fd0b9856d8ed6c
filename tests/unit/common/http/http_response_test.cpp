// A response's bytes on the wire and EMQX's error body.
#include <catch2/catch.hpp>

#include "common/http/http_response.h"

using namespace emqx::http;

TEST_CASE("http response: status line, headers, length, close", "[http]") {
    HttpResponse r = errorResponse(404, "CLIENTID_NOT_FOUND", "Client ID not found");
    std::string keep = serializeResponse(r, true);
    const std::string body = "{\"code\":\"CLIENTID_NOT_FOUND\",\"message\":\"Client ID not found\"}";
    CHECK(keep == "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body);
    CHECK(serializeResponse(r, false).find("\r\nconnection: close\r\n\r\n") != std::string::npos);
    CHECK(serializeResponse(noContent(), true) == "HTTP/1.1 204 No Content\r\n\r\n");
}

TEST_CASE("http response: a status as an error word", "[http]") {
    CHECK(statusWord(400) == "BAD_REQUEST");
    CHECK(statusWord(413) == "PAYLOAD_TOO_LARGE");
    CHECK(statusWord(431) == "REQUEST_HEADER_FIELDS_TOO_LARGE");
}
