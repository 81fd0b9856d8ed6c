#include "emqxd/authz/topic_template.h"

#include <array>
#include <optional>

namespace emqx::authz {

namespace {

struct Placeholder {
    std::string_view text;
    std::string_view TemplateValues::*value;
};

constexpr std::array<Placeholder, 4> kPlaceholders{{
    {"${username}", &TemplateValues::username},
    {"${clientid}", &TemplateValues::clientid},
    {"%u", &TemplateValues::username},
    {"%c", &TemplateValues::clientid},
}};

// The first character of `value` the policy refuses (a NUL is one, so "none" is nullopt).
std::optional<char> refusedChar(std::string_view value, const TemplatePolicy& policy) {
    for (char ch : value) {
        if (ch == '\0' || (ch == '+' && !policy.allow_plus) || (ch == '#' && !policy.allow_hash) ||
            (ch == '/' && !policy.allow_slash))
            return ch;
    }
    return std::nullopt;
}

const Placeholder* placeholderAt(std::string_view pattern, size_t pos) {
    for (const Placeholder& p : kPlaceholders)
        if (pattern.substr(pos, p.text.size()) == p.text) return &p;
    return nullptr;
}

}  // namespace

bool hasPlaceholder(std::string_view pattern) {
    for (size_t pos = 0; pos < pattern.size(); ++pos)
        if (placeholderAt(pattern, pos)) return true;
    return false;
}

TemplateResult renderTopicTemplate(std::string_view pattern, const TemplateValues& values, const TemplatePolicy& policy,
                                   std::string& out) {
    out.clear();
    for (size_t pos = 0; pos < pattern.size();) {
        const Placeholder* p = placeholderAt(pattern, pos);
        if (!p) {
            out.push_back(pattern[pos++]);
            continue;
        }
        std::string_view value = values.*(p->value);
        if (value.empty()) return {TemplateOutcome::MissingValue, p->text, 0};
        if (auto bad = refusedChar(value, policy)) return {TemplateOutcome::UnsafeValue, p->text, *bad};
        out.append(value);
        pos += p->text.size();
    }
    return {};
}

}  // namespace emqx::authz
