#include "emqxd/protocol/sys_message.h"

#include <chrono>

namespace emqx {

MessagePtr makeSysMessage(std::string topic, std::string payload, bool retain) {
    auto m = Message::make(topic, payload);
    m->retain = retain;
    m->received_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    return m;
}

}  // namespace emqx
