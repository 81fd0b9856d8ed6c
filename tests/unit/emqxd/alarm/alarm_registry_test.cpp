// The alarm registry: activation once per name, the deactivated history with
// its bound (alarm.size_limit) and validity (alarm.validity_period), and
// what the actions are handed.
#include <catch2/catch.hpp>

#include <vector>

#include "emqxd/alarm/alarm_registry.h"

using namespace emqx::alarm;
using Json = nlohmann::json;

namespace {

constexpr int64_t kHourUs = 3600LL * 1000 * 1000;

struct Recorder {
    std::vector<Alarm> events;
    AlarmRegistry::Listener listener() {
        return [this](const Alarm& a) { events.push_back(a); };
    }
};

}  // namespace

TEST_CASE("alarm registry: a name is activated once until it is deactivated", "[alarm]") {
    Recorder r;
    AlarmRegistry alarms(10, kHourUs, r.listener());
    CHECK(alarms.activate("license_quota", {{"high_watermark", "80"}}, "over 80%", 100));
    CHECK_FALSE(alarms.activate("license_quota", {{"high_watermark", "90"}}, "again", 200));
    REQUIRE(alarms.activated().size() == 1);
    const Alarm& a = alarms.activated().at("license_quota");
    CHECK(a.details == Json{{"high_watermark", "80"}});
    CHECK(a.message == "over 80%");
    CHECK(a.activate_at_us == 100);
    CHECK(a.activated());
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].activated());

    CHECK(alarms.deactivate("license_quota", nullptr, "", 500));
    CHECK_FALSE(alarms.deactivate("license_quota", nullptr, "", 600));
    CHECK(alarms.activated().empty());
    REQUIRE(alarms.deactivated().size() == 1);
    CHECK(alarms.deactivated()[0].activate_at_us == 100);
    CHECK(alarms.deactivated()[0].deactivate_at_us == 500);
    CHECK(alarms.deactivated()[0].message == "over 80%");
    REQUIRE(r.events.size() == 2);
    CHECK_FALSE(r.events[1].activated());
    CHECK(r.events[1].message == "over 80%");

    CHECK(alarms.activate("license_quota", {}, "", 700));
    CHECK(alarms.activated().at("license_quota").message == "license_quota");
}

TEST_CASE("alarm registry: a deactivation's details and message go to the actions, not the history", "[alarm]") {
    Recorder r;
    AlarmRegistry alarms(10, kHourUs, r.listener());
    alarms.activate("high_system_memory_usage", {{"usage", 71.5}}, "71.50% mem usage", 1);
    alarms.deactivate("high_system_memory_usage", {{"usage", 60.25}}, "60.25% mem usage", 2);
    CHECK(r.events.back().details == Json{{"usage", 60.25}});
    CHECK(r.events.back().message == "60.25% mem usage");
    CHECK(alarms.deactivated().back().details == Json{{"usage", 71.5}});
    CHECK(alarms.deactivated().back().message == "71.50% mem usage");
}

TEST_CASE("alarm registry: the history keeps size_limit alarms, dropping the oldest", "[alarm]") {
    AlarmRegistry alarms(3, kHourUs, nullptr);
    for (int i = 0; i < 5; ++i) {
        std::string name = "a" + std::to_string(i);
        alarms.activate(name, {}, "", i * 10);
        alarms.deactivate(name, nullptr, "", i * 10 + 1);
    }
    REQUIRE(alarms.deactivated().size() == 3);
    CHECK(alarms.deactivated().front().name == "a2");
    CHECK(alarms.deactivated().back().name == "a4");
}

TEST_CASE("alarm registry: a deactivated alarm is forgotten validity_period after its deactivation", "[alarm]") {
    AlarmRegistry alarms(10, kHourUs, nullptr);
    alarms.activate("a", {}, "", 0);
    alarms.deactivate("a", nullptr, "", 1000);
    alarms.activate("b", {}, "", 0);
    alarms.deactivate("b", nullptr, "", 2000);
    alarms.activate("still_on", {}, "", 0);
    alarms.expire(1000 + kHourUs - 1);
    CHECK(alarms.deactivated().size() == 2);
    alarms.expire(1000 + kHourUs);
    REQUIRE(alarms.deactivated().size() == 1);
    CHECK(alarms.deactivated().front().name == "b");
    alarms.expire(10 * kHourUs);
    CHECK(alarms.deactivated().empty());
    CHECK(alarms.isActivated("still_on"));
}

TEST_CASE("alarm registry: clearing the history leaves the activated alarms", "[alarm]") {
    AlarmRegistry alarms(10, kHourUs, nullptr);
    alarms.activate("a", {}, "", 0);
    alarms.deactivate("a", nullptr, "", 1);
    alarms.activate("b", {}, "", 2);
    alarms.clearDeactivated();
    CHECK(alarms.deactivated().empty());
    CHECK(alarms.isActivated("b"));
}
