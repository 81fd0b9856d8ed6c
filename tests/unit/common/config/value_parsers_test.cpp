// Durations, sizes, booleans and numbers as config values (EMQX spellings).
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "common/config/value_parsers.h"

using namespace emqx::config;

TEST_CASE("parseDuration: units and combinations", "[config]") {
    CHECK(parseDuration("15s") == 15000);
    CHECK(parseDuration("500ms") == 500);
    CHECK(parseDuration("1m") == 60000);
    CHECK(parseDuration("2h") == 7200000);
    CHECK(parseDuration("1d") == 86400000);
    CHECK(parseDuration("1h30m") == 5400000);
    CHECK(parseDuration("1d2h3m4s5ms") == 93784005);
    CHECK(parseDuration("0s") == 0);
    CHECK(parseDuration("0ms") == 0);
    CHECK(parseDuration("300s") == 300000);
    CHECK(parseDuration("15S") == 15000);  // units are case-insensitive
    CHECK(parseDuration("1H30M") == 5400000);
    CHECK(parseDuration("9223372036854775807ms") == std::numeric_limits<int64_t>::max());
}

TEST_CASE("parseDuration: rejects bare numbers, bad units and overflow", "[config]") {
    CHECK_FALSE(parseDuration(""));
    CHECK_FALSE(parseDuration("15"));  // a bare integer is not a duration
    CHECK_FALSE(parseDuration("0"));
    CHECK_FALSE(parseDuration("s"));
    CHECK_FALSE(parseDuration("ms"));
    CHECK_FALSE(parseDuration("1.5s"));
    CHECK_FALSE(parseDuration("-1s"));
    CHECK_FALSE(parseDuration("+1s"));
    CHECK_FALSE(parseDuration("15x"));
    CHECK_FALSE(parseDuration("15sec"));
    CHECK_FALSE(parseDuration("1w"));
    CHECK_FALSE(parseDuration(" 15s"));
    CHECK_FALSE(parseDuration("15s "));
    CHECK_FALSE(parseDuration("1h 30m"));
    CHECK_FALSE(parseDuration("1h30"));   // trailing bare number
    CHECK_FALSE(parseDuration("30m1h"));  // largest unit first
    CHECK_FALSE(parseDuration("1s1s"));   // each unit once
    CHECK_FALSE(parseDuration("disabled"));
    CHECK_FALSE(parseDuration("infinity"));
    CHECK_FALSE(parseDuration("99999999999999999999s"));  // the number itself overflows
    CHECK_FALSE(parseDuration("9223372036854776s"));      // number x unit overflows
    CHECK_FALSE(parseDuration("106751991168d"));
    CHECK_FALSE(parseDuration(std::string("1\0s", 3)));
}

TEST_CASE("parseDuration: the sum of parts may overflow", "[config]") {
    // 106751991167 days is INT64_MAX ms minus about 7.2 hours.
    CHECK(parseDuration("106751991167d") == int64_t{106751991167} * 86400000);
    CHECK(parseDuration("106751991167d7h"));
    CHECK_FALSE(parseDuration("106751991167d8h"));
}

TEST_CASE("parseSize: 1024-based units", "[config]") {
    CHECK(parseSize("0B") == 0);
    CHECK(parseSize("1B") == 1);
    CHECK(parseSize("1KB") == 1024);
    CHECK(parseSize("1MB") == 1048576);
    CHECK(parseSize("50MB") == 50 * 1048576);
    CHECK(parseSize("1GB") == 1073741824);
    CHECK(parseSize("1mb") == 1048576);
    CHECK(parseSize("2Kb") == 2048);
    CHECK(parseSize("8589934591GB") == int64_t{8589934591} << 30);
}

TEST_CASE("parseSize: rejects bare numbers, bad units and overflow", "[config]") {
    CHECK_FALSE(parseSize(""));
    CHECK_FALSE(parseSize("1024"));
    CHECK_FALSE(parseSize("MB"));
    CHECK_FALSE(parseSize("1TB"));
    CHECK_FALSE(parseSize("1K"));
    CHECK_FALSE(parseSize("1.5MB"));
    CHECK_FALSE(parseSize("-1MB"));
    CHECK_FALSE(parseSize("1 MB"));
    CHECK_FALSE(parseSize("1MB512KB"));
    CHECK_FALSE(parseSize("99999999999999999999B"));
    CHECK_FALSE(parseSize("8589934592GB"));  // 2^33 GB = 2^63 bytes
}

TEST_CASE("parseRate: infinity, amounts per period, sizes for bytes", "[config]") {
    CHECK(parseRate("infinity", false)->unlimited());
    auto r = parseRate("1000/s", false);
    REQUIRE(r);
    CHECK(r->amount == 1000);
    CHECK(r->period_ms == 1000);
    r = parseRate("100/10s", false);
    REQUIRE(r);
    CHECK(r->amount == 100);
    CHECK(r->period_ms == 10000);
    r = parseRate("5/m", false);
    REQUIRE(r);
    CHECK(r->period_ms == 60000);
    r = parseRate("10MB/s", true);
    REQUIRE(r);
    CHECK(r->amount == 10 * 1048576);
    r = parseRate("2048/500ms", true);
    REQUIRE(r);
    CHECK(r->amount == 2048);
    CHECK(r->period_ms == 500);
}

