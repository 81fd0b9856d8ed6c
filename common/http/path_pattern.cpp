#include "common/http/path_pattern.h"

#include "common/http/query_string.h"

namespace emqx::http {

namespace {

std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    while (true) {
        size_t slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

}  // namespace

PathMatch matchPath(std::string_view pattern, std::string_view path, PathParams& params) {
    params.clear();
    auto want = segments(pattern);
    auto got = segments(path);
    if (want.size() != got.size()) return PathMatch::No;
    bool bad = false;
    for (size_t i = 0; i < want.size(); ++i) {
        if (!want[i].empty() && want[i].front() == ':') {
            if (got[i].empty()) return PathMatch::No;
            auto value = percentDecode(got[i], false);
            if (!value) bad = true;
            else params.emplace_back(std::string(want[i].substr(1)), std::move(*value));
        } else if (want[i] != got[i]) {
            return PathMatch::No;
        }
    }
    return bad ? PathMatch::BadEncoding : PathMatch::Yes;
}

std::string openApiPath(std::string_view pattern) {
    std::string out;
    for (auto seg : segments(pattern)) {
        out += '/';
        if (!seg.empty() && seg.front() == ':') out += "{" + std::string(seg.substr(1)) + "}";
        else out += seg;
    }
    return out;
}

std::vector<std::string> pathParamNames(std::string_view pattern) {
    std::vector<std::string> out;
    for (auto seg : segments(pattern))
        if (!seg.empty() && seg.front() == ':') out.emplace_back(seg.substr(1));
    return out;
}

}  // namespace emqx::http
