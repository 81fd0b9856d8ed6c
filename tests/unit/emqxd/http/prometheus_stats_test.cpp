// /api/v5/prometheus/stats's names, types, labels and JSON form, on answers
// shaped as the ctl handlers give them.
#include <catch2/catch.hpp>

#include "emqxd/http/prometheus_stats.h"

using namespace emqx::http;
using Json = nlohmann::json;

namespace {

const std::string kNode = "emqx@127.0.0.1";

PromSources sources(Json license_expiry = nullptr) {
    return {{{"connections.count", 2}, {"retained.count", 1}},
            {{"messages.received", 5}, {"packets.connect.received", 3}, {"authorization.deny", 1}},
            {{"listeners",
              {{{"type", "tcp"}, {"name", "default"}, {"shutdown_count", {{"kicked", 1}, {"keepalive_timeout", 2}}}},
               {{"type", "ws"}, {"name", "default"}, {"shutdown_count", Json::object()}}}}},
            {{"expiry_epoch", license_expiry}},
            {{"running_nodes", Json::array({kNode})}, {"stopped_nodes", Json::array()}},
            {{"cpu_use", 12.5}, {"cpu_idle", 87.5}, {"run_queue", 3}, {"total_memory", 8000}}};
}

}  // namespace

TEST_CASE("prometheus stats: EMQX's names for our dotted ones", "[http]") {
    CHECK(prometheusName("messages.received") == "emqx_messages_received");
    CHECK(prometheusName("live_connections.count") == "emqx_live_connections_count");
    CHECK(prometheusName("delivery.dropped.queue_full") == "emqx_delivery_dropped_queue_full");
    CHECK(prometheusName("packets.connect.received") == "emqx_packets_connect");
}

TEST_CASE("prometheus stats: gauges and counters with the node label, shutdowns by reason", "[http]") {
    std::string text = prometheusText(prometheusSamples(kNode, sources()));
    CHECK(text.find("# TYPE emqx_connections_count gauge\nemqx_connections_count{node=\"emqx@127.0.0.1\"} 2\n") !=
          std::string::npos);
    CHECK(text.find("# TYPE emqx_messages_received counter\nemqx_messages_received{node=\"emqx@127.0.0.1\"} 5\n") !=
          std::string::npos);
    CHECK(text.find("emqx_packets_connect{node=\"emqx@127.0.0.1\"} 3\n") != std::string::npos);
    CHECK(text.find("emqx_authorization_deny{node=\"emqx@127.0.0.1\"} 1\n") != std::string::npos);
    CHECK(text.find("emqx_cluster_nodes_running{node=\"emqx@127.0.0.1\"} 1\n") != std::string::npos);
    CHECK(text.find("# TYPE emqx_listener_shutdown_total counter\n"
                    "emqx_listener_shutdown_total{node=\"emqx@127.0.0.1\",listener_type=\"tcp\",listener_name="
                    "\"default\",reason=\"keepalive_timeout\"} 2\n"
                    "emqx_listener_shutdown_total{node=\"emqx@127.0.0.1\",listener_type=\"tcp\",listener_name="
                    "\"default\",reason=\"kicked\"} 1\n") != std::string::npos);
    CHECK(text.find("emqx_license_expiry_at") == std::string::npos);
}

TEST_CASE("prometheus stats: the license's expiry, without a node label as in EMQX", "[http]") {
    std::string text = prometheusText(prometheusSamples(kNode, sources(4102444800)));
    CHECK(text.find("# TYPE emqx_license_expiry_at gauge\nemqx_license_expiry_at 4102444800\n") != std::string::npos);
}

TEST_CASE("prometheus stats: EMQX's JSON form", "[http]") {
    Json j = prometheusJson(kNode, prometheusSamples(kNode, sources(4102444800)));
    CHECK(j["node"] == kNode);
    CHECK(j["emqx_connections_count"] == 2);
    CHECK(j["emqx_messages_received"].is_number_integer());
    CHECK(j["emqx_packets_connect"] == 3);
    CHECK(j["emqx_license_expiry_at"] == 4102444800);
    CHECK(j["emqx_listener_shutdown_total"] ==
          Json::array(
              {{{"listener_type", "tcp"}, {"listener_name", "default"}, {"reason", "keepalive_timeout"}, {"value", 2}},
               {{"listener_type", "tcp"}, {"listener_name", "default"}, {"reason", "kicked"}, {"value", 1}}}));
}

TEST_CASE("prometheus stats: the TLS listeners' certificate expiry, labelled as EMQX 5.8, no node label", "[http]") {
    PromSources s = sources();
    s.listeners["listeners"].push_back(
        {{"type", "ssl"}, {"name", "default"}, {"shutdown_count", Json::object()}, {"cert_expiry_at", 1924991999}});
    s.listeners["listeners"].push_back(
        {{"type", "wss"}, {"name", "edge"}, {"shutdown_count", Json::object()}, {"cert_expiry_at", 1893456000}});
    auto samples = prometheusSamples(kNode, s);
    std::string text = prometheusText(samples);
    CHECK(text.find("# TYPE emqx_cert_expiry_at gauge\n"
                    "emqx_cert_expiry_at{listener_type=\"ssl\",listener_name=\"default\"} 1924991999\n"
                    "emqx_cert_expiry_at{listener_type=\"wss\",listener_name=\"edge\"} 1893456000\n") !=
          std::string::npos);
    Json j = prometheusJson(kNode, samples);
    CHECK(j["emqx_cert_expiry_at"] ==
          Json::array({{{"listener_type", "ssl"}, {"listener_name", "default"}, {"value", 1924991999}},
                       {{"listener_type", "wss"}, {"listener_name", "edge"}, {"value", 1893456000}}}));
}

TEST_CASE("prometheus stats: no emqx_cert_expiry_at without a TLS listener", "[http]") {
    CHECK(prometheusText(prometheusSamples(kNode, sources())).find("emqx_cert_expiry_at") == std::string::npos);
}

TEST_CASE("prometheus stats: the host's figures as EMQX's emqx_vm_* gauges, an unread one absent", "[http]") {
    std::string text = prometheusText(prometheusSamples(kNode, sources()));
    CHECK(text.find("# TYPE emqx_vm_cpu_use gauge\nemqx_vm_cpu_use{node=\"emqx@127.0.0.1\"} 12.5\n") !=
          std::string::npos);
    CHECK(text.find("emqx_vm_cpu_idle{node=\"emqx@127.0.0.1\"} 87.5\n") != std::string::npos);
    CHECK(text.find("emqx_vm_run_queue{node=\"emqx@127.0.0.1\"} 3\n") != std::string::npos);
    CHECK(text.find("emqx_vm_total_memory{node=\"emqx@127.0.0.1\"} 8000\n") != std::string::npos);
    CHECK(text.find("emqx_vm_used_memory") == std::string::npos);
    CHECK(text.find("emqx_vm_process_messages_in_queues") == std::string::npos);
}
