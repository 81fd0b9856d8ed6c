#include "emqxd/protocol/sys_message.h"

#include <chrono>

namespace emqx {

MessagePtr makeSysMessage(std::string topic, std::string payload, bool retain) {
    auto m = std::make_shared<Message>();
    m->topic = std::move(topic);
    m->payload = std::move(payload);
    m->retain = retain;
    m->received_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    return m;
}

}  // namespace emqx
