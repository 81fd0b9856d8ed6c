// Topic names and filters: MQTT 5.0 sections 4.7 (names, filters, wildcards)
// and 4.8.2 (shared subscriptions), with EMQX's `$queue/<filter>` alias for
// `$share/$queue/<filter>`.
//
// isValid*, hasWildcard, matches and levelCount sit on the per-message path:
// they only walk the string_views and never allocate.
#include "common/topic/topic.h"

namespace emqx::topic {

namespace {

// MQTT UTF-8 strings carry a 16-bit length prefix.
constexpr size_t kMaxTopicBytes = 65535;

constexpr std::string_view kSharePrefix = "$share/";
constexpr std::string_view kQueuePrefix = "$queue/";
constexpr std::string_view kQueueGroup = "$queue";

// End of the level starting at `from`: the index of the next '/' or size().
inline size_t levelEnd(std::string_view s, size_t from) {
    size_t e = s.find('/', from);
    return e == std::string_view::npos ? s.size() : e;
}

}  // namespace

bool isValidTopicName(std::string_view name, size_t max_levels) {
    if (name.empty() || name.size() > kMaxTopicBytes) return false;
    size_t levels = 1;
    for (char c : name) {
        switch (c) {
            case '+':
            case '#':
            case '\0': return false;
            case '/': ++levels; break;
            default: break;
        }
    }
    return max_levels == 0 || levels <= max_levels;
}

bool isValidTopicFilter(std::string_view filter, size_t max_levels) {
    if (filter.empty() || filter.size() > kMaxTopicBytes) return false;
    // Shared forms must be split with parseFilter first.
    if (filter.starts_with(kSharePrefix) || filter.starts_with(kQueuePrefix)) return false;
    const size_t n = filter.size();
    size_t levels = 1;
    size_t levelStart = 0;
    for (size_t i = 0; i < n; ++i) {
        switch (filter[i]) {
            case '/':
                ++levels;
                levelStart = i + 1;
                break;
            case '+':  // alone in its level (4.7.1.3)
                if (i != levelStart || (i + 1 < n && filter[i + 1] != '/')) return false;
                break;
            case '#':  // alone in its level and the last level (4.7.1.2)
                if (i != levelStart || i + 1 != n) return false;
                break;
            case '\0': return false;
            default: break;
        }
    }
    return max_levels == 0 || levels <= max_levels;
}

bool hasWildcard(std::string_view filter) { return filter.find_first_of("+#") != std::string_view::npos; }

bool matches(std::string_view filter, std::string_view name) {
    if (filter.empty() || name.empty()) return false;
    // 4.7.2: a leading wildcard does not match a name starting with '$'.
    if (name.front() == '$' && (filter.front() == '+' || filter.front() == '#')) return false;

    size_t fi = 0;
    size_t ni = 0;
    for (;;) {
        // Invariant: both fi and ni are at the start of a level (possibly empty).
        const size_t fe = levelEnd(filter, fi);
        const std::string_view fl = filter.substr(fi, fe - fi);
        if (fl == "#") return fe == filter.size();  // matches this level and below

        const size_t ne = levelEnd(name, ni);
        if (fl != "+" && fl != name.substr(ni, ne - ni)) return false;

        const bool filterDone = fe == filter.size();
        const bool nameDone = ne == name.size();
        if (filterDone) return nameDone;
        if (nameDone) {
            // "a/#" matches "a": only a trailing "/#" may remain.
            return filter.substr(fe + 1) == "#";
        }
        fi = fe + 1;
        ni = ne + 1;
    }
}

bool isSys(std::string_view name) { return name == "$SYS" || name.starts_with("$SYS/"); }

size_t levelCount(std::string_view topic) {
    size_t n = 1;
    for (char c : topic) n += (c == '/');
    return n;
}

std::optional<ParsedFilter> parseFilter(std::string_view filter, size_t max_levels) {
    ParsedFilter parsed{std::string_view(), filter};
    if (filter.starts_with(kQueuePrefix)) {
        parsed = {kQueueGroup, filter.substr(kQueuePrefix.size())};
    } else if (filter.starts_with(kSharePrefix)) {
        const std::string_view rest = filter.substr(kSharePrefix.size());
        const size_t slash = rest.find('/');
        if (slash == std::string_view::npos) return std::nullopt;  // "$share/g": no filter part
        parsed = {rest.substr(0, slash), rest.substr(slash + 1)};
        // 4.8.2: ShareName at least one character, no '/', '+' or '#'.
        if (parsed.group.empty() || parsed.group.find_first_of(std::string_view("+#\0", 3)) != std::string_view::npos)
            return std::nullopt;
    }
    // The real filter must itself be a valid, non-shared filter (EMQX rejects
    // nested `$share/g/$share/...` and `$queue/$queue/...`).
    if (!isValidTopicFilter(parsed.filter, max_levels)) return std::nullopt;
    return parsed;
}

std::string_view realFilter(std::string_view filter) {
    auto parsed = parseFilter(filter);
    return parsed ? parsed->filter : filter;
}

}  // namespace emqx::topic
