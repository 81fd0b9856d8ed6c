// Topic validation, matching and shared-subscription parsing (MQTT 5.0 4.7, 4.8.2).
#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "common/topic/topic.h"

using namespace emqx::topic;
using namespace std::string_view_literals;

TEST_CASE("topic names: valid and invalid", "[topic]") {
    CHECK(isValidTopicName("a"));
    CHECK(isValidTopicName("a/b/c"));
    CHECK(isValidTopicName("/"));
    CHECK(isValidTopicName("/a"));
    CHECK(isValidTopicName("a/"));
    CHECK(isValidTopicName("a//b"));
    CHECK(isValidTopicName("$SYS/broker/uptime"));
    CHECK(isValidTopicName(" "));
    CHECK(isValidTopicName("sport/tennis/player1"));
    CHECK(isValidTopicName("caf\xc3\xa9/\xe2\x82\xac"));

    CHECK_FALSE(isValidTopicName(""));
    CHECK_FALSE(isValidTopicName("a/+"));
    CHECK_FALSE(isValidTopicName("+"));
    CHECK_FALSE(isValidTopicName("#"));
    CHECK_FALSE(isValidTopicName("a/#"));
    CHECK_FALSE(isValidTopicName("a+b"));
    CHECK_FALSE(isValidTopicName("a#b"));
    CHECK_FALSE(isValidTopicName("a\0b"sv));
    CHECK_FALSE(isValidTopicName("\0"sv));
    CHECK_FALSE(isValidTopicName(std::string(65536, 'a')));
    CHECK(isValidTopicName(std::string(65535, 'a')));
}

TEST_CASE("topic names: max levels", "[topic]") {
    CHECK(isValidTopicName("a/b/c", 3));
    CHECK_FALSE(isValidTopicName("a/b/c/d", 3));
    CHECK(isValidTopicName("a/b/c/d", 0));  // 0 = unlimited
    CHECK(isValidTopicName("a", 1));
    CHECK_FALSE(isValidTopicName("a/", 1));  // "a/" has two levels
    CHECK_FALSE(isValidTopicName("/", 1));
    CHECK(isValidTopicName("/", 2));
}

TEST_CASE("topic filters: valid", "[topic]") {
    for (const char* f :
         {"a",           "a/b",     "#",          "+",      "+/+",      "/+",     "+/",     "a/#",
          "a/+/b",       "+/b/#",   "/#",         "//",     "a//b",     "/a",     "a/",     "sport/tennis/player1/#",
          "sport/#",     "sport/+", "+/tennis/#", "$SYS/#", "$SYS/+/x", "$share", "$queue", "$sharex/a",
          "a/$share/g/b"}) {
        INFO(f);
        CHECK(isValidTopicFilter(f));
    }
}

TEST_CASE("topic filters: invalid", "[topic]") {
    for (const char* f : {"",       "a/#/b", "a+",         "#a",         "a/b#",     "a#",     "+a",
                          "a/+b",   "a/b+",  "##",         "++",         "#/",       "#/a",    "sport/tennis#",
                          "sport+", "a/#/#", "$share/g/a", "$share/g/#", "$queue/a", "$queue/"}) {
        INFO(f);
        CHECK_FALSE(isValidTopicFilter(f));
    }
    CHECK_FALSE(isValidTopicFilter("a/\0"sv));
    CHECK_FALSE(isValidTopicFilter("\0"sv));
    CHECK_FALSE(isValidTopicFilter("a\0/#"sv));
    CHECK_FALSE(isValidTopicFilter(std::string(65536, 'a')));
}

TEST_CASE("topic filters: max levels", "[topic]") {
    CHECK(isValidTopicFilter("a/+/#", 3));
    CHECK_FALSE(isValidTopicFilter("a/+/b/#", 3));
    CHECK(isValidTopicFilter("a/+/b/#", 0));
    CHECK(isValidTopicFilter("#", 1));
    CHECK_FALSE(isValidTopicFilter("a/", 1));
}

TEST_CASE("hasWildcard and levelCount", "[topic]") {
    CHECK(hasWildcard("#"));
    CHECK(hasWildcard("a/+"));
    CHECK(hasWildcard("a/+/b"));
    CHECK_FALSE(hasWildcard("a/b"));
    CHECK_FALSE(hasWildcard(""));
    CHECK_FALSE(hasWildcard("$SYS/x"));

    CHECK(levelCount("a/b/c") == 3);
    CHECK(levelCount("a/") == 2);
    CHECK(levelCount("/") == 2);
    CHECK(levelCount("") == 1);
    CHECK(levelCount("a") == 1);
    CHECK(levelCount("a//b") == 3);
}

