#pragma once
// The config key table: every key the broker reads is declared once, in
// config_keys.cpp, with its path, type, default (as written in the file),
// bounds, doc line and how it is stored into BrokerConfig. The loader, the
// generated etc/emqx.toml and the EMQX_* environment overrides all come from it.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/config/broker_config.h"

namespace emqx::config {

enum class KeyType {
    Bool,
    Integer,   // int64 with inclusive bounds [min, max]; `specials` may add words ("infinity" -> 0)
    Float,     // finite double > float_above
    String,    // `check` validates (and may normalise) the text
    Enum,      // one of `words`
    Duration,  // "15s", "1h30m"... held in milliseconds, bounds in ms; `specials` ("disabled" -> 0)
    Size,      // "1MB"... held in bytes, bounds in bytes
    TableList  // an array of inline tables whose fields are `fields`
};

using Scalar = std::variant<bool, int64_t, double, std::string>;
using TableRow = std::map<std::string, Scalar>;  // a validated TableList element (only the fields present)
using Value = std::variant<bool, int64_t, double, std::string, std::vector<TableRow>>;

// Listener-scoped keys are stored into a ListenerConfig (never null for them);
// the others ignore the listener argument.
using Setter = std::function<void(BrokerConfig&, ListenerConfig*, const Value&)>;
using Getter = std::function<Value(const BrokerConfig&, const ListenerConfig*)>;
// "" when the string is acceptable (it may be normalised in place), otherwise
// what was expected, e.g. "an address like 0.0.0.0:1883".
using StringCheck = std::function<std::string(std::string&)>;

// The listener-name segment in a key path: "listeners.tcp.*.bind".
inline constexpr std::string_view kListenerPlaceholder = "*";
// The listener the default config has, rendered in place of the placeholder.
inline constexpr std::string_view kDefaultListenerName = "default";

struct KeyDef {
    std::string path;  // dotted, lower case; a "*" segment is a listener name
    KeyType type = KeyType::String;
    std::string default_text;  // as written in the file, unquoted: "15s", "32", "true", "disabled", "[]"
    std::string doc;           // one line
    int64_t min = 0;           // Integer / Duration (ms) / Size (bytes): inclusive bounds
    int64_t max = 0;
    double float_above = 0;                                 // Float: must be > this
    std::vector<std::string> words;                         // Enum: allowed words
    std::vector<std::pair<std::string, int64_t>> specials;  // Integer/Duration/Size: words standing for a value
    bool whole_seconds = false;                             // Duration: must be a whole number of seconds
    StringCheck check;                                      // String: extra validation
    bool required = false;                                  // a TableList field that must be present
    std::vector<KeyDef> fields;                             // TableList: the element's fields (path = field name)
    std::vector<std::string> example;                       // comment lines shown before the key in etc/emqx.toml
    bool listener = false;                                  // stored per listener (path has a "*" segment)
    bool string_list = false;    // String: an array of strings in the file, held comma-joined ("a,b")
    bool integer_text = false;   // String: a bare integer in the file is read as its text (EMQX's `bind = 0`)
    bool commented_out = false;  // etc/emqx.toml shows the key commented, so that its unset behaviour applies
    int64_t storage_max = 0;     // largest value the bound field can hold (checked against `max` by a test)
    bool secret = false;         // shown as "******" wherever the config is read back (GET /api/v5/configs)
    Setter set;
    Getter get;

    std::vector<std::string> segments() const;
};

// Every key, in the order etc/emqx.toml lists them: node, listeners, mqtt,
// sys_topics, auto_subscribe, log.
const std::vector<KeyDef>& configKeys();

// Listener types the table declares keys for ("tcp" today).
const std::vector<std::string>& listenerTypes();

// Doc lines printed under a section header of etc/emqx.toml (section path with
// the placeholder, e.g. "listeners.tcp.*"); empty when none.
std::vector<std::string> sectionDoc(std::string_view section);

// [A-Za-z0-9_-]+
bool isValidListenerName(std::string_view name);

struct KeyMatch {
    const KeyDef* key = nullptr;
    std::string listener_type;  // for listener keys
    std::string listener_name;
};

// The key at `segments` (a concrete path: listener names filled in), or
// nullopt. Segments compare exactly (the env loader lower-cases first).
std::optional<KeyMatch> findKey(const std::vector<std::string>& segments);

// True when `segments` names a table that holds keys ("mqtt", "listeners.tcp",
// "listeners.tcp.x.tcp_options").
bool isTablePath(const std::vector<std::string>& segments);

// "an integer 1..65535", "a duration like 15s or \"disabled\"" ...: what a
// value of this key must look like (the text after "expected ").
std::string expectedText(const KeyDef& key);

// Parses `text` as a value of `key` (the env form: "2s", "true", "42",
// unquoted strings). On failure returns nullopt and sets `expected` to the
// text after "expected " (a TableList is parsed by the loader, not here).
std::optional<Value> parseKeyText(const KeyDef& key, std::string_view text, std::string& expected);

// The items of a string_list value held comma-joined ("a,b"); none for "".
std::vector<std::string> listItems(const std::string& joined);

// How an integer value of `key` is written as text: its special word
// ("infinity"), or a duration or size ("15s", "1MB"); nullopt when it is
// written as a plain number.
std::optional<std::string> integerWords(const KeyDef& key, int64_t value);

// A value rendered as TOML: 32, true, 1.5, "15s", "disabled", "round_robin",
// [{topic = "t", qos = 1}].
std::string renderValue(const KeyDef& key, const Value& value);

// A ListenerConfig of `type` named `name` with every listener key at its
// table default.
ListenerConfig defaultListener(const std::string& type, const std::string& name);

// The configuration with every key at its table default: one listener, tcp.default.
BrokerConfig defaultConfig();

// Calls `visit` for every key of `config` in the order etc/emqx.toml lists
// them, listener keys once per listener (ordered by id) with that listener.
void forEachSetting(const BrokerConfig& config,
                    const std::function<void(const KeyDef& key, const ListenerConfig* listener)>& visit);

// The effective configuration as TOML (every key, every listener, no docs).
// Two configs are equal for the broker when their renderings are equal.
std::string renderConfig(const BrokerConfig& config);

}  // namespace emqx::config
