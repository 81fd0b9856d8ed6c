// etc/emqx.toml, generated from the key table: every key with its doc line and
// its default as written in the table.
#include <string>

#include "common/config/config_keys.h"
#include "common/config/config_loader.h"
#include "common/config/value_parsers.h"

namespace emqx::config {
namespace {

const char* const kHeader =
    "# emqxd configuration (EMQX 5 key names).\n"
    "#\n"
    "# Every key is listed with its doc line and its default.\n"
    "# Environment variables override this file: EMQX_<PATH> with \"__\" between\n"
    "# levels, case-insensitive, e.g. EMQX_MQTT__MAX_INFLIGHT=64 or\n"
    "# EMQX_LISTENERS__TCP__DEFAULT__BIND=127.0.0.1:1883.\n"
    "# Durations: 500ms, 15s, 5m, 2h, 1d, 1h30m. Sizes: 512KB, 1MB, 1GB (1024-based).\n"
    "# As in EMQX, a bare integer is milliseconds for a duration and bytes for a size.\n"
    "#\n"
    "# Generated from common/config/config_keys.cpp; unit_tests \"[.regen-config]\"\n"
    "# rewrites it and a unit test checks the two agree.\n";

bool isBareToml(KeyType type, const std::string& text) {
    switch (type) {
        case KeyType::Bool: return text == "true" || text == "false";
        case KeyType::Integer:
        case KeyType::Float: return !text.empty() && text.find_first_not_of("-+.0123456789eE") == std::string::npos;
        case KeyType::TableList: return true;
        default: return false;
    }
}

std::string defaultToml(const KeyDef& key) {
    if (key.string_list) return renderValue(key, Value{key.default_text});  // ["tlsv1.3", "tlsv1.2"]
    return isBareToml(key.type, key.default_text) ? key.default_text : quoteString(key.default_text);
}

}  // namespace

std::string defaultConfigFile() {
    std::string out = kHeader;
    std::string section;
    for (const KeyDef& key : configKeys()) {
        std::vector<std::string> segs = key.segments();
        std::string pattern, sec;
        for (size_t i = 0; i + 1 < segs.size(); ++i) {
            pattern += (i ? "." : "") + segs[i];
            sec += (i ? "." : "") + (segs[i] == kListenerPlaceholder ? std::string(kDefaultListenerName) : segs[i]);
        }
        if (sec != section) {
            out += "\n[" + sec + "]\n";
            for (const std::string& line : sectionDoc(pattern)) out += "# " + line + "\n";
            section = sec;
        }
        out += "\n# " + key.doc + " (default: " + (key.default_text.empty() ? "\"\"" : key.default_text) + ")\n";
        for (const std::string& line : key.example) out += "# " + line + "\n";
        out += (key.commented_out ? "# " : "") + segs.back() + " = " + defaultToml(key) + "\n";
    }
    return out;
}

}  // namespace emqx::config