TEST_CASE("matches: spec 4.7.1.2 multi-level wildcard examples", "[topic]") {
    // "sport/tennis/player1/#" matches these
    CHECK(matches("sport/tennis/player1/#", "sport/tennis/player1"));
    CHECK(matches("sport/tennis/player1/#", "sport/tennis/player1/ranking"));
    CHECK(matches("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon"));
    CHECK_FALSE(matches("sport/tennis/player1/#", "sport/tennis/player2"));
    CHECK_FALSE(matches("sport/tennis/player1/#", "sport/tennis"));
    // "sport/#" also matches the singular "sport"
    CHECK(matches("sport/#", "sport"));
    CHECK(matches("sport/#", "sport/"));
    CHECK(matches("sport/#", "sport/tennis"));
    CHECK_FALSE(matches("sport/#", "sports"));
    CHECK_FALSE(matches("sport/#", "spor"));
    // "#" matches everything (not starting with '$')
    CHECK(matches("#", "sport"));
    CHECK(matches("#", "sport/tennis/player1"));
    CHECK(matches("#", "/"));
    CHECK(matches("#", "/a"));
    CHECK(matches("#", "a/"));
}

TEST_CASE("matches: spec 4.7.1.3 single-level wildcard examples", "[topic]") {
    CHECK(matches("sport/tennis/+", "sport/tennis/player1"));
    CHECK(matches("sport/tennis/+", "sport/tennis/player2"));
    CHECK_FALSE(matches("sport/tennis/+", "sport/tennis/player1/ranking"));
    CHECK_FALSE(matches("sport/tennis/+", "sport/tennis"));
    CHECK(matches("sport/tennis/+", "sport/tennis/"));  // empty level
    // "sport/+" does not match "sport" but does match "sport/"
    CHECK_FALSE(matches("sport/+", "sport"));
    CHECK(matches("sport/+", "sport/"));
    // "+/+" and "/+" both match "/finance"; "+" does not
    CHECK(matches("+/+", "/finance"));
    CHECK(matches("/+", "/finance"));
    CHECK_FALSE(matches("+", "/finance"));
    CHECK(matches("+/tennis/#", "sport/tennis/player1"));
    CHECK(matches("+/tennis/#", "sport/tennis"));
    CHECK_FALSE(matches("+/tennis/#", "sport/football"));
}

TEST_CASE("matches: '+' at every position", "[topic]") {
    CHECK(matches("+/b/c", "a/b/c"));
    CHECK(matches("a/+/c", "a/b/c"));
    CHECK(matches("a/b/+", "a/b/c"));
    CHECK(matches("+/+/+", "a/b/c"));
    CHECK_FALSE(matches("+/+/+", "a/b"));
    CHECK_FALSE(matches("+/+/+", "a/b/c/d"));
    CHECK(matches("+/+/+", "//"));
    CHECK(matches("+", "a"));
    CHECK(matches("+", "x"));
    CHECK_FALSE(matches("+", "a/b"));
    CHECK_FALSE(matches("+", "/"));
    CHECK(matches("+/", "a/"));
    CHECK_FALSE(matches("+/", "a/b"));
    CHECK(matches("+/#", "a"));
    CHECK(matches("+/#", "a/b/c"));
    CHECK(matches("a/+/#", "a/b"));
    CHECK(matches("a/+/#", "a/b/c/d"));
    CHECK_FALSE(matches("a/+/#", "a"));
    CHECK_FALSE(matches("a/+/c", "a/b/d"));
    CHECK_FALSE(matches("a/+/c", "x/b/c"));
}

TEST_CASE("matches: empty levels", "[topic]") {
    CHECK(matches("a//b", "a//b"));
    CHECK(matches("a/+/b", "a//b"));
    CHECK_FALSE(matches("a/b", "a//b"));
    CHECK_FALSE(matches("a//b", "a/b"));
    CHECK(matches("/a", "/a"));
    CHECK(matches("+/a", "/a"));
    CHECK_FALSE(matches("a", "/a"));
    CHECK_FALSE(matches("/a", "a"));
    CHECK(matches("a/", "a/"));
    CHECK(matches("a/+", "a/"));
    CHECK(matches("a/#", "a/"));
    CHECK_FALSE(matches("a/", "a"));
    CHECK_FALSE(matches("a", "a/"));
    CHECK(matches("/#", "/"));
    CHECK(matches("/#", "/a/b"));
    CHECK_FALSE(matches("/#", "a"));
    CHECK(matches("//", "//"));
    CHECK(matches("+/+", "/"));
}

