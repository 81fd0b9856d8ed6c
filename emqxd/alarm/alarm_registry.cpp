#include "emqxd/alarm/alarm_registry.h"

namespace emqx::alarm {

AlarmRegistry::AlarmRegistry(size_t size_limit, int64_t validity_period_us, Listener listener)
    : size_limit_(size_limit), validity_period_us_(validity_period_us), listener_(std::move(listener)) {}

bool AlarmRegistry::activate(const std::string& name, ctl::Json details, std::string message, int64_t now_us) {
    if (activated_.count(name)) return false;
    Alarm& a = activated_[name];
    a.name = name;
    a.details = details.is_null() ? ctl::Json::object() : std::move(details);
    a.message = message.empty() ? name : std::move(message);
    a.activate_at_us = now_us;
    if (listener_) listener_(a);
    return true;
}

bool AlarmRegistry::deactivate(const std::string& name, ctl::Json details, std::string message, int64_t now_us) {
    auto it = activated_.find(name);
    if (it == activated_.end()) return false;
    Alarm history = std::move(it->second);
    activated_.erase(it);
    history.deactivate_at_us = now_us;
    while (!deactivated_.empty() && deactivated_.size() >= size_limit_) deactivated_.pop_front();
    deactivated_.push_back(history);
    if (!listener_) return true;
    Alarm event = std::move(history);
    if (!details.is_null()) event.details = std::move(details);
    if (!message.empty()) event.message = std::move(message);
    listener_(event);
    return true;
}

void AlarmRegistry::expire(int64_t now_us) {
    while (!deactivated_.empty() && deactivated_.front().deactivate_at_us + validity_period_us_ <= now_us)
        deactivated_.pop_front();
}

}  // namespace emqx::alarm
