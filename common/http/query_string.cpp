#include "common/http/query_string.h"

namespace emqx::http {

namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::optional<std::string> percentDecode(std::string_view s, bool plus_is_space) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '+' && plus_is_space) {
            out += ' ';
        } else if (c == '%') {
            if (i + 2 >= s.size()) return std::nullopt;
            int hi = hexValue(s[i + 1]);
            int lo = hexValue(s[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::optional<QueryParams> parseQuery(std::string_view query) {
    QueryParams out;
    while (!query.empty()) {
        size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty()) continue;
        size_t eq = pair.find('=');
        auto name = percentDecode(pair.substr(0, eq), true);
        auto value = percentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
        if (!name || !value) return std::nullopt;
        out.emplace_back(std::move(*name), std::move(*value));
    }
    return out;
}

const std::string* queryValue(const QueryParams& q, std::string_view name) {
    for (const auto& [n, v] : q)
        if (n == name) return &v;
    return nullptr;
}

}  // namespace emqx::http
