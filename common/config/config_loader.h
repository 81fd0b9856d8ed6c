#pragma once
// Loads the broker configuration: the TOML file, then EMQX_<PATH> environment
// overrides (`__` between levels), validated against the key table before
// anything binds. Errors read `file:line: key: expected X, got Y`.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/config/broker_config.h"

namespace emqx::config {

struct ConfigError {
    std::string message;  // one line: "etc/emqx.toml:12: mqtt.max_inflight: expected an integer 1..65535, got \"x\""
};

// `path` may be empty (defaults only). `env` is the process environment as
// NAME=VALUE pairs (only EMQX_* names are read). Returns false and fills
// errors (at least one) when anything is wrong; `out` is then unspecified.
bool loadConfig(const std::string& path, const std::map<std::string, std::string>& env, BrokerConfig& out,
                std::vector<ConfigError>& errors);

// The process environment as a map (helper for main()).
std::map<std::string, std::string> processEnvironment();

// The text of etc/emqx.toml generated from the key table: every key, its
// default and its doc comment. A test checks the shipped file equals it.
std::string defaultConfigFile();

}  // namespace emqx::config
