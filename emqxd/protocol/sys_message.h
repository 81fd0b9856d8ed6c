#pragma once
#include <memory>
#include <string>

#include "emqxd/message/message.h"

namespace emqx {

// A message the broker itself publishes ($SYS): QoS 0, no publisher session;
// with a Content Type property when `content_type` is not empty.
MessagePtr makeSysMessage(std::string topic, std::string payload, bool retain, std::string content_type = {});

}  // namespace emqx
