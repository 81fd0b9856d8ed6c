#pragma once
// Pure parsers and formatters for config values as EMQX writes them:
// durations ("15s", "1h30m", "500ms"), sizes ("1MB", 1024-based), booleans,
// integers and floats. No special words here ("disabled", "infinity"): the key
// table decides which words a key allows.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace emqx::config {

// Integer + unit, repeated: units ms, s, m, h, d (case-insensitive), e.g.
// "15s", "500ms", "1h30m", "2d". Returns milliseconds; nullopt on a bare
// number, an unknown unit, a sign, a fraction, or a total above INT64_MAX.
std::optional<int64_t> parseDuration(std::string_view text);

// Integer + unit B, KB, MB, GB (case-insensitive, 1024-based), e.g. "1MB".
// Returns bytes; nullopt on a bare number, an unknown unit or overflow.
std::optional<int64_t> parseSize(std::string_view text);

// A rate as EMQX writes it: "infinity", or an amount per period, "1000/s",
// "100/10s", "10MB/s" (sizes only when `bytes`; a bare number is bytes too).
// The period is a duration, or a bare unit ("s" = "1s"). Amount and period
// must be positive.
struct Rate {
    int64_t amount = 0;  // 0: infinity
    int64_t period_ms = 0;
    bool unlimited() const { return amount == 0; }
};
std::optional<Rate> parseRate(std::string_view text, bool bytes);

// "true" / "false" (case-insensitive).
std::optional<bool> parseBool(std::string_view text);

// A decimal integer with an optional leading '-'; nullopt on anything else
// (spaces, '+', hex, overflow).
std::optional<int64_t> parseInteger(std::string_view text);

// A finite decimal number ("1.5", "2", "-0.25", "1e3"); nullopt on anything
// else, including "nan" and "inf".
std::optional<double> parseFloat(std::string_view text);

// A percentage as EMQX writes it: "80%", "0.5%" (0 to 100, the sign
// required). Returns the number before the sign; nullopt on anything else.
std::optional<double> parsePercent(std::string_view text);

// The shortest exact rendering: 15000 -> "15s", 5400000 -> "1h30m", 0 -> "0ms".
std::string formatDuration(int64_t ms);

// The largest unit that divides exactly: 1048576 -> "1MB", 1536 -> "1536B",
// 0 -> "0B".
std::string formatSize(int64_t bytes);

// A TOML basic string literal: quotes, backslash escapes, \uXXXX for controls.
std::string quoteString(std::string_view text);

}  // namespace emqx::config
