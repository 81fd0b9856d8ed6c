#pragma once
// The control protocol between emqxctl and emqxd (docs/ctl-protocol.md), as
// pure code: no sockets, no libuv. One JSON object per line (LF-terminated):
//
//   request  {"v":1,"id":7,"cmd":"listeners.list","args":{}}
//   reply    {"id":7,"ok":true,"data":...}
//            {"id":7,"ok":false,"error":{"code":"not_found","message":"..."}}
//
// A line longer than kMaxLineBytes, a line that is not a JSON object, or one
// with missing or mistyped fields or another "v" gets an error reply and the
// connection is closed by the daemon.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace emqx::ctl {

using Json = nlohmann::json;

inline constexpr int kProtocolVersion = 1;
inline constexpr size_t kMaxLineBytes = 64 * 1024;  // without the LF

// Error codes carried in {"error":{"code":..}}. Stable: scripts match on them.
namespace code {
inline constexpr std::string_view kBadRequest = "bad_request";          // not JSON / fields missing or mistyped
inline constexpr std::string_view kBadVersion = "unsupported_version";  // "v" is not kProtocolVersion
inline constexpr std::string_view kLineTooLong = "line_too_long";       // over kMaxLineBytes
inline constexpr std::string_view kUnknownCommand = "unknown_command";
inline constexpr std::string_view kBadArgs = "bad_args";
inline constexpr std::string_view kNotFound = "not_found";
inline constexpr std::string_view kFailed = "failed";
inline constexpr std::string_view kForbidden = "forbidden";  // peer uid refused
inline constexpr std::string_view kShuttingDown = "shutting_down";
inline constexpr std::string_view kNotAvailable = "not_available";  // an EMQX command emqxd does not have (yet)
// emqxctl's own, never on the wire: printed with --json like the daemon's.
inline constexpr std::string_view kUnreachable = "unreachable";  // no daemon answers on the socket
inline constexpr std::string_view kNoReply = "no_reply";         // no (well-formed) reply in time
}  // namespace code

struct Request {
    int64_t id = 0;
    std::string cmd;
    Json args = Json::object();
};

struct ProtocolError {
    std::string code;
    std::string message;
    // The request id when it could be read, so the reply can echo it.
    std::optional<int64_t> id;
};

// Parses one request line (without its LF). On failure returns nullopt and
// fills `err`; the daemon replies with it and closes the connection.
std::optional<Request> parseRequest(std::string_view line, ProtocolError& err);

// One line each, LF included.
std::string encodeRequest(const Request& r);
std::string encodeOk(int64_t id, const Json& data);
std::string encodeError(std::optional<int64_t> id, std::string_view code, std::string_view message);

struct Reply {
    std::optional<int64_t> id;  // null when the daemon could not read the request's id
    bool ok = false;
    Json data;         // when ok
    std::string code;  // when !ok
    std::string message;
};

// Parses one reply line (without its LF); nullopt with `error` set when it is
// not a well-formed reply.
std::optional<Reply> parseReply(std::string_view line, std::string& error);

// Splits a byte stream into lines without ever holding more than
// kMaxLineBytes (+1 for the LF) of an unfinished line.
class LineSplitter {
public:
    explicit LineSplitter(size_t max_line = kMaxLineBytes) : max_line_(max_line) {}

    // Appends bytes; complete lines become available through next().
    // Returns false once the unfinished line is longer than the limit
    // (the splitter then stays in that state).
    bool feed(std::string_view bytes);
    // Takes the next complete line (without LF; a trailing CR is kept).
    std::optional<std::string> next();
    bool overflowed() const { return overflowed_; }
    // Bytes of an unfinished line held.
    size_t pending() const { return buf_.size() - pos_; }

private:
    size_t max_line_;
    std::string buf_;
    size_t pos_ = 0;      // start of the first unconsumed line
    size_t scanned_ = 0;  // bytes from pos_ already known to hold no LF
    bool overflowed_ = false;
};

}  // namespace emqx::ctl
