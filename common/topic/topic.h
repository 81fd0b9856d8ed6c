#pragma once
// Topic names and filters (MQTT spec 4.7): validation, matching, and the
// shared-subscription forms `$share/<group>/<filter>` and `$queue/<filter>`.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace emqx::topic {

// A topic name a client may publish to: non-empty, no '+' or '#', no U+0000,
// at most max_levels levels (0 = unlimited).
bool isValidTopicName(std::string_view name, size_t max_levels = 0);

// A subscription filter: non-empty, '+' alone in its level, '#' alone and last,
// at most max_levels levels (0 = unlimited). `$share/...` is NOT accepted here:
// split it with parseShared first.
bool isValidTopicFilter(std::string_view filter, size_t max_levels = 0);

// True when `filter` has a '+' or '#'.
bool hasWildcard(std::string_view filter);

// Does `filter` match topic `name`? A leading wildcard does not match a topic
// that starts with '$' (spec 4.7.2).
bool matches(std::string_view filter, std::string_view name);

// Number of levels: "a/b/c" -> 3, "a/" -> 2, "" -> 1.
size_t levelCount(std::string_view topic);

struct SharedFilter {
    std::string group;   // "$queue" for `$queue/<filter>`
    std::string filter;  // the real filter
};

// `$share/g/a/b` -> {g, a/b}; `$queue/a/b` -> {$queue, a/b}; anything else -> nullopt.
// A `$share` with an empty group, a group containing '+' or '#', or no filter
// part is invalid: `valid` is set false in that case and nullopt returned.
std::optional<SharedFilter> parseShared(std::string_view filter, bool& valid);

}  // namespace emqx::topic
