// The Prometheus text format writer: one HELP and TYPE per family, samples
// of a family together, escaped label values, exact integers.
#include <catch2/catch.hpp>
#include <limits>

#include "common/http/prometheus_text.h"

using namespace emqx::http;

TEST_CASE("prometheus text: families with HELP and TYPE, labels in order", "[http]") {
    PrometheusText t;
    t.add("emqx_connections_count", MetricType::Gauge, "connections.count", {{"node", "emqx@127.0.0.1"}}, 3);
    t.add("emqx_messages_received", MetricType::Counter, "messages.received", {}, 12);
    CHECK(t.text() ==
          "# HELP emqx_connections_count connections.count\n"
          "# TYPE emqx_connections_count gauge\n"
          "emqx_connections_count{node=\"emqx@127.0.0.1\"} 3\n"
          "# HELP emqx_messages_received messages.received\n"
          "# TYPE emqx_messages_received counter\n"
          "emqx_messages_received 12\n");
}

TEST_CASE("prometheus text: a family added twice is written once, its samples together", "[http]") {
    PrometheusText t;
    t.add("a", MetricType::Counter, "", {{"reason", "kicked"}}, 1);
    t.add("b", MetricType::Gauge, "", {}, 2);
    t.add("a", MetricType::Counter, "", {{"reason", "keepalive_timeout"}}, 4);
    CHECK(t.text() ==
          "# HELP a \n# TYPE a counter\na{reason=\"kicked\"} 1\na{reason=\"keepalive_timeout\"} 4\n"
          "# HELP b \n# TYPE b gauge\nb 2\n");
    CHECK_THROWS_AS(t.add("a", MetricType::Gauge, "", {}, 1), std::invalid_argument);
}

TEST_CASE("prometheus text: label values and HELP are escaped", "[http]") {
    CHECK(escapeLabelValue(R"(a"b\c)"
                           "\n") == R"(a\"b\\c\n)");
    CHECK(escapeHelp(R"(say "hi"\)"
                     "\n") == R"(say "hi"\\\n)");
    PrometheusText t;
    t.add("m", MetricType::Gauge, "line1\nline2", {{"listener_name", "x\"y"}}, 1);
    CHECK(t.text() == "# HELP m line1\\nline2\n# TYPE m gauge\nm{listener_name=\"x\\\"y\"} 1\n");
}

TEST_CASE("prometheus text: names Prometheus refuses are refused", "[http]") {
    PrometheusText t;
    for (const char* bad : {"", "1abc", "emqx.messages", "emqx-x", "a b"})
        CHECK_THROWS_AS(t.add(bad, MetricType::Gauge, "", {}, 1), std::invalid_argument);
    CHECK_NOTHROW(t.add("ns:emqx_x", MetricType::Gauge, "", {}, 1));
    CHECK_THROWS_AS(t.add("m", MetricType::Gauge, "", {{"a:b", "1"}}, 1), std::invalid_argument);
    CHECK_THROWS_AS(t.add("m", MetricType::Gauge, "", {{"__name__", "1"}}, 1), std::invalid_argument);
}

TEST_CASE("prometheus text: values", "[http]") {
    CHECK(formatSampleValue(0) == "0");
    CHECK(formatSampleValue(18446744073709.0) == "18446744073709");
    CHECK(formatSampleValue(9007199254740992.0) == "9007199254740992");
    CHECK(formatSampleValue(-5) == "-5");
    CHECK(formatSampleValue(0.25) == "0.25");
    CHECK(formatSampleValue(1e300) == "1.0000000000000001e+300");
    CHECK(formatSampleValue(std::numeric_limits<double>::quiet_NaN()) == "NaN");
    CHECK(formatSampleValue(std::numeric_limits<double>::infinity()) == "+Inf");
    CHECK(formatSampleValue(-std::numeric_limits<double>::infinity()) == "-Inf");
}
