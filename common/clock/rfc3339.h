#pragma once
// RFC 3339 times as EMQX's API takes them (ban and trace times). Pure code.
#include <cstdint>
#include <optional>
#include <string_view>

namespace emqx {

// "2021-10-25T21:48:47+08:00", "...Z", with optional fractions of a second
// -> seconds since the epoch; nullopt for anything else.
std::optional<int64_t> parseRfc3339(std::string_view text);

}  // namespace emqx
