#include "emqxd/protocol/sys_message.h"

#include "common/clock/wall_clock.h"

namespace emqx {

MessagePtr makeSysMessage(std::string topic, std::string payload, bool retain, std::string content_type) {
    auto m = Message::make(topic, payload);
    m->retain = retain;
    if (!content_type.empty()) {
        auto props = std::make_unique<mqtt::Properties>();
        props->content_type = std::move(content_type);
        m->props = std::move(props);
    }
    m->received_at_ms = wallClockMs();
    return m;
}

}  // namespace emqx
