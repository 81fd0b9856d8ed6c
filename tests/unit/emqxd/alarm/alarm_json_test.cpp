// An alarm as GET /api/v5/alarms and the $SYS alarm topics write it (EMQX's fields).
#include <catch2/catch.hpp>

#include "emqxd/alarm/alarm_json.h"

using namespace emqx::alarm;
using Json = nlohmann::json;

namespace {

Alarm quota() {
    Alarm a;
    a.name = "license_quota";
    a.details = {{"high_watermark", "80"}};
    a.message = "License: live connection number exceeds 80%";
    a.activate_at_us = 1700000000123456;
    return a;
}

}  // namespace

TEST_CASE("alarm json: an activated alarm in the API runs until now and has no deactivate_at", "[alarm]") {
    Json j = apiAlarmJson(quota(), "emqx@127.0.0.1", 1700000005123456);
    CHECK(j["node"] == "emqx@127.0.0.1");
    CHECK(j["name"] == "license_quota");
    CHECK(j["message"] == "License: live connection number exceeds 80%");
    CHECK(j["details"] == Json{{"high_watermark", "80"}});
    CHECK(j["duration"] == 5000);
    CHECK(j["activate_at"].get<std::string>().rfind("2023-11-14T", 0) == 0);
    CHECK_FALSE(j.contains("deactivate_at"));
}

TEST_CASE("alarm json: a deactivated alarm in the API lasted until its deactivation", "[alarm]") {
    Alarm a = quota();
    a.deactivate_at_us = a.activate_at_us + 2500000;
    Json j = apiAlarmJson(a, "emqx@127.0.0.1", a.activate_at_us + 99000000);
    CHECK(j["duration"] == 2500);
    CHECK(j["deactivate_at"].get<std::string>().rfind("2023-11-14T", 0) == 0);
}

TEST_CASE("alarm json: the $SYS payload has microseconds and infinity while activated", "[alarm]") {
    Alarm a = quota();
    Json on = sysAlarmJson(a);
    CHECK(on == Json{{"name", "license_quota"},
                     {"details", {{"high_watermark", "80"}}},
                     {"message", "License: live connection number exceeds 80%"},
                     {"activate_at", 1700000000123456},
                     {"deactivate_at", "infinity"},
                     {"activated", true}});
    a.deactivate_at_us = a.activate_at_us + 1;
    Json off = sysAlarmJson(a);
    CHECK(off["deactivate_at"] == 1700000000123457);
    CHECK(off["activated"] == false);
}
