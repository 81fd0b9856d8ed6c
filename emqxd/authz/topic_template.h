#pragma once
// Rule topics with placeholders (`${username}`, `%u`, `${clientid}`, `%c`),
// rendered for one client. Every authorization source renders its templates
// here, so one place decides what a client-chosen value may bring into a rule.
//
// A value holding `+`, `#` or `/` would widen the rule: client id `#` turns
// `${clientid}/#` into `#/#`, which matches every topic (mosquitto's
// CVE-2017-7650). Such a value makes the rule not match, unless
// authorization.topic_template_allow.plus / .hash / .slash (EMQX 6.3's keys,
// all false by default) let it through; a NUL never passes. An empty value
// (no username) never matches either. The pattern is scanned once, so a value
// is never searched for placeholders itself (username `%c` stays `%c`).
// Pure: no I/O, any thread.
#include <string>
#include <string_view>

namespace emqx::authz {

struct TemplateValues {
    std::string_view username;
    std::string_view clientid;
};

struct TemplatePolicy {
    bool allow_plus = false;
    bool allow_hash = false;
    bool allow_slash = false;
};

enum class TemplateOutcome {
    Rendered,      // `out` holds the filter to match
    MissingValue,  // a placeholder's value is empty: the rule does not match
    UnsafeValue,   // a value holds a wildcard, a '/' or a NUL the policy refuses
};

struct TemplateResult {
    TemplateOutcome outcome = TemplateOutcome::Rendered;
    std::string_view placeholder;  // the refused one (MissingValue / UnsafeValue), as written in the rule
    char offending = 0;            // UnsafeValue: the character refused
};

// True when `pattern` holds a placeholder (decided once, when rules load).
bool hasPlaceholder(std::string_view pattern);

TemplateResult renderTopicTemplate(std::string_view pattern, const TemplateValues& values, const TemplatePolicy& policy,
                                   std::string& out);

}  // namespace emqx::authz
