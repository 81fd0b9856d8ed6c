#pragma once
// EMQX's alarms (emqx_alarm): a condition is raised under a name with its
// details and a message, stays activated until it is cleared, and is then
// kept in a bounded history of deactivated alarms (alarm.size_limit, the
// oldest dropped first) for alarm.validity_period after its deactivation.
// Each activation and deactivation is handed to the listener (the actions of
// alarm.actions: log, publish). Times are wall-clock microseconds, as EMQX
// keeps them. Memory only: a restart starts with no alarms (EMQX keeps them
// in mnesia and deactivates those it finds at start).
// Owner: the control loop.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>

#include "common/ctl/protocol.h"

namespace emqx::alarm {

struct Alarm {
    std::string name;
    ctl::Json details = ctl::Json::object();
    std::string message;
    int64_t activate_at_us = 0;
    int64_t deactivate_at_us = 0;  // 0 while activated
    bool activated() const { return deactivate_at_us == 0; }
};

class AlarmRegistry {
public:
    // `alarm` as it was activated, or deactivated (with the details and
    // message the deactivation gave).
    using Listener = std::function<void(const Alarm& alarm)>;

    AlarmRegistry(size_t size_limit, int64_t validity_period_us, Listener listener);

    // False when `name` is activated already (its details and message stay).
    // An empty message is the name, as EMQX has it.
    bool activate(const std::string& name, ctl::Json details, std::string message, int64_t now_us);
    // False when `name` is not activated. Null details and an empty message
    // keep the activation's in what the listener gets; the history always
    // keeps the activation's.
    bool deactivate(const std::string& name, ctl::Json details, std::string message, int64_t now_us);
    bool isActivated(const std::string& name) const { return activated_.count(name) != 0; }

    // Forgets the deactivated alarms whose validity period has passed.
    void expire(int64_t now_us);
    // Forgets every deactivated alarm (DELETE /api/v5/alarms).
    void clearDeactivated() { deactivated_.clear(); }

    // By name, as EMQX's table orders them.
    const std::map<std::string, Alarm>& activated() const { return activated_; }
    // Oldest deactivation first.
    const std::deque<Alarm>& deactivated() const { return deactivated_; }

private:
    size_t size_limit_;
    int64_t validity_period_us_;
    Listener listener_;
    std::map<std::string, Alarm> activated_;
    std::deque<Alarm> deactivated_;
};

}  // namespace emqx::alarm
