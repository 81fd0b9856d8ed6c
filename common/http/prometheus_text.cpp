#include "common/http/prometheus_text.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace emqx::http {

namespace {

bool isNameChar(char c, bool first, bool colon_ok) {
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon_ok && c == ':');
    return letter || (!first && c >= '0' && c <= '9');
}

bool validName(std::string_view name, bool colon_ok) {
    if (name.empty()) return false;
    for (size_t i = 0; i < name.size(); ++i)
        if (!isNameChar(name[i], i == 0, colon_ok)) return false;
    return true;
}

std::string escape(std::string_view v, bool quote) {
    std::string out;
    out.reserve(v.size());
    for (char c : v) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (quote && c == '"') out += "\\\"";
        else out += c;
    }
    return out;
}

std::string sampleLine(std::string_view name, const MetricLabels& labels, double value) {
    std::string line(name);
    if (!labels.empty()) {
        line += '{';
        for (size_t i = 0; i < labels.size(); ++i) {
            if (!validName(labels[i].first, false) || labels[i].first.rfind("__", 0) == 0)
                throw std::invalid_argument("prometheus: bad label name " + labels[i].first);
            line += (i ? "," : "") + labels[i].first + "=\"" + escapeLabelValue(labels[i].second) + '"';
        }
        line += '}';
    }
    return line + ' ' + formatSampleValue(value);
}

}  // namespace

std::string escapeLabelValue(std::string_view v) { return escape(v, true); }

std::string escapeHelp(std::string_view v) { return escape(v, false); }

std::string formatSampleValue(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == std::trunc(v) && std::fabs(v) <= 9007199254740992.0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
        return buf;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

void PrometheusText::add(std::string_view name, MetricType type, std::string_view help, const MetricLabels& labels,
                         double value) {
    if (!validName(name, true)) throw std::invalid_argument("prometheus: bad metric name " + std::string(name));
    Family* family = nullptr;
    for (auto& f : families_)
        if (f.name == name) family = &f;
    if (!family) {
        families_.push_back(Family{std::string(name), type, std::string(help), {}});
        family = &families_.back();
    } else if (family->type != type) {
        throw std::invalid_argument("prometheus: " + std::string(name) + " added as a counter and as a gauge");
    }
    family->samples.push_back(sampleLine(name, labels, value));
}

std::string PrometheusText::text() const {
    std::string out;
    for (const auto& f : families_) {
        out += "# HELP " + f.name + ' ' + escapeHelp(f.help) + '\n';
        out += "# TYPE " + f.name + (f.type == MetricType::Counter ? " counter\n" : " gauge\n");
        for (const auto& s : f.samples) out += s + '\n';
    }
    return out;
}

}  // namespace emqx::http
