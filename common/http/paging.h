#pragma once
// EMQX's paging of list endpoints: `page` (from 1) and `limit` (1..10000,
// default 100) in the query; the answer {"data": [...], "meta": {"page",
// "limit", "count", "hasnext"}}. Pure code.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/http/query_string.h"

namespace emqx::http {

inline constexpr uint64_t kDefaultPageLimit = 100;
inline constexpr uint64_t kMaxPageLimit = 10000;

struct PageRequest {
    uint64_t page = 1;
    uint64_t limit = kDefaultPageLimit;
};

// From the query; nullopt with why ("page: ...") for a value that is no
// integer in range.
std::optional<PageRequest> parsePageRequest(const QueryParams& q, std::string& error);

// The page of `rows` (a JSON array, in order): {"data", "meta"}.
nlohmann::json pageOf(const nlohmann::json& rows, const PageRequest& p);

// How many rows come before page `p`.
inline uint64_t rowsBefore(const PageRequest& p) { return (p.page - 1) * p.limit; }

// The "meta" of page `p` when `count` rows pass in all (for endpoints whose
// handlers page themselves).
nlohmann::json pageMeta(const PageRequest& p, uint64_t count);

}  // namespace emqx::http
