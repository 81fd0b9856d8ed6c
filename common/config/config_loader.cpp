// Loads the config: table defaults, then the TOML file, then EMQX_* env
// overrides, all validated against the key table (config_keys.cpp). Every
// error found is reported; `out` is only written when there are none.
#include "common/config/config_loader.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <set>
#include <sstream>

#include "common/config/config_keys.h"
#include "common/config/value_parsers.h"

extern char** environ;

namespace emqx::config {
namespace {

// EMQX_* variables that are not config paths (start scripts and docker use
// them). EMQX_HOST and EMQX_NAME feed node.name when it is not set.
const std::set<std::string>& nonConfigEnv() {
    static const std::set<std::string> names = {
        "EMQX_HOST",    "EMQX_NAME",    "EMQX_NODE_NAME", "EMQX_NODE_COOKIE",
        "EMQX_LOG_DIR", "EMQX_ETC_DIR", "EMQX_DATA_DIR",  "EMQX_DEFAULT_LOG_HANDLER",
    };
    return names;
}

// A path as it reads in TOML: mqtt.max_inflight, listeners.tcp."my listener".
std::string join(const std::vector<std::string>& segs) {
    std::string out;
    for (size_t i = 0; i < segs.size(); ++i) {
        bool bare = !segs[i].empty() && isValidListenerName(segs[i]);  // [A-Za-z0-9_-]+
        out += (i ? "." : "") + (bare ? segs[i] : quoteString(segs[i]));
    }
    return out;
}

std::string lowerCase(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

bool iequals(std::string_view a, std::string_view b) { return lowerCase(std::string(a)) == lowerCase(std::string(b)); }

// What a TOML value looks like in an error message.
std::string got(const toml::node& node) {
    if (auto* s = node.as_string()) return quoteString(s->get());
    if (node.is_table()) return "a table";
    if (node.is_array()) return "an array";
    std::ostringstream os;
    node.visit([&os](const auto& v) { os << v; });  // integers, floats, booleans, dates and times
    return os.str();
}

// Splits "MQTT__MAX_INFLIGHT" into {"mqtt", "max_inflight"}.
std::vector<std::string> envSegments(std::string_view rest) {
    std::vector<std::string> segs;
    size_t start = 0;
    while (true) {
        size_t sep = rest.find("__", start);
        segs.push_back(lowerCase(std::string(rest.substr(start, sep == std::string_view::npos ? sep : sep - start))));
        if (sep == std::string_view::npos) break;
        start = sep + 2;
    }
    return segs;
}

struct Parsed {
    std::optional<toml::table> table;
    std::string error;  // "<line>:<col>: <description>" when the text is not TOML
    int line = 0;
};

Parsed parseToml(std::string_view text, std::string_view source) {
    Parsed p;
#if TOML_EXCEPTIONS
    try {
        p.table = toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        p.line = static_cast<int>(e.source().begin.line);
        p.error = std::to_string(e.source().begin.line) + ":" + std::to_string(e.source().begin.column) + ": " +
                  std::string(e.description());
    }
#else
    toml::parse_result r = toml::parse(text, source);
    if (r) {
        p.table = std::move(r).table();
    } else {
        const toml::parse_error& e = r.error();
        p.line = static_cast<int>(e.source().begin.line);
        p.error = std::to_string(e.source().begin.line) + ":" + std::to_string(e.source().begin.column) + ": " +
                  std::string(e.description());
    }
#endif
    return p;
}

class Loader {
public:
    explicit Loader(std::vector<ConfigError>& errors) : errors_(errors) {
        for (const ListenerConfig& l : cfg_.listeners) created_[l.id()] = "the default config";
    }

    BrokerConfig& config() { return cfg_; }

    void loadFile(const std::string& path) {
        std::string text;
        if (!readFile(path, text)) return;
        Parsed p = parseToml(text, path);
        if (!p.table) {
            push(path + ":" + p.error);
            return;
        }
        // toml++ tables iterate by key name: collect, then report in line order.
        file_errors_ = std::vector<std::pair<int64_t, std::string>>{};
        Locator loc = [&path](const toml::source_region& r) { return path + ":" + std::to_string(r.begin.line); };
        std::vector<std::string> segs;
        walkTable(*p.table, segs, loc);
        std::stable_sort(file_errors_->begin(), file_errors_->end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto& [line, msg] : *file_errors_) push(std::move(msg));
        file_errors_.reset();
    }

    void applyEnv(const std::map<std::string, std::string>& env) {
        for (const auto& [name, value] : env) {
            if (!name.starts_with("EMQX_") || nonConfigEnv().count(name)) continue;
            std::vector<std::string> segs = envSegments(std::string_view(name).substr(5));
            // Only names under one of our sections are config: EMQX_MQTT__NO_SUCH is
            // an error, while EMQX_SOMETHING_ELSE belongs to someone else (as in
            // EMQX, which ignores such variables).
            if (segs.empty() || !(isTablePath({segs[0]}) || findKey({segs[0]}))) continue;
            const std::string where = "env " + name;
            Locator loc = [where](const toml::source_region&) { return where; };
            const std::string path = join(segs);
            if (auto m = findKey(segs)) {
                if (m->key->type == KeyType::TableList) {
                    Parsed p = parseToml("v = " + value, name);
                    if (!p.table) {
                        error(where, 0, path, "expected " + expectedText(*m->key) + ", got " + quoteString(value));
                        continue;
                    }
                    const toml::node* node = p.table->get("v");
                    if (!node) {
                        error(where, 0, path, "expected " + expectedText(*m->key) + ", got " + quoteString(value));
                        continue;
                    }
                    if (auto v = parseNode(*m->key, *node, path, where, loc)) apply(*m, *v, where);
                } else {
                    std::string expected;
                    if (auto v = parseKeyText(*m->key, value, expected)) apply(*m, *v, where);
                    else error(where, 0, path, "expected " + expected + ", got " + quoteString(value));
                }
            } else if (isTablePath(segs)) {
                // A whole table at once, as EMQX allows: EMQX_MQTT='{max_inflight = 64}'.
                Parsed p = parseToml("v = " + value, name);
                if (!p.table || !p.table->get("v") || !p.table->get("v")->is_table()) {
                    error(where, 0, path, "expected a table like {key = value}, got " + quoteString(value));
                    continue;
                }
                visit(*p.table->get("v"), segs, where, loc);
            } else {
                unknown(segs, where, 0);
            }
        }
        // The docker image names the node after the host it runs on.
        auto host = env.find("EMQX_HOST");
        if (!node_name_explicit_ && host != env.end() && !host->second.empty()) {
            auto nm = env.find("EMQX_NAME");
            std::string value = (nm != env.end() && !nm->second.empty() ? nm->second : "emqx") + "@" + host->second;
            std::vector<std::string> segs = {"node", "name"};
            auto m = findKey(segs);
            std::string expected;
            if (auto v = parseKeyText(*m->key, value, expected)) m->key->set(cfg_, nullptr, *v);
            else error("env EMQX_HOST", 0, "node.name", "expected " + expected + ", got " + quoteString(value));
        }
    }

    void crossChecks() {
        std::sort(cfg_.listeners.begin(), cfg_.listeners.end(),
                  [](const auto& a, const auto& b) { return a.id() < b.id(); });
        std::map<std::string, const ListenerConfig*> by_bind;
        for (const ListenerConfig& l : cfg_.listeners) {
            if (!l.enable || l.bind.ends_with(":0")) continue;  // port 0: the OS picks a free port
            auto [it, fresh] = by_bind.emplace(l.bind, &l);
            if (fresh) continue;
            const ListenerConfig& first = *it->second;
            error(bindOrigin(l), 0, "listeners." + l.type + "." + l.name + ".bind",
                  quoteString(l.bind) + " is also the bind of enabled listener listeners." + first.type + "." +
                      first.name + " (" + bindOrigin(first) + ")");
        }
    }

private:
    using Locator = std::function<std::string(const toml::source_region&)>;

    bool readFile(const std::string& path, std::string& text) {
        FILE* f = std::fopen(path.c_str(), "rb");
        if (!f) {
            push(path + ": cannot read: " + std::strerror(errno));
            return false;
        }
        char buf[65536];
        size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
        bool failed = std::ferror(f);
        int err = errno;
        std::fclose(f);
        if (failed) {
            push(path + ": cannot read: " + std::strerror(err));
            return false;
        }
        return true;
    }

    // Every error is one line: control characters (toml++ quotes the
    // offending text, paths may hold anything) are shown escaped.
    void push(std::string msg) {
        std::string out;
        for (char ch : msg) {
            auto c = static_cast<unsigned char>(ch);
            if (c == '\n') out += "\\n";
            else if (c < 0x20 || c == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\x%02X", c);
                out += buf;
            } else out += ch;
        }
        errors_.push_back({std::move(out)});
    }

    void error(const std::string& where, int64_t line, const std::string& key, const std::string& what) {
        std::string msg = where + ": " + key + ": " + what;
        if (file_errors_) file_errors_->emplace_back(line, std::move(msg));
        else push(std::move(msg));
    }

    std::string bindOrigin(const ListenerConfig& l) {
        if (auto it = bind_origin_.find(l.id()); it != bind_origin_.end()) return it->second;
        if (auto it = created_.find(l.id()); it != created_.end()) return it->second;
        return "the default config";
    }

    ListenerConfig& listener(const std::string& type, const std::string& name, const std::string& where) {
        for (ListenerConfig& l : cfg_.listeners)
            if (l.type == type && iequals(l.name, name)) return l;
        cfg_.listeners.push_back(defaultListener(type, name));
        created_[cfg_.listeners.back().id()] = where;
        return cfg_.listeners.back();
    }

    void apply(const KeyMatch& m, const Value& v, const std::string& where) {
        ListenerConfig* l = m.key->listener ? &listener(m.listener_type, m.listener_name, where) : nullptr;
        m.key->set(cfg_, l, v);
        if (m.key->path == "node.name") node_name_explicit_ = true;
        if (l && m.key->path.ends_with(".*.bind")) bind_origin_[l->id()] = where;
    }

    static int64_t lineOf(const toml::source_region& r) { return static_cast<int64_t>(r.begin.line); }

    void walkTable(const toml::table& t, std::vector<std::string>& segs, const Locator& loc) {
        for (auto&& [k, node] : t) {
            segs.emplace_back(k.str());
            const toml::source_region& r = k.source().begin.line ? k.source() : node.source();
            visit(node, segs, loc(r), loc, lineOf(r));
            segs.pop_back();
        }
    }

    void visit(const toml::node& node, std::vector<std::string>& segs, const std::string& where, const Locator& loc,
               int64_t line = 0) {
        const std::string path = join(segs);
        if (auto m = findKey(segs)) {
            if (auto v = parseNode(*m->key, node, path, where, loc, line)) apply(*m, *v, where);
            return;
        }
        if (isTablePath(segs)) {
            if (const toml::table* t = node.as_table()) {
                if (segs.size() == 3 && segs[0] == "listeners") listener(segs[1], segs[2], where);
                walkTable(*t, segs, loc);
            } else {
                error(where, line, path, "expected a table, got " + got(node));
            }
            return;
        }
        unknown(segs, where, line);
    }

    void unknown(const std::vector<std::string>& segs, const std::string& where, int64_t line) {
        const std::string path = join(segs);
        const auto& types = listenerTypes();
        if (segs.size() >= 2 && segs[0] == "listeners" &&
            std::find(types.begin(), types.end(), segs[1]) == types.end()) {
            std::string known;
            for (const std::string& t : types) known += (known.empty() ? "" : ", ") + t;
            error(where, line, join({segs[0], segs[1]}), "unknown listener type (known: " + known + ")");
        } else if (segs.size() >= 3 && segs[0] == "listeners" && !isValidListenerName(segs[2])) {
            error(where, line, join({segs[0], segs[1], segs[2]}),
                  "expected a listener name of letters, digits, _ and -, got " + quoteString(segs[2]));
        } else {
            error(where, line, path, "unknown key");
        }
    }

    // A TOML value for `key`; reports and returns nullopt when it does not fit.
    std::optional<Value> parseNode(const KeyDef& key, const toml::node& node, const std::string& path,
                                   const std::string& where, const Locator& loc, int64_t line = 0) {
        auto bad = [&](const std::string& expected) -> std::optional<Value> {
            error(where, line, path, "expected " + expected + ", got " + got(node));
            return std::nullopt;
        };
        switch (key.type) {
            case KeyType::Bool:
                if (auto* b = node.as_boolean()) return Value{b->get()};
                return bad(expectedText(key));
            case KeyType::Integer:
                if (auto* i = node.as_integer()) {
                    if (i->get() < key.min || i->get() > key.max) return bad(expectedText(key));
                    return Value{i->get()};
                }
                if (auto* s = node.as_string())
                    for (const auto& [word, value] : key.specials)
                        if (s->get() == word) return Value{value};
                return bad(expectedText(key));
            case KeyType::Float: {
                std::optional<double> d;
                if (auto* f = node.as_floating_point()) d = f->get();
                if (auto* i = node.as_integer()) d = static_cast<double>(i->get());
                if (d && std::isfinite(*d) && *d > key.float_above) return Value{*d};
                return bad(expectedText(key));
            }
            case KeyType::String:
            case KeyType::Enum:
            case KeyType::Duration:
            case KeyType::Size: {
                // A bare integer: seconds for whole-second keys such as server_keepalive (as
                // EMQX writes them), else milliseconds or bytes (HOCON's rule).
                if (auto* i = node.as_integer(); i && (key.type == KeyType::Duration || key.type == KeyType::Size)) {
                    std::string expected;
                    if (auto v = parseKeyText(key, std::to_string(i->get()), expected)) return v;
                    return bad(expected);
                }
                if (auto* i = node.as_integer(); i && key.integer_text) {
                    std::string expected;
                    if (auto v = parseKeyText(key, std::to_string(i->get()), expected)) return v;
                    return bad(expected);
                }
                if (auto* arr = node.as_array(); arr && key.string_list) {
                    // ["tlsv1.3", "tlsv1.2"]: held comma-joined, checked item by item.
                    std::string joined;
                    for (size_t i = 0; i < arr->size(); ++i) {
                        auto* item = arr->get(i)->as_string();
                        if (!item || item->get().empty() || item->get().find(',') != std::string::npos)
                            return bad(expectedText(key));
                        joined += (i ? "," : "") + item->get();
                    }
                    std::string expected;
                    if (auto v = parseKeyText(key, joined, expected)) return v;
                    return bad(expected);
                }
                auto* s = node.as_string();
                if (!s) return bad(expectedText(key));
                std::string expected;
                if (auto v = parseKeyText(key, s->get(), expected)) return v;
                return bad(expected);
            }
            case KeyType::TableList: return parseRows(key, node, path, where, loc, line);
        }
        return bad(expectedText(key));
    }

    std::optional<Value> parseRows(const KeyDef& key, const toml::node& node, const std::string& path,
                                   const std::string& where, const Locator& loc, int64_t line) {
        const toml::array* arr = node.as_array();
        if (!arr) {
            error(where, line, path, "expected " + expectedText(key) + ", got " + got(node));
            return std::nullopt;
        }
        std::vector<TableRow> rows;
        bool ok = true;
        for (size_t i = 0; i < arr->size(); ++i) {
            const toml::node& elem = *arr->get(i);
            const std::string epath = path + "[" + std::to_string(i) + "]";
            const std::string ewhere = loc(elem.source());
            const int64_t eline = lineOf(elem.source());
            const toml::table* t = elem.as_table();
            if (!t) {
                std::string like = expectedText(key);  // "an array of tables like [{...}]"
                auto open = like.find("[{");
                error(ewhere, eline, epath,
                      "expected a table like " +
                          (open == std::string::npos ? std::string("{...}")
                                                     : like.substr(open + 1, like.size() - open - 2)) +
                          ", got " + got(elem));
                ok = false;
                continue;
            }
            TableRow row;
            for (auto&& [k, fnode] : *t) {
                const std::string fpath = epath + "." + join({std::string(k.str())});
                const toml::source_region& r = k.source().begin.line ? k.source() : fnode.source();
                const std::string_view name = k.str();  // (clang 14 cannot capture a structured binding)
                auto f = std::find_if(key.fields.begin(), key.fields.end(),
                                      [name](const KeyDef& d) { return d.path == name; });
                if (f == key.fields.end()) {
                    error(loc(r), lineOf(r), fpath, "unknown key");
                    ok = false;
                    continue;
                }
                auto v = parseNode(*f, fnode, fpath, loc(r), loc, lineOf(r));
                if (!v) {
                    ok = false;
                    continue;
                }
                row[f->path] = std::visit(
                    [](const auto& x) -> Scalar {
                        if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::vector<TableRow>>)
                            return false;  // fields are scalars
                        else return x;
                    },
                    *v);
            }
            for (const KeyDef& f : key.fields)
                if (f.required && !t->contains(f.path)) {
                    error(ewhere, eline, epath, "missing required key " + f.path);
                    ok = false;
                }
            rows.push_back(std::move(row));
        }
        if (!ok) return std::nullopt;
        return Value{std::move(rows)};
    }

    std::vector<ConfigError>& errors_;
    BrokerConfig cfg_ = defaultConfig();
    bool node_name_explicit_ = false;
    std::map<std::string, std::string> bind_origin_;  // listener id -> where its bind was set
    std::map<std::string, std::string> created_;      // listener id -> where it was first named
    std::optional<std::vector<std::pair<int64_t, std::string>>> file_errors_;  // while walking the file
};

}  // namespace

bool loadConfig(const std::string& path, const std::map<std::string, std::string>& env, BrokerConfig& out,
                std::vector<ConfigError>& errors) {
    const size_t before = errors.size();
    Loader loader(errors);
    if (!path.empty()) loader.loadFile(path);
    loader.applyEnv(env);
    loader.crossChecks();
    if (errors.size() != before) return false;
    out = std::move(loader.config());
    return true;
}

std::map<std::string, std::string> processEnvironment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string_view kv(*e);
        auto eq = kv.find('=');
        if (eq == std::string_view::npos) continue;
        env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    }
    return env;
}

}  // namespace emqx::config
