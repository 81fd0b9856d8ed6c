#pragma once
// Prometheus's text exposition format 0.0.4: metric families, each with one
// `# HELP` and one `# TYPE` line before its samples, label values escaped.
// Samples added to a family already there join it, wherever they are added,
// so a family is never written twice (which scrapers refuse). Pure code.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emqx::http {

// The content-type of the text format.
inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

enum class MetricType { Counter, Gauge };

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class PrometheusText {
public:
    // One sample of family `name`. A name or label name that Prometheus does
    // not allow, or a family added again with another type, is a programming
    // error: std::invalid_argument.
    void add(std::string_view name, MetricType type, std::string_view help, const MetricLabels& labels, double value);

    // The exposition, families in the order first added.
    std::string text() const;

private:
    struct Family {
        std::string name;
        MetricType type;
        std::string help;
        std::vector<std::string> samples;  // each line whole, without the newline
    };
    std::vector<Family> families_;
};

// A label value or HELP text as the format writes it: `\` -> `\\`, newline ->
// `\n`, and in a label value `"` -> `\"`.
std::string escapeLabelValue(std::string_view v);
std::string escapeHelp(std::string_view v);

// A sample's value: an integer as such (counters up to 2^53 are exact),
// otherwise with 17 significant digits (which read back the same); NaN and infinities as
// Prometheus spells them.
std::string formatSampleValue(double v);

}  // namespace emqx::http
