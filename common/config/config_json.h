#pragma once
// The effective configuration as JSON, grouped by root key as EMQX's
// GET /api/v5/configs answers it:
//   {"mqtt": {"max_inflight": 32, ...},
//    "listeners": {"tcp": {"default": {"bind": "0.0.0.0:1883", ...}}}, ...}
// Built from the key table (config_keys.h), so a new key appears by itself.
// Values are written as in the file, as EMQX's raw config is: durations and
// sizes as text ("15s", "1MB"), special words ("infinity"), lists as arrays.
// A key marked secret reads "******" (EMQX's obfuscation).
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/config/broker_config.h"

namespace emqx::config {

inline constexpr std::string_view kRedacted = "******";

// Every key of `config`, nested by its path's segments.
nlohmann::json configJson(const BrokerConfig& config);

// The first segments of the table's keys ("authentication", "node", ...), in
// table order, each once.
std::vector<std::string> configRoots();

}  // namespace emqx::config
