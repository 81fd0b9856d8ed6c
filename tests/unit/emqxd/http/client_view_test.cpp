// GET /api/v5/clients's filters and EMQX's client object, on rows of
// `clients list`, and the /status answers.
#include <catch2/catch.hpp>

#include "emqxd/http/client_view.h"
#include "emqxd/http/status_api.h"

using namespace emqx;
using namespace emqx::http;
using Json = nlohmann::json;

namespace {

Json row(const std::string& id, const std::string& user, const std::string& peer, bool connected) {
    Json r = {{"clientid", id},
              {"username", user.empty() ? Json(nullptr) : Json(user)},
              {"peername", peer},
              {"proto_ver", 5},
              {"clean_start", true},
              {"keepalive", 60},
              {"session_expiry_interval", 7200},
              {"subscriptions", 2},
              {"inflight", 1},
              {"awaiting_rel", 0},
              {"mqueue_len", 3},
              {"mqueue_dropped", 4},
              {"connected", connected},
              {"created_at", 1700000000123},
              {"connected_at", 1700000000456},
              {"listener", "tcp:default"}};
    if (!connected) r["disconnected_at"] = 1700000000789;
    return r;
}

}  // namespace

TEST_CASE("clients query: filters become the arguments of clients list", "[http]") {
    std::string error;
    bool other = true;
    auto args = clientListArgs({{"clientid", "a"},
                                {"clientid", "b"},
                                {"username", "u"},
                                {"like_clientid", "sen"},
                                {"like_username", "li"},
                                {"ip_address", "::1"},
                                {"conn_state", "connected"},
                                {"page", "2"},
                                {"limit", "5"}},
                               "emqx@127.0.0.1", other, error);
    REQUIRE(args);
    CHECK_FALSE(other);
    CHECK(*args == Json{{"clientid", {"a", "b"}},
                        {"username", {"u"}},
                        {"match", "sen"},
                        {"like_username", "li"},
                        {"ip_address", "::1"},
                        {"conn_state", "connected"}});
    CHECK(clientListArgs({{"node", "emqx@127.0.0.1"}}, "emqx@127.0.0.1", other, error));
    CHECK_FALSE(other);
    CHECK(clientListArgs({{"node", "emqx@10.0.0.2"}}, "emqx@127.0.0.1", other, error));
    CHECK(other);
}

TEST_CASE("clients query: filters not built are refused", "[http]") {
    std::string error;
    bool other = false;
    CHECK_FALSE(clientListArgs({{"proto_ver", "5"}}, "n@h", other, error));
    CHECK(error.find("not available yet") != std::string::npos);
}

TEST_CASE("clients: EMQX's client object", "[http]") {
    config::MqttConfig mqtt;
    Json c = emqxClient(row("c1", "u", "127.0.0.1:5000", true), mqtt, "emqx@127.0.0.1");
    CHECK(c["clientid"] == "c1");
    CHECK(c["username"] == "u");
    CHECK(c["node"] == "emqx@127.0.0.1");
    CHECK(c["ip_address"] == "127.0.0.1");
    CHECK(c["port"] == 5000);
    CHECK(c["proto_name"] == "MQTT");
    CHECK(c["proto_ver"] == 5);
    CHECK(c["expiry_interval"] == 7200);
    CHECK(c["subscriptions_cnt"] == 2);
    CHECK(c["subscriptions_max"] == "infinity");
    CHECK(c["inflight_cnt"] == 1);
    CHECK(c["inflight_max"] == 32);
    CHECK(c["mqueue_len"] == 3);
    CHECK(c["mqueue_max"] == 1000);
    CHECK(c["mqueue_dropped"] == 4);
    CHECK(c["listener"] == "tcp:default");
    CHECK(c["connected"] == true);
    CHECK(c["connected_at"].get<std::string>().starts_with("20"));
    CHECK_FALSE(c.contains("disconnected_at"));
    Json off = emqxClient(row("c2", "", "[::1]:6000", false), mqtt, "emqx@127.0.0.1");
    CHECK(off["username"].is_null());
    CHECK(off["ip_address"] == "::1");
    CHECK(off["port"] == 6000);
    CHECK(off["disconnected_at"].is_string());
}

TEST_CASE("status: EMQX's words, 503 while stopping, json", "[http]") {
    HttpResponse up = statusResponse("emqx@127.0.0.1", "1.2.3", true, false);
    CHECK(up.status == 200);
    CHECK(up.body == "Node emqx@127.0.0.1 is started\nemqx is running");
    HttpResponse down = statusResponse("emqx@127.0.0.1", "1.2.3", false, false);
    CHECK(down.status == 503);
    CHECK(down.body == "Node emqx@127.0.0.1 is stopped\nemqx is not_running");
    bool retry = false;
    for (const auto& [n, v] : down.headers) retry = retry || (n == "retry-after" && v == "15");
    CHECK(retry);
    Json j = Json::parse(statusResponse("emqx@127.0.0.1", "1.2.3", true, true).body);
    CHECK(j == Json{{"node_name", "emqx@127.0.0.1"},
                    {"rel_vsn", "v1.2.3"},
                    {"broker_status", "started"},
                    {"app_status", "running"}});
}
