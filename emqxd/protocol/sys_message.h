#pragma once
#include <memory>
#include <string>

#include "emqxd/message/message.h"

namespace emqx {

// A message the broker itself publishes ($SYS): QoS 0, no publisher session.
MessagePtr makeSysMessage(std::string topic, std::string payload, bool retain);

}  // namespace emqx
