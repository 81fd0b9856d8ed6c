// Retained messages in memory: one per topic, exact and wildcard lookups.
#include <catch2/catch.hpp>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "emqxd/retain/memory_retain_store.h"

using namespace emqx;

namespace {

MessagePtr retained(std::string topic, std::string payload) {
    auto m = Message::make(topic, payload);
    m->retain = true;
    return m;
}

std::set<std::string> topicsMatching(const RetainStore& store, std::string_view filter) {
    std::set<std::string> out;
    store.match(filter, [&](const MessagePtr& m) { out.emplace(m->topic); });
    return out;
}

std::vector<std::string> payloadsMatching(const RetainStore& store, std::string_view filter) {
    std::vector<std::string> out;
    store.match(filter, [&](const MessagePtr& m) { out.emplace_back(m->payload); });
    return out;
}

}  // namespace

TEST_CASE("retain store: one message per topic, replaced by the newest", "[core][retain]") {
    MemoryRetainStore store;
    CHECK(store.size() == 0);
    auto first = retained("a/b", "1");
    store.put(first);
    CHECK(store.size() == 1);
    store.put(retained("a/b", "2"));
    CHECK(store.size() == 1);
    CHECK(payloadsMatching(store, "a/b") == std::vector<std::string>{"2"});
    CHECK(first.use_count() == 1);  // the replaced one is released

    // The same MessagePtr comes back: no copy.
    auto third = retained("a/b", "3");
    store.put(third);
    const Message* seen = nullptr;
    store.match("a/b", [&](const MessagePtr& m) { seen = m.get(); });
    CHECK(seen == third.get());
}

TEST_CASE("retain store: an empty payload deletes the topic's message", "[core][retain]") {
    MemoryRetainStore store;
    store.put(retained("a/b", "x"));
    store.put(retained("a/c", "y"));
    store.put(retained("a/b", ""));
    CHECK(store.size() == 1);
    CHECK(payloadsMatching(store, "a/b").empty());
    CHECK(payloadsMatching(store, "a/c") == std::vector<std::string>{"y"});
    store.put(retained("none/here", ""));  // deleting what is absent stores nothing
    CHECK(store.size() == 1);
}

TEST_CASE("retain store: exact and wildcard matching", "[core][retain]") {
    MemoryRetainStore store;
    for (const char* t : {"a", "a/b", "a/b/c", "a/x/c", "b/b/c", "$SYS/a", "a/+lit"}) store.put(retained(t, "p"));
    CHECK(store.size() == 7);

    CHECK(topicsMatching(store, "a/b") == std::set<std::string>{"a/b"});
    CHECK(topicsMatching(store, "a/b/d").empty());
    CHECK(topicsMatching(store, "a/+/c") == std::set<std::string>{"a/b/c", "a/x/c"});
    CHECK(topicsMatching(store, "a/#") == std::set<std::string>{"a", "a/b", "a/b/c", "a/x/c", "a/+lit"});
    CHECK(topicsMatching(store, "+/b/c") == std::set<std::string>{"a/b/c", "b/b/c"});
    CHECK(topicsMatching(store, "+") == std::set<std::string>{"a"});
    // Leading wildcards skip '$' topics; an explicit '$SYS' prefix matches them.
    CHECK(topicsMatching(store, "#") == std::set<std::string>{"a", "a/b", "a/b/c", "a/x/c", "b/b/c", "a/+lit"});
    CHECK(topicsMatching(store, "$SYS/#") == std::set<std::string>{"$SYS/a"});
    CHECK(topicsMatching(store, "$SYS/+") == std::set<std::string>{"$SYS/a"});
}

TEST_CASE("retain store: erase one topic or all", "[core][retain]") {
    MemoryRetainStore store;
    store.put(retained("a", "1"));
    store.put(retained("b", "2"));
    store.put(retained("c/d", "3"));
    CHECK(store.erase("b") == 1);
    CHECK(store.erase("b") == 0);
    CHECK(store.erase("c/+") == 0);  // a topic, not a filter
    CHECK(store.size() == 2);
    CHECK(topicsMatching(store, "#") == std::set<std::string>{"a", "c/d"});
    CHECK(store.erase("") == 2);
    CHECK(store.size() == 0);
    CHECK(topicsMatching(store, "#").empty());
    CHECK(store.erase("") == 0);
}