TEST_CASE("matches: exact and '#' alone", "[topic]") {
    CHECK(matches("a/b/c", "a/b/c"));
    CHECK_FALSE(matches("a/b/c", "a/b"));
    CHECK_FALSE(matches("a/b", "a/b/c"));
    CHECK_FALSE(matches("a/b/c", "a/b/cd"));
    CHECK_FALSE(matches("a/b/cd", "a/b/c"));
    CHECK(matches("#", "a"));
    CHECK(matches("#", "a/b/c/d/e"));
    CHECK_FALSE(matches("#", ""));
    CHECK_FALSE(matches("", "a"));
    CHECK_FALSE(matches("", ""));
}

TEST_CASE("matches: '$' topics vs leading wildcards (4.7.2)", "[topic]") {
    CHECK_FALSE(matches("#", "$SYS"));
    CHECK_FALSE(matches("#", "$SYS/broker/uptime"));
    CHECK_FALSE(matches("+/monitor/Clients", "$SYS/monitor/Clients"));
    CHECK_FALSE(matches("+", "$SYS"));
    CHECK_FALSE(matches("+/#", "$SYS/a"));
    CHECK(matches("$SYS/#", "$SYS/monitor/Clients"));
    CHECK(matches("$SYS/#", "$SYS"));
    CHECK(matches("$SYS/monitor/+", "$SYS/monitor/Clients"));
    CHECK(matches("$SYS/+/Clients", "$SYS/monitor/Clients"));
    CHECK(matches("$SYS", "$SYS"));
    // '$' only matters at the very start of the topic.
    CHECK(matches("#", "a/$SYS"));
    CHECK(matches("a/+", "a/$x"));
    CHECK(matches("+/+", "a$/b"));
}

TEST_CASE("parseFilter: shared forms", "[topic]") {
    auto s = parseFilter("$share/g/a/b");
    REQUIRE(s);
    CHECK(s->shared());
    CHECK(s->group == "g");
    CHECK(s->filter == "a/b");

    s = parseFilter("$share/group1/sport/+/player/#");
    REQUIRE(s);
    CHECK(s->group == "group1");
    CHECK(s->filter == "sport/+/player/#");

    s = parseFilter("$share/g/#");
    REQUIRE(s);
    CHECK(s->filter == "#");

    s = parseFilter("$share/g//");  // filter "/" is valid
    REQUIRE(s);
    CHECK(s->filter == "/");

    s = parseFilter("$share/g/$SYS/#");
    REQUIRE(s);
    CHECK(s->filter == "$SYS/#");

    s = parseFilter("$queue/a/b");
    REQUIRE(s);
    CHECK(s->group == "$queue");
    CHECK(s->filter == "a/b");

    s = parseFilter("$queue/a/+");
    REQUIRE(s);
    CHECK(s->group == "$queue");
    CHECK(s->filter == "a/+");

    s = parseFilter("$share/$g/a");
    REQUIRE(s);
    CHECK(s->group == "$g");
}

TEST_CASE("parseFilter: not shared", "[topic]") {
    for (const char* f :
         {"a/b", "#", "$share", "$queue", "$sharex/g/a", "$queuex/a", "x/$share/g/a", "$SYS/#", "share/g/a"}) {
        INFO(f);
        auto s = parseFilter(f);
        REQUIRE(s);
        CHECK_FALSE(s->shared());
        CHECK(s->filter == f);
        CHECK(realFilter(f) == f);
    }
}

TEST_CASE("parseFilter: invalid forms", "[topic]") {
    for (const char* f : {"$share/g",          "$share/",        "$share//a",    "$share//",
                          "$share/g/",         "$share/g+/a",    "$share/+/a",   "$share/g#/a",
                          "$share/#/a",        "$share/g/a/#/b", "$share/g/a+",  "$share/g/$share/h/a",
                          "$share/g/$queue/a", "$queue/",        "$queue/a/#/b", "$queue/$queue/a",
                          "$queue/#a",         "a/#/b",          "a+",           ""}) {
        INFO(f);
        CHECK_FALSE(parseFilter(f));
    }
    CHECK_FALSE(parseFilter("$share/g\0/a"sv));
    CHECK_FALSE(parseFilter("$share/g/a\0"sv));
}

TEST_CASE("parseFilter: max_levels counts the real filter's levels", "[topic]") {
    CHECK(parseFilter("$share/g/a/b/c", 3));
    CHECK_FALSE(parseFilter("$share/g/a/b/c/d", 3));
    CHECK(parseFilter("a/b/c", 3));
    CHECK_FALSE(parseFilter("a/b/c/d", 3));
}

TEST_CASE("realFilter: what authorization judges", "[topic]") {
    CHECK(realFilter("$share/g/a/+") == "a/+");
    CHECK(realFilter("$queue/a/#") == "a/#");
    CHECK(realFilter("a/b") == "a/b");
}
