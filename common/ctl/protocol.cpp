#include "common/ctl/protocol.h"

#include <utility>

namespace emqx::ctl {

namespace {

std::optional<int64_t> readId(const Json& j) {
    if (!j.is_object()) return std::nullopt;
    auto it = j.find("id");
    if (it == j.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<int64_t>();
}

}  // namespace

std::optional<Request> parseRequest(std::string_view line, ProtocolError& err) {
    err = {};
    if (line.size() > kMaxLineBytes) {
        err = {std::string(code::kLineTooLong), "request line longer than " + std::to_string(kMaxLineBytes) + " bytes",
               std::nullopt};
        return std::nullopt;
    }
    Json j = Json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
        err = {std::string(code::kBadRequest), "request is not valid JSON", std::nullopt};
        return std::nullopt;
    }
    if (!j.is_object()) {
        err = {std::string(code::kBadRequest), "request must be a JSON object", std::nullopt};
        return std::nullopt;
    }
    err.id = readId(j);
    auto v = j.find("v");
    if (v == j.end() || !v->is_number_integer()) {
        err.code = code::kBadRequest;
        err.message = "missing or non-integer field \"v\"";
        return std::nullopt;
    }
    if (v->get<int64_t>() != kProtocolVersion) {
        err.code = code::kBadVersion;
        err.message = "protocol version " + std::to_string(v->get<int64_t>()) +
                      " is not supported (this daemon speaks " + std::to_string(kProtocolVersion) + ")";
        return std::nullopt;
    }
    if (!err.id) {
        err.code = code::kBadRequest;
        err.message = "missing or non-integer field \"id\"";
        return std::nullopt;
    }
    auto cmd = j.find("cmd");
    if (cmd == j.end() || !cmd->is_string() || cmd->get_ref<const std::string&>().empty()) {
        err.code = code::kBadRequest;
        err.message = "missing or non-string field \"cmd\"";
        return std::nullopt;
    }
    Request r;
    r.id = *err.id;
    r.cmd = cmd->get<std::string>();
    if (auto a = j.find("args"); a != j.end() && !a->is_null()) {
        if (!a->is_object()) {
            err.code = code::kBadRequest;
            err.message = "field \"args\" must be an object";
            return std::nullopt;
        }
        r.args = std::move(*a);  // a copy recurses per nesting level (32k in a 64 KiB line)
    }
    return r;
}

std::string encodeRequest(const Request& r) {
    Json j = {
        {"v", kProtocolVersion}, {"id", r.id}, {"cmd", r.cmd}, {"args", r.args.is_null() ? Json::object() : r.args}};
    return j.dump() + "\n";
}

std::string encodeOk(int64_t id, const Json& data) {
    Json j = {{"id", id}, {"ok", true}, {"data", data}};
    // Replacement instead of an exception for invalid UTF-8 (client ids are bytes).
    return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string encodeError(std::optional<int64_t> id, std::string_view c, std::string_view message) {
    Json j = {{"id", id ? Json(*id) : Json(nullptr)},
              {"ok", false},
              {"error", {{"code", std::string(c)}, {"message", std::string(message)}}}};
    return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::optional<Reply> parseReply(std::string_view line, std::string& error) {
    Json j = Json::parse(line.begin(), line.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        error = "reply is not a JSON object";
        return std::nullopt;
    }
    auto ok = j.find("ok");
    if (ok == j.end() || !ok->is_boolean()) {
        error = "reply has no boolean \"ok\"";
        return std::nullopt;
    }
    Reply r;
    r.id = readId(j);
    r.ok = ok->get<bool>();
    if (r.ok) {
        auto d = j.find("data");
        r.data = d == j.end() ? Json(nullptr) : *d;
        return r;
    }
    auto e = j.find("error");
    if (e == j.end() || !e->is_object() || !e->contains("code") || !(*e)["code"].is_string()) {
        error = "error reply has no error.code";
        return std::nullopt;
    }
    r.code = (*e)["code"].get<std::string>();
    if (e->contains("message") && (*e)["message"].is_string()) r.message = (*e)["message"].get<std::string>();
    return r;
}

bool LineSplitter::feed(std::string_view bytes) {
    if (overflowed_) return false;
    if (pos_ > 0 && pos_ * 2 >= buf_.size()) {
        buf_.erase(0, pos_);
        pos_ = 0;
    }
    buf_.append(bytes);
    // Check every line now complete or still open against the limit.
    size_t start = pos_;
    size_t from = pos_ + scanned_;
    while (true) {
        size_t lf = buf_.find('\n', from);
        if (lf == std::string::npos) {
            if (buf_.size() - start > max_line_) overflowed_ = true;
            break;
        }
        if (lf - start > max_line_) {
            overflowed_ = true;
            break;
        }
        start = lf + 1;
        from = start;
    }
    // Lines before `start` are complete and within the limit; keep scanning
    // state only for the first unconsumed line.
    size_t first_lf = buf_.find('\n', pos_);
    scanned_ = first_lf == std::string::npos ? buf_.size() - pos_ : 0;
    return !overflowed_;
}

std::optional<std::string> LineSplitter::next() {
    if (overflowed_) return std::nullopt;
    size_t lf = buf_.find('\n', pos_);
    if (lf == std::string::npos) {
        scanned_ = buf_.size() - pos_;
        return std::nullopt;
    }
    std::string line = buf_.substr(pos_, lf - pos_);
    pos_ = lf + 1;
    scanned_ = 0;
    if (pos_ == buf_.size()) {
        buf_.clear();
        pos_ = 0;
    }
    return line;
}

}  // namespace emqx::ctl
