// libFuzzer target: bytes from a ctl socket -> what the daemon does with them
// before any handler runs (emqxd/ctl/ctl_server.cpp onRead/processLines/
// dispatch), with no daemon: the stream is split into lines by LineSplitter
// (fed in chunks whose size the first input byte picks, as reads arrive), a
// trailing CR is dropped and blank lines skipped, each line is parsed by
// parseRequest, the command looked up in the command table (findCommand) and
// its arguments checked (validateArgs). Never a crash, hang or leak, and:
//
// * lines come out in order, each within the limit, and joined with LF they
//   are the stream up to its last LF;
// * a refused request has one of the protocol's error codes, and the error
//   reply the daemon would send parses back with that code and id;
// * an accepted request has a non-empty cmd and object args, and re-encoded
//   (encodeRequest) parses back to the same id, cmd and argument names;
// * when validateArgs accepts, every argument a handler reads with
//   get<std::string>() / get<uint64_t>() has that type (handlers do not check
//   again), required ones are present, paths are absolute.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ctl/commands.h"
#include "common/ctl/protocol.h"

namespace {

using emqx::ctl::Json;
namespace ctl = emqx::ctl;
namespace code = emqx::ctl::code;

void check(bool ok) {
    if (!ok) std::abort();
}

void errorReplyRoundTrips(std::optional<int64_t> id, std::string_view c, std::string_view message) {
    const std::string line = ctl::encodeError(id, c, message);
    check(!line.empty() && line.back() == '\n');
    std::string why;
    auto reply = ctl::parseReply(std::string_view(line).substr(0, line.size() - 1), why);
    check(reply.has_value());
    check(!reply->ok && reply->code == c && reply->id == id);
}

void checkArgs(const ctl::CommandSpec& spec, const Json& args) {
    std::string why;
    if (!ctl::validateArgs(spec, args, why)) {
        check(!why.empty());
        return;
    }
    check(args.is_object());
    for (auto it = args.begin(); it != args.end(); ++it) {
        bool known = false;
        for (const auto& a : spec.args) known = known || a.name == it.key();
        check(known);
    }
    for (const auto& a : spec.args) {
        const std::string name(a.name);
        if (!args.contains(name)) {
            check(!a.required);
            continue;
        }
        // What the handlers do (ctl_commands.cpp): these must not throw.
        if (a.kind == ctl::ArgKind::UInt) {
            (void)args[name].get<uint64_t>();
        } else if (a.kind == ctl::ArgKind::Flag) {
            (void)args[name].get<bool>();
        } else if (a.kind == ctl::ArgKind::StringList) {
            (void)args[name].get<std::vector<std::string>>();
        } else {
            const std::string& s = args[name].get_ref<const std::string&>();
            if (a.kind == ctl::ArgKind::Path) check(!s.empty() && s.front() == '/');
        }
    }
}

void dispatch(std::string_view line) {
    ctl::ProtocolError err;
    auto req = ctl::parseRequest(line, err);
    if (!req) {
        check(err.code == code::kBadRequest || err.code == code::kBadVersion || err.code == code::kLineTooLong);
        check(!err.message.empty());
        errorReplyRoundTrips(err.id, err.code, err.message);
        return;
    }
    check(!req->cmd.empty() && req->args.is_object());
    // Re-encoded (as emqxctl sends it), it reads back the same. Bounded size:
    // dump and == recurse per nesting level of args.
    if (line.size() <= 4096) {
        const std::string again = ctl::encodeRequest(*req);
        ctl::ProtocolError err2;
        auto back = ctl::parseRequest(std::string_view(again).substr(0, again.size() - 1), err2);
        check(back.has_value());
        check(back->id == req->id && back->cmd == req->cmd && back->args.size() == req->args.size());
        for (auto it = req->args.begin(); it != req->args.end(); ++it) check(back->args.contains(it.key()));
    }
    const ctl::CommandSpec* spec = ctl::findCommand(req->cmd);
    if (spec == nullptr) {
        errorReplyRoundTrips(req->id, code::kUnknownCommand, "unknown command \"" + req->cmd + "\"");
        return;
    }
    check(spec->name == req->cmd);
    checkArgs(*spec, req->args);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const size_t chunk = 1 + data[0] % 64;
    const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
    // A small limit as well as the daemon's, so that the overflow path is
    // reached with inputs of fuzzer size.
    for (size_t max_line : {ctl::kMaxLineBytes, size_t{48}}) {
        ctl::LineSplitter lines(max_line);
        std::string joined;
        bool overflowed = false;
        for (size_t pos = 0; pos < stream.size() && !overflowed; pos += chunk) {
            overflowed = !lines.feed(stream.substr(pos, chunk));
            while (auto line = lines.next()) {
                check(line->size() <= max_line);
                joined += *line;
                joined += '\n';
                if (!line->empty() && line->back() == '\r') line->pop_back();
                if (line->empty()) continue;  // blank lines are ignored
                dispatch(*line);
            }
            check(lines.pending() <= max_line + chunk);
        }
        check(overflowed == lines.overflowed());
        check(!lines.next().has_value() || !overflowed);
        // What came out is the stream, in order, up to some LF.
        check(stream.substr(0, joined.size()) == joined);
        if (!overflowed) check(joined.size() == stream.rfind('\n') + 1);  // npos + 1 == 0: no LF, no line
    }
    return 0;
}
