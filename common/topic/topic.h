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
// split it with parseFilter first.
bool isValidTopicFilter(std::string_view filter, size_t max_levels = 0);

// A broker's own topic: `$SYS` or under `$SYS/`.
bool isSys(std::string_view name);

// True when `filter` has a '+' or '#'.
bool hasWildcard(std::string_view filter);

// Does `filter` match topic `name`? A leading wildcard does not match a topic
// that starts with '$' (spec 4.7.2).
bool matches(std::string_view filter, std::string_view name);

// Number of levels: "a/b/c" -> 3, "a/" -> 2, "" -> 1.
size_t levelCount(std::string_view topic);

// A subscription's filter as the broker takes it, the one place filters are
// checked: `$share/g/a/b` -> {g, a/b}; `$queue/a/b` -> {$queue, a/b};
// anything else -> {"", itself}. Both views point into the argument.
struct ParsedFilter {
    std::string_view group;   // empty: not a shared subscription
    std::string_view filter;  // the filter topics are matched against
    bool shared() const { return !group.empty(); }
};

// nullopt when invalid: the real filter fails isValidTopicFilter (max_levels
// included), or a `$share` has an empty group, a group containing '+' or '#',
// or no filter part, or the real filter is itself shared.
std::optional<ParsedFilter> parseFilter(std::string_view filter, size_t max_levels = 0);

// The filter topics are matched against: `$share/<group>/` and `$queue/`
// removed (for authorization, which judges the real filter); `filter` itself
// when not shared or invalid.
std::string_view realFilter(std::string_view filter);

}  // namespace emqx::topic