TEST_CASE("parseRate: rejects what is not a positive amount per positive period", "[config]") {
    CHECK_FALSE(parseRate("", false));
    CHECK_FALSE(parseRate("1000", false));
    CHECK_FALSE(parseRate("10MB/s", false));  // sizes only for byte rates
    CHECK_FALSE(parseRate("0/s", false));
    CHECK_FALSE(parseRate("-5/s", false));
    CHECK_FALSE(parseRate("5/0s", false));
    CHECK_FALSE(parseRate("5/", false));
    CHECK_FALSE(parseRate("5/x", false));
    CHECK_FALSE(parseRate("/s", true));
    CHECK_FALSE(parseRate("1 MB/s", true));
}

TEST_CASE("parseBool, parseInteger, parseFloat", "[config]") {
    CHECK(parseBool("true") == true);
    CHECK(parseBool("false") == false);
    CHECK(parseBool("TRUE") == true);
    CHECK(parseBool("False") == false);
    CHECK_FALSE(parseBool(""));
    CHECK_FALSE(parseBool("1"));
    CHECK_FALSE(parseBool("yes"));
    CHECK_FALSE(parseBool("truee"));

    CHECK(parseInteger("42") == 42);
    CHECK(parseInteger("0") == 0);
    CHECK(parseInteger("-3") == -3);
    CHECK(parseInteger("9223372036854775807") == std::numeric_limits<int64_t>::max());
    CHECK_FALSE(parseInteger(""));
    CHECK_FALSE(parseInteger("+1"));
    CHECK_FALSE(parseInteger(" 1"));
    CHECK_FALSE(parseInteger("1 "));
    CHECK_FALSE(parseInteger("0x10"));
    CHECK_FALSE(parseInteger("1.0"));
    CHECK_FALSE(parseInteger("abc"));
    CHECK_FALSE(parseInteger("9223372036854775808"));
    CHECK_FALSE(parseInteger("99999999999999999999"));

    CHECK(parseFloat("1.5") == 1.5);
    CHECK(parseFloat("2") == 2.0);
    CHECK(parseFloat("-0.25") == -0.25);
    CHECK(parseFloat("1e3") == 1000.0);
    CHECK_FALSE(parseFloat(""));
    CHECK_FALSE(parseFloat("nan"));
    CHECK_FALSE(parseFloat("inf"));
    CHECK_FALSE(parseFloat("-inf"));
    CHECK_FALSE(parseFloat("1e999"));
    CHECK_FALSE(parseFloat("+1"));
    CHECK_FALSE(parseFloat("1.5x"));
    CHECK_FALSE(parseFloat("0x1p3"));
    CHECK_FALSE(parseFloat("."));
}

TEST_CASE("formatDuration and formatSize round-trip", "[config]") {
    CHECK(formatDuration(15000) == "15s");
    CHECK(formatDuration(5400000) == "1h30m");
    CHECK(formatDuration(300000) == "5m");
    CHECK(formatDuration(1500) == "1s500ms");
    CHECK(formatDuration(7) == "7ms");
    CHECK(formatDuration(0) == "0ms");
    CHECK(formatDuration(86400000) == "1d");
    for (int64_t ms : {int64_t{1}, int64_t{999}, int64_t{1000}, int64_t{61001}, int64_t{93784005},
                       std::numeric_limits<int64_t>::max()})
        CHECK(parseDuration(formatDuration(ms)) == ms);

    CHECK(formatSize(0) == "0B");
    CHECK(formatSize(1536) == "1536B");
    CHECK(formatSize(2048) == "2KB");
    CHECK(formatSize(1048576) == "1MB");
    CHECK(formatSize(int64_t{3} << 30) == "3GB");
    for (int64_t b : {int64_t{1}, int64_t{1023}, int64_t{1024}, int64_t{50} << 20, std::numeric_limits<int64_t>::max()})
        CHECK(parseSize(formatSize(b)) == b);
}

TEST_CASE("quoteString escapes for TOML", "[config]") {
    CHECK(quoteString("abc") == "\"abc\"");
    CHECK(quoteString("") == "\"\"");
    CHECK(quoteString("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(quoteString("a\nb\tc") == "\"a\\nb\\tc\"");
    CHECK(quoteString(std::string("\x01\x7f", 2)) == "\"\\u0001\\u007F\"");
    CHECK(quoteString("caf\xc3\xa9") == "\"caf\xc3\xa9\"");
}

TEST_CASE("parsePercent: 0% to 100%, the sign required", "[config]") {
    CHECK(parsePercent("80%") == 80.0);
    CHECK(parsePercent("0.5%") == 0.5);
    CHECK(parsePercent("0%") == 0.0);
    CHECK(parsePercent("100%") == 100.0);
    CHECK_FALSE(parsePercent("80"));
    CHECK_FALSE(parsePercent("%"));
    CHECK_FALSE(parsePercent("101%"));
    CHECK_FALSE(parsePercent("-1%"));
    CHECK_FALSE(parsePercent("0.8"));
    CHECK_FALSE(parsePercent("8 0%"));
}
