#include "common/config/config_json.h"

#include <algorithm>

#include "common/config/config_keys.h"

namespace emqx::config {

namespace {

using nlohmann::json;

json scalarJson(const KeyDef& key, const Scalar& s) {
    if (auto* str = std::get_if<std::string>(&s)) return key.string_list ? json(listItems(*str)) : json(*str);
    if (auto* b = std::get_if<bool>(&s)) return *b;
    if (auto* d = std::get_if<double>(&s)) return *d;
    int64_t v = std::get<int64_t>(s);
    if (auto words = integerWords(key, v)) return *words;
    return v;
}

json valueJson(const KeyDef& key, const Value& value) {
    if (key.secret) return kRedacted;
    if (auto* rows = std::get_if<std::vector<TableRow>>(&value)) {
        json out = json::array();
        for (const TableRow& row : *rows) {
            json element = json::object();
            for (const KeyDef& field : key.fields)
                if (auto it = row.find(field.path); it != row.end())
                    element[field.path] = field.secret ? json(kRedacted) : scalarJson(field, it->second);
            out.push_back(std::move(element));
        }
        return out;
    }
    return std::visit(
        [&](const auto& v) -> json {
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::vector<TableRow>>) return json();
            else return scalarJson(key, v);
        },
        value);
}

}  // namespace

json configJson(const BrokerConfig& config) {
    json out = json::object();
    forEachSetting(config, [&](const KeyDef& key, const ListenerConfig* listener) {
        json* at = &out;
        for (const std::string& segment : key.segments())
            at = &(*at)[segment == kListenerPlaceholder ? listener->name : segment];
        *at = valueJson(key, key.get(config, listener));
    });
    return out;
}

std::vector<std::string> configRoots() {
    std::vector<std::string> roots;
    for (const KeyDef& key : configKeys()) {
        std::string root = key.segments().front();
        if (std::find(roots.begin(), roots.end(), root) == roots.end()) roots.push_back(std::move(root));
    }
    return roots;
}

}  // namespace emqx::config
