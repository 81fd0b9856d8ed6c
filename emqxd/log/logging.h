#pragma once
#include <string>

#include "common/config/broker_config.h"

namespace emqx {

// Asynchronous logging: the console (stdout) in console mode, the rotating
// file log.file.path (relative to node.data_dir) when enabled.
void setupLogging(const config::LogConfig& cfg, const std::string& data_dir, bool console);
void shutdownLogging();

}  // namespace emqx
