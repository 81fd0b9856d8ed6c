#include "common/config/value_parsers.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

namespace emqx::config {
namespace {

constexpr int64_t kMaxI64 = std::numeric_limits<int64_t>::max();

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

// Reads an unsigned decimal at `pos`; false on no digits or overflow.
bool readNumber(std::string_view text, size_t& pos, int64_t& value) {
    size_t start = pos;
    value = 0;
    while (pos < text.size() && isDigit(text[pos])) {
        int digit = text[pos] - '0';
        if (value > (kMaxI64 - digit) / 10) return false;
        value = value * 10 + digit;
        ++pos;
    }
    return pos > start;
}

bool mulAdd(int64_t& total, int64_t n, int64_t unit) {
    if (n > kMaxI64 / unit) return false;
    int64_t part = n * unit;
    if (total > kMaxI64 - part) return false;
    total += part;
    return true;
}

}  // namespace

std::optional<int64_t> parseDuration(std::string_view text) {
    // Units in the order they must appear when combined ("1d2h3m4s5ms").
    struct Unit {
        std::string_view name;
        int64_t ms;
    };
    static constexpr Unit kUnits[] = {{"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1}};
    if (text.empty()) return std::nullopt;
    size_t pos = 0;
    int64_t total = 0;
    size_t next_unit = 0;  // each unit at most once, largest first
    while (pos < text.size()) {
        int64_t n = 0;
        if (!readNumber(text, pos, n)) return std::nullopt;
        size_t ustart = pos;
        while (pos < text.size() && isAlpha(text[pos])) ++pos;
        std::string_view unit = text.substr(ustart, pos - ustart);
        if (unit.empty()) return std::nullopt;  // a bare number is not a duration
        size_t found = std::size(kUnits);
        for (size_t i = 0; i < std::size(kUnits); ++i)
            if (iequals(unit, kUnits[i].name)) found = i;
        if (found == std::size(kUnits) || found < next_unit) return std::nullopt;
        next_unit = found + 1;
        if (!mulAdd(total, n, kUnits[found].ms)) return std::nullopt;
    }
    return total;
}

std::optional<int64_t> parseSize(std::string_view text) {
    size_t pos = 0;
    int64_t n = 0;
    if (!readNumber(text, pos, n)) return std::nullopt;
    std::string_view unit = text.substr(pos);
    int64_t mult = 0;
    if (iequals(unit, "b")) mult = 1;
    else if (iequals(unit, "kb")) mult = int64_t{1} << 10;
    else if (iequals(unit, "mb")) mult = int64_t{1} << 20;
    else if (iequals(unit, "gb")) mult = int64_t{1} << 30;
    else return std::nullopt;
    int64_t total = 0;
    if (!mulAdd(total, n, mult)) return std::nullopt;
    return total;
}

std::optional<Rate> parseRate(std::string_view text, bool bytes) {
    if (iequals(text, "infinity")) return Rate{};
    size_t slash = text.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    std::string_view amount_text = text.substr(0, slash);
    std::string_view period_text = text.substr(slash + 1);
    std::optional<int64_t> amount = parseInteger(amount_text);
    if (!amount && bytes) amount = parseSize(amount_text);
    if (!amount || *amount <= 0 || amount_text.front() == '-') return std::nullopt;
    std::optional<int64_t> period;
    if (!period_text.empty() && isAlpha(period_text.front())) period = parseDuration("1" + std::string(period_text));
    else period = parseDuration(period_text);
    if (!period || *period <= 0) return std::nullopt;
    return Rate{*amount, *period};
}

std::optional<bool> parseBool(std::string_view text) {
    if (iequals(text, "true")) return true;
    if (iequals(text, "false")) return false;
    return std::nullopt;
}

std::optional<int64_t> parseInteger(std::string_view text) {
    if (text.empty()) return std::nullopt;
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 10);
    if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
    return value;
}

std::optional<double> parseFloat(std::string_view text) {
    if (text.empty()) return std::nullopt;
    // from_chars accepts "inf"/"nan" and hex is off in general format; reject
    // anything that is not digits, sign, '.', or an exponent explicitly.
    for (char c : text)
        if (!(isDigit(c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) return std::nullopt;
    if (text[0] == '+') return std::nullopt;
    double value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
    return value;
}

std::optional<double> parsePercent(std::string_view text) {
    if (text.size() < 2 || text.back() != '%') return std::nullopt;
    auto value = parseFloat(text.substr(0, text.size() - 1));
    if (!value || *value < 0 || *value > 100) return std::nullopt;
    return value;
}

std::string formatDuration(int64_t ms) {
    if (ms <= 0) return std::to_string(ms) + "ms";
    struct Unit {
        const char* name;
        int64_t ms;
    };
    static constexpr Unit kUnits[] = {{"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1}};
    std::string out;
    int64_t rest = ms;
    for (const Unit& u : kUnits) {
        if (rest >= u.ms) {
            out += std::to_string(rest / u.ms) + u.name;
            rest %= u.ms;
        }
    }
    return out;
}

std::string formatSize(int64_t bytes) {
    if (bytes > 0) {
        if (bytes % (int64_t{1} << 30) == 0) return std::to_string(bytes >> 30) + "GB";
        if (bytes % (int64_t{1} << 20) == 0) return std::to_string(bytes >> 20) + "MB";
        if (bytes % (int64_t{1} << 10) == 0) return std::to_string(bytes >> 10) + "KB";
    }
    return std::to_string(bytes) + "B";
}

std::string quoteString(std::string_view text) {
    std::string out = "\"";
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04X", c);
                    out += buf;
                } else {
                    out += ch;
                }
        }
    }
    out += '"';
    return out;
}

}  // namespace emqx::config
