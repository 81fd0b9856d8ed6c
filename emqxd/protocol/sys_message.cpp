#include "emqxd/protocol/sys_message.h"

#include "common/clock/wall_clock.h"

namespace emqx {

MessagePtr makeSysMessage(std::string topic, std::string payload, bool retain) {
    auto m = Message::make(topic, payload);
    m->retain = retain;
    m->received_at_ms = wallClockMs();
    return m;
}

}  // namespace emqx
