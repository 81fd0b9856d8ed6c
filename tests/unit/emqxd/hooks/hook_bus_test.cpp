// The hook bus: priority order, message.publish verdicts (rewrite, stop,
// drop), idle points, subscribers behind a switch.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "emqxd/hooks/hook_bus.h"

using namespace emqx;
using namespace emqx::hooks;

namespace {

MessageDropped dropOf(const Message& m) { return MessageDropped::noSubscribers(m); }

HookBus::Handler<MessageDropped> recordTo(std::vector<std::string>& calls, std::string name) {
    return [&calls, name](const MessageDropped&) { calls.push_back(name); };
}

}  // namespace

TEST_CASE("hook bus: subscribers run by priority, higher first, ties in the order added", "[core][hooks]") {
    HookBus bus;
    std::vector<std::string> calls;
    bus.add<MessageDropped>(10, recordTo(calls, "low-1"));
    bus.add<MessageDropped>(kPriorityHighest, recordTo(calls, "highest"));
    bus.add<MessageDropped>(10, recordTo(calls, "low-2"));
    bus.add<MessageDropped>(kPrioritySysMsgs, recordTo(calls, "sys"));
    auto m = Message::make("t/1", "x");
    bus.run(dropOf(*m));
    CHECK(calls == std::vector<std::string>{"highest", "sys", "low-1", "low-2"});
}

TEST_CASE("hook bus: an event reaches its subscribers as references, not copies", "[core][hooks]") {
    HookBus bus;
    const Message* seen = nullptr;
    bus.add<MessageDropped>(0, [&](const MessageDropped& e) {
        seen = e.message;
        CHECK(e.topic.data() == e.message->topic.data());
        CHECK(e.reason == MessageDropReason::NoSubscribers);
    });
    auto m = Message::make("t/1", "x", "pub");
    bus.run(dropOf(*m));
    CHECK(seen == m.get());
}

TEST_CASE("hook bus: a point nobody subscribes to is idle and runs nothing", "[core][hooks]") {
    HookBus bus;
    int dropped = 0;
    bus.add<MessageDropped>(0, [&](const MessageDropped&) { ++dropped; });
    for (size_t p = 0; p < kHookPointCount; ++p)
        CHECK(bus.active(static_cast<HookPoint>(p)) == (static_cast<HookPoint>(p) == HookPoint::MessageDropped));
    // An idle message.publish hands back the very message: no copy, the slot untouched.
    MessagePtr m = Message::make("t/1", "x");
    MessagePtr slot;
    CHECK(&bus.publish(m, slot) == &m);
    CHECK(slot == nullptr);
    CHECK(dropped == 0);
}

TEST_CASE("hook bus: message.publish subscribers may rewrite, stop or drop", "[core][hooks]") {
    HookBus bus;
    std::vector<std::string> seen;
    MessagePtr original = Message::make("t/in", "payload");
    MessagePtr slot;

    SECTION("a rewrite is what later subscribers and the caller see") {
        bus.add<MessagePublish>(kPriorityHighest, [](const MessagePublish& e) {
            e.message = Message::make("t/rewritten", e.message->payload);
            return Verdict::Continue;
        });
        bus.add<MessagePublish>(0, [&](const MessagePublish& e) {
            seen.emplace_back(e.message->topic);
            return Verdict::Continue;
        });
        const MessagePtr& out = bus.publish(original, slot);
        REQUIRE(out);
        CHECK(out->topic == "t/rewritten");
        CHECK(out->payload == "payload");
        CHECK(seen == std::vector<std::string>{"t/rewritten"});
        CHECK(original->topic == "t/in");  // shared messages are never changed in place
    }
    SECTION("Stop publishes the message as it is, without the later subscribers") {
        bus.add<MessagePublish>(1, [](const MessagePublish&) { return Verdict::Stop; });
        bus.add<MessagePublish>(0, [&](const MessagePublish&) {
            seen.emplace_back("late");
            return Verdict::Continue;
        });
        const MessagePtr& out = bus.publish(original, slot);
        CHECK(out == original);
        CHECK(seen.empty());
    }
    SECTION("Drop leaves nothing to publish and ends the chain") {
        bus.add<MessagePublish>(1, [](const MessagePublish&) { return Verdict::Drop; });
        bus.add<MessagePublish>(0, [&](const MessagePublish&) {
            seen.emplace_back("late");
            return Verdict::Continue;
        });
        CHECK(bus.publish(original, slot) == nullptr);
        CHECK(seen.empty());
    }
}

TEST_CASE("hook bus: a subscriber behind a switch runs only while it is on", "[core][hooks]") {
    HookBus bus;
    Switch tracing;
    int always = 0, gated = 0;
    bus.add<MessageDropped>(
        1, [&](const MessageDropped&) { ++gated; }, &tracing);
    auto m = Message::make("t/1", "x");

    CHECK_FALSE(bus.active(HookPoint::MessageDropped));  // registered, switched off: idle
    bus.run(dropOf(*m));
    CHECK(gated == 0);

    tracing.set(true);
    CHECK(bus.active(HookPoint::MessageDropped));
    bus.run(dropOf(*m));
    CHECK(gated == 1);

    bus.add<MessageDropped>(0, [&](const MessageDropped&) { ++always; });
    tracing.set(false);
    tracing.set(false);                            // turning it off twice counts once
    CHECK(bus.active(HookPoint::MessageDropped));  // the ungated subscriber keeps the point live
    bus.run(dropOf(*m));
    CHECK(gated == 1);
    CHECK(always == 1);
}

TEST_CASE("hook bus: a switch turned on before its subscribers are added makes them live", "[core][hooks]") {
    HookBus bus;
    Switch on;
    on.set(true);
    int calls = 0;
    bus.add<MessageDropped>(
        0, [&](const MessageDropped&) { ++calls; }, &on);
    CHECK(bus.active(HookPoint::MessageDropped));
    auto m = Message::make("t/1", "x");
    bus.run(dropOf(*m));
    CHECK(calls == 1);
    on.set(false);
    CHECK_FALSE(bus.active(HookPoint::MessageDropped));
}
