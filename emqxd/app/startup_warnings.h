#pragma once
// Warnings printed to stderr before the node starts, about configurations
// that work but leave the node open: operators grep for these lines.
#include <string>

#include "common/config/broker_config.h"

namespace emqx {

// The default node.cookie (EMQX's wording first).
void warnDefaultCookie(const config::BrokerConfig& cfg, const std::string& config_file);
// Listeners reachable from other hosts while no authenticator is enabled:
// anyone who finds the port may connect (the FAQ's CENSYS section).
void warnAnonymousListeners(const config::BrokerConfig& cfg, const std::string& config_file);

}  // namespace emqx
