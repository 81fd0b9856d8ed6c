// libFuzzer target: bytes -> the ACL file parser (common/acl) must never
// crash, hang or read out of bounds. A parse either yields rules or an error
// whose line and column lie inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "common/acl/acl_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<emqx::acl::Rule> rules;
    emqx::acl::ParseError error;
    if (emqx::acl::parseAcl(text, rules, error)) {
        for (const auto& r : rules)
            if (!r.all_topics)
                for (const auto& t : r.topics)
                    if (t.topic.empty()) std::abort();  // empty topics are refused
        return 0;
    }
    if (!rules.empty() || error.line < 1 || error.column < 1 || error.message.empty()) std::abort();
    size_t lines = 1;
    for (char c : text) lines += c == '\n';
    if (static_cast<size_t>(error.line) > lines) std::abort();
    return 0;
}
