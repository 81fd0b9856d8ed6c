#include "common/http/paging.h"

#include <charconv>

namespace emqx::http {

namespace {

// A whole number in [min, max], or nullopt.
std::optional<uint64_t> boundedInteger(const std::string& s, uint64_t min, uint64_t max) {
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v < min || v > max) return std::nullopt;
    return v;
}

}  // namespace

std::optional<PageRequest> parsePageRequest(const QueryParams& q, std::string& error) {
    PageRequest p;
    if (const std::string* page = queryValue(q, "page")) {
        auto v = boundedInteger(*page, 1, UINT32_MAX);
        if (!v) {
            error = "page: expected a positive integer, got \"" + *page + "\"";
            return std::nullopt;
        }
        p.page = *v;
    }
    if (const std::string* limit = queryValue(q, "limit")) {
        auto v = boundedInteger(*limit, 1, kMaxPageLimit);
        if (!v) {
            error = "limit: expected an integer 1.." + std::to_string(kMaxPageLimit) + ", got \"" + *limit + "\"";
            return std::nullopt;
        }
        p.limit = *v;
    }
    return p;
}

nlohmann::json pageMeta(const PageRequest& p, uint64_t count) {
    return {{"page", p.page}, {"limit", p.limit}, {"count", count}, {"hasnext", rowsBefore(p) + p.limit < count}};
}

nlohmann::json pageOf(const nlohmann::json& rows, const PageRequest& p) {
    const uint64_t count = rows.size();
    const uint64_t first = rowsBefore(p);
    nlohmann::json data = nlohmann::json::array();
    for (uint64_t i = first; i < count && i < first + p.limit; ++i) data.push_back(rows[i]);
    return {{"data", std::move(data)}, {"meta", pageMeta(p, count)}};
}

}  // namespace emqx::http
